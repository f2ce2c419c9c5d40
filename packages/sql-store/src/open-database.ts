import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { SqlStoreError } from './errors.js';
import { makeStoreFilesPrivate } from './private-files.js';
import { cacheStatements, StoreSqliteDialect } from './sqlite-dialect.js';
import { describeStoreLocation, parseStoreUrl, type StoreLocation } from './store-url.js';

/** The two SQL dialects a store runs on. */
export type SqlDialect = 'sqlite' | 'postgres';

/** Options of {@link openSqlDatabase}. */
export interface SqlDatabaseConfig {
  /**
   * Where the store lives: a SQLite file path (its directory is created), `:memory:`, `sqlite:PATH`,
   * a `file:` URL, or a `postgres://` / `postgresql://` URL.
   */
  readonly url: string;
  /** SQLite: how long a writer waits for another connection's lock before failing (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite: make the store's directory private too (0700: created so, repaired when looser unless it
   * is shared, like /tmp). The files are always made private (0600). Default true; false for a
   * store file in a directory that other users must read.
   */
  readonly privateDirectory?: boolean;
  /**
   * Told (one sentence, no secrets) when the store repairs file permissions or finds some it leaves
   * alone. Packages do not log; the caller decides where this goes.
   */
  readonly onWarning?: (message: string) => void;
  /** PostgreSQL: the most pooled connections. Default 10. */
  readonly maxConnections?: number;
  /** PostgreSQL: `application_name` shown in pg_stat_activity. Default `pgmcp-store`. */
  readonly applicationName?: string;
  /**
   * PostgreSQL: called when an idle pooled connection fails (e.g. the server restarted). The pool
   * drops that connection and opens a new one on the next query; without a listener the error is ignored.
   */
  readonly onPoolError?: (error: Error) => void;
}

/** An open store database: one kysely instance on SQLite or PostgreSQL. */
export interface SqlDatabase {
  /** Which dialect `kysely` speaks. */
  readonly dialect: SqlDialect;
  /** Untyped kysely; a store gets a typed view with {@link typedKysely}. */
  readonly kysely: Kysely<unknown>;
  /** Where it lives, without secrets (safe to log). */
  readonly description: string;
  /** Runs a trivial query, rejecting when the store does not answer (health checks). */
  ping(): Promise<void>;
  /** Closes the SQLite file or ends the PostgreSQL pool. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens a store database from one URL: SQLite through better-sqlite3 (files readable by their owner
 * only, WAL journal, foreign keys on, busy timeout, BEGIN IMMEDIATE transactions) or PostgreSQL through a pg pool (int8 values come back
 * as JS numbers). For PostgreSQL it connects once before returning, so a wrong URL fails here with
 * OPEN_FAILED. Opening a SQLite file that this process already has open shares that connection
 * (the first opener's options apply); the file closes when the last handle closes.
 *
 * @example
 *   const database = await openSqlDatabase({ url: 'data/store.db' });
 *   await runMigrations(database, { name: 'auth', migrations });
 *   const db = typedKysely<AuthTables>(database);
 */
export async function openSqlDatabase(config: SqlDatabaseConfig): Promise<SqlDatabase> {
  const location = parseStoreUrl(config.url);
  return location.dialect === 'sqlite' ? openSqlite(location, config) : openPostgres(location, config);
}

// One connection per SQLite file and process: better-sqlite3 is synchronous, so a second connection
// waiting for a lock held by an open transaction of the first would block the very thread that has
// to finish that transaction. Sharing one connection lets kysely queue the work instead.
const sqliteFiles = new Map<string, { kysely: Kysely<unknown>; users: number }>();

function openSqlite(location: Extract<StoreLocation, { dialect: 'sqlite' }>, config: SqlDatabaseConfig) {
  const description = describeStoreLocation(location);
  const key = location.filename === ':memory:' ? undefined : path.resolve(location.filename);
  let entry = key === undefined ? undefined : sqliteFiles.get(key);
  if (entry) {
    entry.users += 1;
  } else {
    entry = { kysely: createSqliteKysely(location.filename, description, config), users: 1 };
    if (key !== undefined) sqliteFiles.set(key, entry);
  }
  const shared = entry;
  return handle('sqlite', shared.kysely, description, async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    if (key !== undefined) sqliteFiles.delete(key);
    await shared.kysely.destroy();
  });
}

function createSqliteKysely(
  filename: string,
  description: string,
  config: SqlDatabaseConfig,
): Kysely<unknown> {
  let sqlite: Database.Database | undefined;
  try {
    if (filename !== ':memory:') {
      makeStoreFilesPrivate(filename, {
        privateDirectory: config.privateDirectory ?? true,
        onWarning: config.onWarning,
      });
    }
    sqlite = new Database(filename);
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(config.busyTimeoutMs ?? 5000))}`);
    // WAL lets readers run beside the one writer; NORMAL sync is durable across crashes in WAL mode.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite?.close();
    const message = `Could not open the SQLite store ${description}: ${messageOf(error)}`;
    throw new SqlStoreError('OPEN_FAILED', message, { cause: error });
  }
  return new Kysely<unknown>({ dialect: new StoreSqliteDialect({ database: cacheStatements(sqlite) }) });
}

async function openPostgres(
  location: Extract<StoreLocation, { dialect: 'postgres' }>,
  config: SqlDatabaseConfig,
): Promise<SqlDatabase> {
  const description = describeStoreLocation(location);
  // Counts and epoch-millisecond timestamps are bigint; as numbers they read the same as on SQLite.
  // Set on this pool only, never on pg's global parsers that other packages' pools use.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: config.maxConnections ?? 10,
    application_name: config.applicationName ?? 'pgmcp-store',
    types,
  });
  pool.on('error', (error) => config.onPoolError?.(error));
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(kysely);
  } catch (error) {
    await kysely.destroy().catch(() => undefined);
    throw new SqlStoreError(
      'OPEN_FAILED',
      `Could not connect to the PostgreSQL store ${description}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return handle('postgres', kysely, description, () => kysely.destroy());
}

/**
 * The database's kysely typed with a store's tables (the same instance; types only).
 *
 * @example
 *   const db = typedKysely<AuthTables>(database);
 */
export function typedKysely<DB>(database: SqlDatabase): Kysely<DB> {
  return database.kysely as unknown as Kysely<DB>;
}

function handle(
  dialect: SqlDialect,
  kysely: Kysely<unknown>,
  description: string,
  release: () => Promise<void>,
): SqlDatabase {
  let closing: Promise<void> | undefined;
  return {
    dialect,
    kysely,
    description,
    ping: async () => {
      await sql`SELECT 1`.execute(kysely);
    },
    close: () => (closing ??= release()),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
