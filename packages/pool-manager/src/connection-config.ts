import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { PoolManagerError } from './errors.js';

/** libpq's sslmode values. */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** Pool sizing and lifetimes; every field has a default. */
export interface PoolLimits {
  /** Most connections one pool opens (default 10). */
  max?: number;
  /** Close a connection idle this long (default 10 000 ms). */
  idleTimeoutMs?: number;
  /** Retire a connection after this many seconds (default 3600). */
  maxLifetimeSeconds?: number;
  /** Give up connecting after this long (default 5 000 ms). */
  connectTimeoutMs?: number;
}

/** One named database connection from the configuration. */
export interface ConnectionConfig {
  /** Name tools and users refer to, e.g. "default" or "analytics". */
  name: string;
  /** Shown to users and models in connection lists. */
  description?: string;
  /** A postgres:// URL; the discrete fields below override its parts. */
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: SslMode;
  /** Path of the CA certificate file (verify-ca / verify-full). */
  sslrootcert?: string;
  /** Path of the client certificate file. */
  sslcert?: string;
  /** Path of the client key file. */
  sslkey?: string;
  /**
   * Let tools write through this connection (default false). Read-only connections run every
   * session with default_transaction_read_only = on.
   */
  allowWrites?: boolean;
  /**
   * Other databases on the same server callers may switch to with `database_name`; `['*']`
   * allows every database. Default: none, only the connection's own database.
   */
  allowedDatabases?: string[];
  /** Per-statement time limit applied by the query tools (default 30 000 ms). */
  statementTimeoutMs?: number;
  pool?: PoolLimits;
  /** Where the definition comes from (default `config`): config-file ones are read-only at runtime. */
  source?: ConnectionSource;
  /** Id of a stored connection (REST paths use it). */
  id?: string;
  /**
   * `shared` (default): every session logs in as `user`. `per_user`: each user logs in with their
   * own stored login (see {@link PoolManagerOptions.resolveLogin}), so PostgreSQL's privileges and
   * row-level security apply per person.
   */
  credentials?: 'shared' | 'per_user';
  /** Passphrase of the client key (`sslkey`). */
  sslpassword?: string;
  /** Watched by the monitoring collector. */
  isMonitored?: boolean;
}

/** Where a connection definition comes from. */
export type ConnectionSource = 'config' | 'builtin' | 'store';

/** What callers may know about a connection: no password. */
export interface ConnectionInfo {
  name: string;
  description?: string;
  host: string;
  port: number;
  database: string;
  user: string;
  allowWrites: boolean;
  statementTimeoutMs: number;
  sslmode: SslMode;
  /** `config` (pgmcp.yaml), `builtin` (the embedded demo; both read-only at runtime) or `store` (managed over REST/CLI). */
  source: ConnectionSource;
  /** Id of a stored connection; config-file connections have none. */
  id?: string;
  credentials: 'shared' | 'per_user';
  isMonitored: boolean;
}

/** A user's own database login for a `per_user` connection. */
export interface DatabaseLogin {
  user: string;
  password?: string;
}

/** The resolved form the manager works with. */
export interface ResolvedConnection {
  info: ConnectionInfo;
  password?: string;
  ssl: false | ConnectionOptions;
  pool: Required<PoolLimits>;
  /** The databases sessions may open: the connection's own plus those configured, or any. */
  allowedDatabases: ReadonlySet<string> | 'any';
}

export const DEFAULT_POOL_LIMITS: Required<PoolLimits> = {
  max: 10,
  idleTimeoutMs: 10_000,
  maxLifetimeSeconds: 3600,
  connectTimeoutMs: 5_000,
};

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

function invalid(name: string, message: string): PoolManagerError {
  return new PoolManagerError('INVALID_CONNECTION_CONFIG', `Connection "${name}": ${message}`);
}

function readCertificate(name: string, field: string, file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw invalid(name, `cannot read ${field} file ${file}.`);
  }
}

