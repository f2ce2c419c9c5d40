import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Options of {@link startPgliteServer}. */
export interface PgliteServerOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** SQL run once before clients connect, e.g. a fixture. */
  setupSql?: string;
}

/** A running PGlite behind a wire-protocol socket. */
export interface PgliteServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: what pg, psql or pool-manager connect to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `SELECT version()` of the server, e.g. "PostgreSQL 18.6 (PGlite 0.5.15) …". */
  readonly version: string;
  /** Stops the socket server and the database (in-memory: everything is gone). */
  stop(): Promise<void>;
}

/**
 * Starts an in-memory PGlite with the pgvector extension created, serving the PostgreSQL wire
 * protocol on 127.0.0.1 (no authentication: loopback and tests only). PGlite is one backend:
 * connections are multiplexed onto it, so give clients one connection each and run one
 * transaction at a time.
 *
 * @example
 *   const server = await startPgliteServer({ setupSql: 'CREATE TABLE docs (id int, embedding vector(3))' });
 *   const client = new pg.Client(server.url);
 *   ...
 *   await server.stop();
 */
export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const db = await PGlite.create({ extensions: { vector } });
  let socket: PGLiteSocketServer | undefined;
  try {
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    if (options.setupSql) await db.exec(options.setupSql);
    const version = (await db.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? '';
    socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 8 });
    await socket.start();
    const address = (socket as unknown as { server?: { address(): unknown } }).server?.address();
    const port =
      address !== null && typeof address === 'object' && 'port' in address
        ? Number(address.port)
        : Number.NaN;
    if (!Number.isInteger(port)) throw new Error('pglite-server: the socket server reported no port.');
    const started = socket;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      host: '127.0.0.1',
      port,
      version,
      async stop() {
        await started.stop();
        await db.close();
      },
    };
  } catch (error) {
    await socket?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
