import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createReadOnlyRole, isDemoSeeded, seedDemoDatabase } from '@pgmcp/demo-data';
import { type LocalPostgres, startLocalPostgres } from '@pgmcp/pg-embedded';
import type { ConnectionConfig } from '@pgmcp/pool-manager';
import pg from 'pg';
import type { Logger } from './logger.js';

const DEMO_DATABASE = 'pgmcp_demo';
/** The metrics datastore's database in the embedded cluster (the default `datastore.url`). */
const METRICS_DATABASE = 'pgmcp_metrics';
const READER_ROLE = 'pgmcp_reader';

/** The embedded PostgreSQL with the demo database, and the read-only connection to it. */
export interface EmbeddedDemo {
  postgres: LocalPostgres;
  connection: ConnectionConfig;
  /** True when this start created and seeded the database. */
  seeded: boolean;
  /** Superuser URL of the demo database, for the collector (it reads pg_stat_* of every session). */
  monitorUrl: string;
  /** URL of the metrics datastore database in this cluster. */
  metricsUrl: string;
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

async function ensureDatabases(postgres: LocalPostgres): Promise<void> {
  const client = new pg.Client({ connectionString: postgres.url('postgres') });
  await client.connect();
  try {
    for (const name of [DEMO_DATABASE, METRICS_DATABASE]) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await client.end();
  }
}

/** pg_stat_statements in the demo database, for the statements probes and get_top_queries. */
async function ensureStatements(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await client.end();
  }
}

/**
 * Where the embedded cluster lives when `embedded.cluster_dir` does not say: in the data directory,
 * except as root. PostgreSQL then runs as the `postgres` OS user, who must enter every directory
 * above the cluster — but the data directory is private (0700: the store, the secret key) and may sit
 * under /root. So as root the cluster gets a directory of its own under /var/lib/pgmcp, one per data
 * directory.
 */
export function defaultClusterDir(dataDir: string): string {
  if (process.getuid?.() !== 0) return path.join(dataDir, 'postgres');
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join('/var/lib/pgmcp', `postgres-${key}`);
}

/**
 * Starts the embedded PostgreSQL in `clusterDir` (default: {@link defaultClusterDir} (created on first start, kept
 * afterwards), creates and seeds the demo database once, and gives pgmcp a least-privilege
 * read-only role to connect as — the setup the docs recommend for real databases too.
 */
export async function startEmbeddedDemo(options: {
  dataDir: string;
  binDir?: string;
  clusterDir?: string;
  logger: Logger;
}): Promise<EmbeddedDemo> {
  const { logger } = options;
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const clusterDir = path.resolve(options.clusterDir ?? defaultClusterDir(options.dataDir));
  const inside = path.join(options.dataDir, 'postgres');
  if (clusterDir !== inside && existsSync(path.join(inside, 'PG_VERSION'))) {
    logger.warn(
      `The embedded cluster in ${inside} is no longer used: as root it lives in ${clusterDir}, where the ` +
        'postgres OS user can reach it while the data directory stays private. Remove the old one when done with it.',
    );
  }
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dir: clusterDir }, 'Creating the embedded PostgreSQL cluster (first start)');
  }
  const postgres = await startLocalPostgres({
    dataDir: clusterDir,
    ...(options.binDir ? { binDir: options.binDir } : {}),
    onLog: (line) => logger.debug({ postgres: line }, 'embedded postgres'),
    // The demo is monitored out of the box: the statements probes need pg_stat_statements loaded.
    settings: { shared_preload_libraries: 'pg_stat_statements' },
  });
  try {
    await ensureDatabases(postgres);
    const url = postgres.url(DEMO_DATABASE);
    let seeded = false;
    if (!(await isDemoSeeded(url))) {
      logger.info(
        'Creating the demo database: sales, inventory and support data (a few seconds, first start only)',
      );
      const result = await seedDemoDatabase(url, {
        onProgress: (p) =>
          logger.info(
            `  demo data ${p.completed}/${p.total}: ${p.step} (${(p.elapsedMs / 1000).toFixed(1)} s)`,
          ),
      });
      logger.info(`Demo database ready in ${(result.durationMs / 1000).toFixed(1)} s`);
      seeded = true;
    }
    const password = await readOrCreateSecret(path.join(options.dataDir, 'demo-reader.password'));
    await createReadOnlyRole(url, { role: READER_ROLE, password, database: DEMO_DATABASE });
    await ensureStatements(url);
    return {
      postgres,
      seeded,
      monitorUrl: url,
      metricsUrl: postgres.url(METRICS_DATABASE),
      connection: {
        name: 'demo',
        source: 'builtin',
        description: `Embedded demo database (PostgreSQL ${postgres.version}): sales, inventory and support data`,
        host: postgres.host,
        port: postgres.port,
        database: DEMO_DATABASE,
        user: READER_ROLE,
        password,
        sslmode: 'disable',
        isMonitored: true,
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
