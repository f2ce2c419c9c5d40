import pg from 'pg';
import {
  type ConnectionConfig,
  type ConnectionInfo,
  type PoolLimits,
  poolOptions,
  type ResolvedConnection,
  resolveConnection,
} from './connection-config.js';
import { PoolManagerError } from './errors.js';

/** Options of {@link createPoolManager}. */
export interface PoolManagerOptions {
  /** The named connections; names must be unique. */
  connections: ConnectionConfig[];
  /** Pool limits for connections that do not set their own. */
  poolDefaults?: PoolLimits;
  /** Close a session's pool once unused this long (default 300 000 ms). */
  poolIdleTimeoutMs?: number;
  /** Most pools open at once; past it the least recently used idle pools close first (default 100). */
  maxPools?: number;
  /** Receives problems that have no caller to report to (e.g. an idle connection dropped by the server). */
  onWarning?: (message: string) => void;
}

/** Which pool: a caller's session, a named connection, and optionally another database on that server. */
export interface SessionTarget {
  /** Identifies the caller's session (e.g. a token id); sessions never share pools. */
  sessionKey: string;
  connection: string;
  /** Database on the connection's server; default: the connection's own. */
  database?: string;
  /**
   * Run the sessions read-only even though the connection allows writes (a caller with read
   * access only). Read-only connections are always read-only. Part of the pool key.
   */
  readOnly?: boolean;
}

/** A checked-out database session. Always `release()` it. */
export interface Lease {
  readonly client: pg.PoolClient;
  readonly connection: ConnectionInfo;
  readonly database: string;
  /** Returns the session to its pool; pass `true` to discard it (e.g. after a protocol error). */
  release(discard?: boolean): void;
}

/** Result of {@link PoolManager.check}. */
export interface ConnectionCheck {
  connection: string;
  ok: boolean;
  latencyMs: number;
  /** Server version when reachable, e.g. "18.4". */
  serverVersion?: string;
  error?: { code: string; message: string };
}

/** Counters for health pages and tests. */
export interface PoolStats {
  pools: number;
  sessions: number;
  totalClients: number;
  idleClients: number;
  waitingRequests: number;
}

/** The connection registry and the per-session pools. */
export interface PoolManager {
  /** All configured connections, in configuration order. */
  listConnections(): ConnectionInfo[];
  /** The connection named `name`, or undefined. */
  findConnection(name: string): ConnectionInfo | undefined;
  /** The connection named `name`; throws UNKNOWN_CONNECTION naming the known ones. */
  getConnection(name: string): ConnectionInfo;
  /** Checks out a session from the target's pool, creating the pool on first use. */
  acquire(target: SessionTarget): Promise<Lease>;
  /** Runs `work` with a checked-out session and releases it afterwards. */
  withSession<T>(target: SessionTarget, work: (lease: Lease) => Promise<T>): Promise<T>;
  /** Tries a fresh connection (outside every pool) and reports reachability. */
  check(connection: string, timeoutMs?: number): Promise<ConnectionCheck>;
  /** Closes every pool of one session (logout, revocation, expiry). */
  closeSession(sessionKey: string): Promise<void>;
  /** The session keys that currently hold pools. */
  sessionKeys(): string[];
  /** Closes pools unused for longer than the idle timeout; runs on a timer too. */
  evictIdle(): Promise<number>;
  stats(): PoolStats;
  /** Closes everything; later calls fail with CLOSED. */
  close(): Promise<void>;
}

interface PoolEntry {
  key: string;
  sessionKey: string;
  pool: pg.Pool;
  lastUsed: number;
  closing?: Promise<void>;
}

const DATABASE_NAME = /^[^\0]{1,63}$/;