function resolveSsl(config: ConnectionConfig, mode: SslMode): false | ConnectionOptions {
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') {
    // node-postgres has no opportunistic TLS; "allow" and "prefer" connect in plain text
    // unless certificates are given, like libpq does against a server without TLS.
    if (!config.sslrootcert && !config.sslcert) return false;
  }
  const ca = readCertificate(config.name, 'sslrootcert', config.sslrootcert);
  const cert = readCertificate(config.name, 'sslcert', config.sslcert);
  const key = readCertificate(config.name, 'sslkey', config.sslkey);
  const verify = mode === 'verify-ca' || mode === 'verify-full';
  return {
    rejectUnauthorized: verify,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(config.sslpassword ? { passphrase: config.sslpassword } : {}),
    // verify-ca checks the chain but not the host name.
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

/** Validates one connection config and fills in defaults. */
export function resolveConnection(config: ConnectionConfig, defaults: PoolLimits = {}): ResolvedConnection {
  const name = config.name;
  if (!/^[A-Za-z0-9_.-]{1,63}$/.test(name ?? '')) {
    throw new PoolManagerError(
      'INVALID_CONNECTION_CONFIG',
      `Connection name "${String(name)}" is invalid: use 1-63 letters, digits, "_", "." or "-".`,
    );
  }
  let fromUrl: Partial<Record<'host' | 'port' | 'database' | 'user' | 'password' | 'sslmode', string>> = {};
  if (config.url) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw invalid(name, 'url is not a valid URL (expected postgres://user:password@host:port/database).');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw invalid(name, `url must start with postgres:// or postgresql:// (got ${url.protocol}//).`);
    }
    fromUrl = {
      host: decodeURIComponent(url.hostname) || undefined,
      port: url.port || undefined,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
      user: decodeURIComponent(url.username) || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      sslmode: url.searchParams.get('sslmode') ?? undefined,
    };
  }
  const sslmode = (config.sslmode ?? fromUrl.sslmode ?? 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslmode)) {
    throw invalid(name, `sslmode "${sslmode}" is not one of ${SSL_MODES.join(', ')}.`);
  }
  const port = config.port ?? (fromUrl.port ? Number(fromUrl.port) : 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw invalid(name, `port ${port} is out of range.`);
  const pool = { ...DEFAULT_POOL_LIMITS, ...defaults, ...config.pool };
  if (!Number.isInteger(pool.max) || pool.max < 1)
    throw invalid(name, 'pool.max must be a positive integer.');
  const statementTimeoutMs = config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 0) {
    throw invalid(name, 'statementTimeoutMs must be a non-negative integer (0 disables it).');
  }
  const user = config.user ?? fromUrl.user ?? 'postgres';
  const password = config.password ?? fromUrl.password;
  const database = config.database ?? fromUrl.database ?? user;
  return {
    info: {
      name,
      ...(config.description ? { description: config.description } : {}),
      host: config.host ?? fromUrl.host ?? 'localhost',
      port,
      database,
      user,
      allowWrites: config.allowWrites ?? false,
      statementTimeoutMs,
      sslmode,
      source: config.source ?? 'config',
      ...(config.id ? { id: config.id } : {}),
      credentials: config.credentials ?? 'shared',
      isMonitored: config.isMonitored ?? false,
    },
    ...(password !== undefined ? { password } : {}),
    ssl: resolveSsl(config, sslmode),
    pool,
    allowedDatabases: config.allowedDatabases?.includes('*')
      ? 'any'
      : new Set([database, ...(config.allowedDatabases ?? [])]),
  };
}

/** pg.Pool options for one (connection, database) pair; `readOnly` defaults to the connection's own mode. */
export function poolOptions(
  connection: ResolvedConnection,
  database: string,
  readOnly = !connection.info.allowWrites,
  login?: DatabaseLogin,
): pg.PoolConfig {
  const password = login ? login.password : connection.password;
  const { info, pool } = connection;
  // Session defaults are sent in the startup packet, so they hold before any statement runs.
  const sessionSettings = [
    // Layer 4 of the read-only guarantee: every transaction of a read-only connection is read only.
    ...(readOnly ? ['default_transaction_read_only=on'] : []),
    // A session left in a transaction by a crashed caller must not hold locks for long.
    'idle_in_transaction_session_timeout=60000',
    // Every statement is bounded from the start, pgmcp's own ones included; a read-only run on
    // a read-only session relies on it instead of a SET LOCAL per call (see Lease.sessionDefaults).
    `statement_timeout=${info.statementTimeoutMs}`,
    // The SQL guard reads string literals the way the server will: backslashes are not escapes.
    'standard_conforming_strings=on',
  ];
  return {
    host: info.host,
    port: info.port,
    database,
    user: login?.user ?? info.user,
    ...(password !== undefined ? { password } : {}),
    ssl: connection.ssl,
    application_name: 'pgmcp',
    options: sessionSettings.map((setting) => `-c ${setting}`).join(' '),
    max: pool.max,
    idleTimeoutMillis: pool.idleTimeoutMs,
    maxLifetimeSeconds: pool.maxLifetimeSeconds,
    connectionTimeoutMillis: pool.connectTimeoutMs,
  };
}