/** 'I' idle, 'T' in a transaction, 'E' in a failed transaction (pg keeps it from ReadyForQuery). */
function transactionStatus(client: pg.PoolClient): string | null {
  return (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
}

function describeTarget(info: ConnectionInfo, database: string): string {
  return `"${info.name}" (${info.host}:${info.port}, database "${database}")`;
}

/** Turns a driver failure during connect into an error that says what to check. */
export function connectError(
  error: unknown,
  info: ConnectionInfo,
  database: string,
  pool?: pg.Pool,
): PoolManagerError {
  const where = describeTarget(info, database);
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  if (
    pool &&
    /timeout exceeded when trying to connect/i.test(message) &&
    pool.totalCount >= (pool.options.max ?? 10)
  ) {
    return new PoolManagerError(
      'POOL_EXHAUSTED',
      `All ${pool.options.max} connections of this session to ${where} are busy. Wait for running queries to finish and try again.`,
      { cause: error },
    );
  }
  switch (err.code) {
    case '28P01':
    case '28000':
      return new PoolManagerError(
        'AUTHENTICATION_FAILED',
        `PostgreSQL refused the login of user "${info.user}" on ${where}. Check the connection's user and password.`,
        { cause: error },
      );
    case '3D000':
      return new PoolManagerError(
        'DATABASE_NOT_FOUND',
        `Database "${database}" does not exist on ${where}.`,
        {
          cause: error,
        },
      );
    case '53300':
      return new PoolManagerError(
        'TOO_MANY_CONNECTIONS',
        `${where} has no free connection slots (too many clients). Try again shortly.`,
        { cause: error },
      );
    default: {
      const reason =
        err.code === 'ECONNREFUSED'
          ? 'connection refused'
          : err.code === 'ENOTFOUND'
            ? 'host not found'
            : /timeout/i.test(message)
              ? 'timed out'
              : message.replace(/\s+/g, ' ').slice(0, 200);
      return new PoolManagerError(
        'CONNECTION_FAILED',
        `Could not connect to ${where}: ${reason}. Check that the database server is running and reachable; the next call tries again.`,
        { cause: error },
      );
    }
  }
}

/**
 * Creates the connection registry and its pools. No connection is opened here: pools are
 * created on first use, so a database that is down at start only fails the calls that need it.
 *
 * @example
 *   const pools = createPoolManager({ connections: [{ name: 'default', url: process.env.DATABASE_URL }] });
 *   const rows = await pools.withSession({ sessionKey: 'local', connection: 'default' }, ({ client }) =>
 *     client.query('SELECT 1'),
 *   );
 */
export function createPoolManager(options: PoolManagerOptions): PoolManager {
  const connections = new Map<string, ResolvedConnection>();
  for (const config of options.connections) {
    const resolved = resolveConnection(config, options.poolDefaults);
    if (connections.has(resolved.info.name)) {
      throw new PoolManagerError(
        'INVALID_CONNECTION_CONFIG',
        `Connection name "${resolved.info.name}" is used twice; names must be unique.`,
      );
    }
    connections.set(resolved.info.name, resolved);
  }
  const idleTimeoutMs = options.poolIdleTimeoutMs ?? 300_000;
  const maxPools = options.maxPools ?? 100;
  const warn = options.onWarning ?? (() => undefined);
  const pools = new Map<string, PoolEntry>();
  let closed = false;

  const sweeper = setInterval(() => void evictIdle(), Math.max(1_000, Math.min(idleTimeoutMs / 2, 30_000)));
  sweeper.unref();

  function resolve(name: string): ResolvedConnection {
    const connection = connections.get(name);
    if (!connection) {
      const known = [...connections.keys()].map((n) => `"${n}"`).join(', ') || 'none';
      throw new PoolManagerError(
        'UNKNOWN_CONNECTION',
        `There is no connection named "${name}". Known connections: ${known}.`,
      );
    }
    return connection;
  }

  function closeEntry(entry: PoolEntry): Promise<void> {
    pools.delete(entry.key);
    entry.closing ??= entry.pool
      .end()
      .catch((error: unknown) => warn(`Closing a pool failed: ${String(error)}`));
    return entry.closing;
  }

  function busy(entry: PoolEntry): boolean {
    const { pool } = entry;
    return pool.totalCount - pool.idleCount > 0 || pool.waitingCount > 0;
  }

  async function evictIdle(): Promise<number> {
    const now = Date.now();
    const stale = [...pools.values()].filter((e) => !busy(e) && now - e.lastUsed >= idleTimeoutMs);
    await Promise.all(stale.map(closeEntry));
    return stale.length;
  }

  /** Keeps the number of pools bounded: 1,000 sessions must not mean 1,000 open pools. */
  function makeRoom(): void {
    if (pools.size < maxPools) return;
    const idle = [...pools.values()].filter((e) => !busy(e)).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of idle.slice(0, pools.size - maxPools + 1)) void closeEntry(entry);
  }

  function poolFor(target: SessionTarget): { entry: PoolEntry; info: ConnectionInfo; database: string } {
    if (closed) throw new PoolManagerError('CLOSED', 'The pool manager is closed.');
    const connection = resolve(target.connection);
    const database = target.database ?? connection.info.database;
    if (!DATABASE_NAME.test(database)) {
      throw new PoolManagerError('DATABASE_NOT_ALLOWED', `"${database}" is not a valid database name.`);
    }
    if (connection.allowedDatabases && !connection.allowedDatabases.has(database)) {
      throw new PoolManagerError(
        'DATABASE_NOT_ALLOWED',
        `Connection "${connection.info.name}" does not allow database "${database}". Allowed: ${[
          ...connection.allowedDatabases,
        ].join(', ')}.`,
      );
    }
    const readOnly = !connection.info.allowWrites || target.readOnly === true;
    const key = JSON.stringify([target.sessionKey, connection.info.name, database, readOnly]);
    let entry = pools.get(key);
    if (!entry) {
      makeRoom();
      const pool = new pg.Pool(poolOptions(connection, database, readOnly));
      // An idle connection can die (server restart, network); without a listener that would crash the process.
      pool.on('error', (error) =>
        warn(
          `Connection ${describeTarget(connection.info, database)} dropped an idle session: ${error.message}`,
        ),
      );
      entry = { key, sessionKey: target.sessionKey, pool, lastUsed: Date.now() };
      pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return { entry, info: connection.info, database };
  }

  async function acquire(target: SessionTarget): Promise<Lease> {
    const { entry, info, database } = poolFor(target);
    let client: pg.PoolClient;
    try {
      client = await entry.pool.connect();
    } catch (error) {
      throw connectError(error, info, database, entry.pool);
    }
    let released = false;
    return {
      client,
      connection: info,
      database,
      release(discard = false) {
        if (released) return;
        released = true;
        entry.lastUsed = Date.now();
        // A session still inside a transaction (or unsure of its state) must not serve the next caller.
        client.release(discard || transactionStatus(client) !== 'I' ? true : undefined);
      },
    };
  }

  return {
    listConnections: () => [...connections.values()].map((c) => c.info),
    findConnection: (name) => connections.get(name)?.info,
    getConnection: (name) => resolve(name).info,
    acquire,
    async withSession(target, work) {
      const lease = await acquire(target);
      try {
        return await work(lease);
      } finally {
        lease.release();
      }
    },
    async check(name, timeoutMs = 3_000) {
      const connection = resolve(name);
      const database = connection.info.database;
      const started = performance.now();
      const client = new pg.Client({
        ...poolOptions(connection, database),
        connectionTimeoutMillis: timeoutMs,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
        return {
          connection: name,
          ok: true,
          latencyMs: Math.round(performance.now() - started),
          serverVersion: rows[0]?.v.split(' ')[0] ?? '',
        };
      } catch (error) {
        const failure = connectError(error, connection.info, database);
        return {
          connection: name,
          ok: false,
          latencyMs: Math.round(performance.now() - started),
          error: { code: failure.code, message: failure.message },
        };
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async closeSession(sessionKey) {
      const entries = [...pools.values()].filter((e) => e.sessionKey === sessionKey);
      await Promise.all(entries.map(closeEntry));
    },
    sessionKeys: () => [...new Set([...pools.values()].map((e) => e.sessionKey))],
    evictIdle,
    stats() {
      const entries = [...pools.values()];
      return {
        pools: entries.length,
        sessions: new Set(entries.map((e) => e.sessionKey)).size,
        totalClients: entries.reduce((n, e) => n + e.pool.totalCount, 0),
        idleClients: entries.reduce((n, e) => n + e.pool.idleCount, 0),
        waitingRequests: entries.reduce((n, e) => n + e.pool.waitingCount, 0),
      };
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      await Promise.all([...pools.values()].map(closeEntry));
    },
  };
}
