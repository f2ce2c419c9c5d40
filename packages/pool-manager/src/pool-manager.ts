import { createHash } from 'node:crypto';
import pg from 'pg';
import {
  type ConnectionConfig,
  type ConnectionInfo,
  type DatabaseLogin,
  type PoolLimits,
  poolOptions,
  type ResolvedConnection,
  resolveConnection,
} from './connection-config.js';
import { connectError, describeTarget, failureReason, type FailureReason } from './connect-error.js';
import { PoolManagerError } from './errors.js';
import {
  type GuardedClient,
  guardedClientClass,
  type LiftLimit,
  type ResultLimit,
  sendCancelRequest,
} from './result-guard.js';
import {
  type SessionLimits,
  sessionLimitError,
  resolveSessionLimits,
  statementLimitError,
} from './session-limits.js';

/** Options of {@link createPoolManager}. */
export interface PoolManagerOptions {
  /** The named connections; names must be unique. */
  connections: ConnectionConfig[];
  /** Pool limits for connections that do not set their own. */
  poolDefaults?: PoolLimits;
  /** Close a session's pool once unused this long (default 60 000 ms); checked every half of it, at most 30 s. */
  poolIdleTimeoutMs?: number;
  /** Most pools open at once; past it the least recently used idle pools close first (default 100). */
  maxPools?: number;
  /** Caps on open database sessions (backends): all users together and each user (see README). */
  sessionLimits?: Partial<SessionLimits>;
  /**
   * Largest result row or protocol message any session reads (default 64 MiB). A larger one is
   * never parsed: the statement is cancelled and the session closed (`RESULT_TOO_LARGE`).
   * Callers set tighter limits per statement with {@link Lease.limitResults}.
   */
  maxMessageBytes?: number;
  /** Receives problems that have no caller to report to (e.g. an idle connection dropped by the server). */
  onWarning?: (message: string) => void;
  /**
   * The user's own database login for a `per_user` connection (`userKey` of the target); undefined
   * when they stored none, which fails the call with CREDENTIALS_REQUIRED.
   */
  resolveLogin?: (connection: ConnectionInfo, userKey: string) => Promise<DatabaseLogin | undefined>;
}

/** What {@link PoolManager.applyConnections} changed. */
export interface AppliedConnections {
  added: string[];
  /** Definitions that changed: their pools were closed, the next call opens new ones. */
  changed: string[];
  /** Gone: their pools were closed. */
  removed: string[];
  /** Store definitions ignored because a config-file connection has the name. */
  shadowed: string[];
}

/** Which pool: a caller's session, a named connection, and optionally another database on that server. */
export interface SessionTarget {
  /** Identifies the caller's session (e.g. a token id); sessions never share pools. */
  sessionKey: string;
  /**
   * The user the session key belongs to (e.g. a user id), for the per-user cap on open
   * sessions across all of their tokens. Default: the session key itself.
   */
  userKey?: string;
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
  /**
   * What the session was started with (the startup packet), before any statement: whether every
   * transaction is read only (`default_transaction_read_only`) and its `statement_timeout` in ms.
   */
  readonly sessionDefaults: { readonly readOnly: boolean; readonly statementTimeoutMs: number };
  /** Returns the session to its pool; pass `true` to discard it (e.g. after a protocol error). */
  release(discard?: boolean): void;
  /**
   * Bounds the result rows this session reads until the returned function is called: a row
   * over the limit is never parsed; the statement is cancelled, the session closed, and the
   * running query fails with `limit.onExceeded`'s error.
   */
  limitResults(limit: ResultLimit): LiftLimit;
  /** Asks the server to cancel what this session is running (a CancelRequest on a separate connection). */
  cancel(): void;
}

/** Result of {@link PoolManager.check}. */
export interface ConnectionCheck {
  connection: string;
  ok: boolean;
  latencyMs: number;
  /** Server version when reachable, e.g. "18.4". */
  serverVersion?: string;
  error?: { code: string; message: string; reason: FailureReason };
}

/** Counters for health pages and tests. */
export interface PoolStats {
  pools: number;
  sessions: number;
  /** Users holding pools (see {@link SessionTarget.userKey}). */
  users: number;
  /** Open or opening backends of every pool. */
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
  check(connection: string, timeoutMs?: number, login?: DatabaseLogin): Promise<ConnectionCheck>;
  /** As `check`, for a definition that is not (or not yet) registered: the "Test" button before saving. */
  checkDefinition(config: ConnectionConfig, timeoutMs?: number): Promise<ConnectionCheck>;
  /**
   * Replaces the runtime-managed (`source: 'store'`) definitions with `configs`: new ones are
   * added, changed ones get their pools closed so the next call connects with the new settings,
   * missing ones are removed and their pools closed. Config-file connections stay as they are.
   */
  applyConnections(configs: ConnectionConfig[]): Promise<AppliedConnections>;
  /** Closes the pools of one connection (all sessions), e.g. after a user's login for it changed. */
  closeConnectionPools(connection: string, userKey?: string): Promise<number>;
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
  connection: string;
  sessionKey: string;
  userKey: string;
  pool: pg.Pool;
  lastUsed: number;
  closing?: Promise<void>;
}

const DATABASE_NAME = /^[^\0]{1,63}$/;

/** 'I' idle, 'T' in a transaction, 'E' in a failed transaction (pg keeps it from ReadyForQuery). */
function transactionStatus(client: pg.PoolClient): string | null {
  return (client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus();
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
  /** What each runtime-managed definition was built from, to tell a changed one. */
  const fingerprints = new Map<string, string>();
  const fingerprint = (config: ConnectionConfig) =>
    createHash('sha256').update(JSON.stringify(config)).digest('base64url');
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
  const idleTimeoutMs = options.poolIdleTimeoutMs ?? 60_000;
  const maxPools = options.maxPools ?? 100;
  const sessionLimits = resolveSessionLimits(options.sessionLimits);
  const Client = guardedClientClass(options.maxMessageBytes ?? 64 * 1024 * 1024);
  const warn = options.onWarning ?? (() => undefined);
  const pools = new Map<string, PoolEntry>();
  /** Sessions each credential has out right now (one statement runs on each), in this process. */
  const running = new Map<string, number>();
  const runningDelta = (sessionKey: string, delta: number) => {
    const next = (running.get(sessionKey) ?? 0) + delta;
    if (next > 0) running.set(sessionKey, next);
    else running.delete(sessionKey);
  };
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

  async function loginFor(target: SessionTarget): Promise<DatabaseLogin | undefined> {
    if (closed) throw new PoolManagerError('CLOSED', 'The pool manager is closed.');
    const { info } = resolve(target.connection);
    if (info.credentials !== 'per_user') return undefined;
    const login = await options.resolveLogin?.(info, target.userKey ?? target.sessionKey);
    if (!login) {
      throw new PoolManagerError(
        'CREDENTIALS_REQUIRED',
        `Connection "${info.name}" uses each user's own database login, and you have not stored one. ` +
          `Add it on your profile page, with \`pgmcp connection login ${info.name}\`, or PUT /api/v1/connections/${info.id ?? info.name}/my-credentials.`,
      );
    }
    return login;
  }

  function poolFor(
    target: SessionTarget,
    login: DatabaseLogin | undefined,
  ): { entry: PoolEntry; info: ConnectionInfo; database: string; readOnly: boolean } {
    if (closed) throw new PoolManagerError('CLOSED', 'The pool manager is closed.');
    const connection = resolve(target.connection);
    const database = target.database ?? connection.info.database;
    if (!DATABASE_NAME.test(database)) {
      throw new PoolManagerError('DATABASE_NOT_ALLOWED', `"${database}" is not a valid database name.`);
    }
    const allowed = connection.allowedDatabases;
    if (allowed !== 'any' && !allowed.has(database)) {
      const others = [...allowed].filter((name) => name !== connection.info.database);
      throw new PoolManagerError(
        'DATABASE_NOT_ALLOWED',
        `Connection "${connection.info.name}" does not allow database "${database}". ` +
          (others.length > 0
            ? `Allowed: ${[...allowed].join(', ')}.`
            : `It serves only its own database "${connection.info.database}"; an administrator can list others in the connection's allowed databases.`),
      );
    }
    const readOnly = !connection.info.allowWrites || target.readOnly === true;
    // A changed per-user login gets a new pool; the old one idles out.
    const loginKey = login ? fingerprint({ name: login.user, password: login.password ?? '' }) : '';
    const key = JSON.stringify([target.sessionKey, connection.info.name, database, readOnly, loginKey]);
    let entry = pools.get(key);
    if (!entry) {
      makeRoom();
      const pool = new pg.Pool({ ...poolOptions(connection, database, readOnly, login), Client });
      // An idle connection can die (server restart, network); without a listener that would crash the process.
      pool.on('error', (error) =>
        warn(
          `Connection ${describeTarget(connection.info, database)} dropped an idle session: ${error.message}`,
        ),
      );
      entry = {
        key,
        connection: connection.info.name,
        sessionKey: target.sessionKey,
        userKey: target.userKey ?? target.sessionKey,
        pool,
        lastUsed: Date.now(),
      };
      pools.set(key, entry);
    }
    entry.lastUsed = Date.now();
    return { entry, info: connection.info, database, readOnly };
  }

  /** Backends of the pools that are not closing, per user and in all. */
  function openBackends(userKey: string): { user: number; all: number } {
    let user = 0;
    let all = 0;
    for (const entry of pools.values()) {
      all += entry.pool.totalCount;
      if (entry.userKey === userKey) user += entry.pool.totalCount;
    }
    return { user, all };
  }

  /**
   * Before `entry`'s pool opens a backend, holds both caps: closes idle pools (the user's own
   * first, least recently used first) to make room, else refuses with a clear error.
   */
  function holdSessionLimits(entry: PoolEntry, info: ConnectionInfo): void {
    const { pool } = entry;
    // pg-pool opens a backend synchronously in connect() only when none is idle and there is room.
    if (pool.idleCount > 0 || pool.totalCount >= (pool.options.max ?? 10)) return;
    const idle = [...pools.values()]
      .filter((e) => e !== entry && !busy(e) && e.pool.totalCount > 0)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    let open = openBackends(entry.userKey);
    const closeWhile = (candidates: PoolEntry[], over: () => boolean) => {
      for (const other of candidates) {
        if (!over()) return;
        if (!pools.has(other.key)) continue;
        void closeEntry(other);
        open = openBackends(entry.userKey);
      }
    };
    closeWhile(
      idle.filter((e) => e.userKey === entry.userKey),
      () => open.user >= sessionLimits.perUser || open.all >= sessionLimits.global,
    );
    closeWhile(idle, () => open.all >= sessionLimits.global);
    const error = sessionLimitError(open, sessionLimits, info);
    if (error) throw error;
  }

  async function acquire(target: SessionTarget): Promise<Lease> {
    const login = await loginFor(target);
    const { entry, info, database, readOnly } = poolFor(target, login);
    const tooMany = statementLimitError(running.get(target.sessionKey) ?? 0, sessionLimits, info);
    if (tooMany) throw tooMany;
    runningDelta(target.sessionKey, 1);
    let client: pg.PoolClient;
    try {
      holdSessionLimits(entry, info);
      client = await entry.pool.connect();
    } catch (error) {
      runningDelta(target.sessionKey, -1);
      if (error instanceof PoolManagerError) throw error;
      throw connectError(error, info, database, entry.pool);
    }
    const guarded = client as unknown as pg.PoolClient & GuardedClient;
    // pg-pool listens for errors only on idle clients; one on a checked-out client (the result
    // guard closing it, the server going away) also fails the running query, which reports it.
    const onError = () => undefined;
    client.on('error', onError);
    let released = false;
    return {
      client,
      connection: info,
      database,
      sessionDefaults: { readOnly, statementTimeoutMs: info.statementTimeoutMs },
      release(discard = false) {
        if (released) return;
        released = true;
        runningDelta(target.sessionKey, -1);
        entry.lastUsed = Date.now();
        client.removeListener('error', onError);
        // A session still inside a transaction (or unsure of its state) must not serve the next caller.
        const reuse = !discard && !guarded.wireGuard.ended && transactionStatus(client) === 'I';
        client.release(reuse ? undefined : true);
      },
      limitResults: (limit) => guarded.wireGuard.push(limit),
      cancel: () => sendCancelRequest(client),
    };
  }

  /** Closes the pools of a connection (of one user when given); in-flight sessions finish first. */
  async function closePoolsOf(name: string, userKey?: string): Promise<number> {
    const entries = [...pools.values()].filter(
      (e) => e.connection === name && (userKey === undefined || e.userKey === userKey),
    );
    await Promise.all(entries.map(closeEntry));
    return entries.length;
  }

  async function tryConnect(
    connection: ResolvedConnection,
    timeoutMs = 3_000,
    login?: DatabaseLogin,
  ): Promise<ConnectionCheck> {
    const { name, database } = connection.info;
    const started = performance.now();
    const client = new Client({
      ...poolOptions(connection, database, undefined, login),
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
      const info = login ? { ...connection.info, user: login.user } : connection.info;
      const failure = connectError(error, info, database);
      return {
        connection: name,
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: { code: failure.code, message: failure.message, reason: failureReason(error) },
      };
    } finally {
      await client.end().catch(() => undefined);
    }
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
    check: (name, timeoutMs, login) => tryConnect(resolve(name), timeoutMs, login),
    checkDefinition: (config, timeoutMs) =>
      tryConnect(resolveConnection(config, options.poolDefaults), timeoutMs),
    async applyConnections(configs) {
      const result: AppliedConnections = { added: [], changed: [], removed: [], shadowed: [] };
      const wanted = new Map<string, ConnectionConfig>();
      for (const config of configs) {
        const existing = connections.get(config.name);
        if (existing && existing.info.source !== 'store') result.shadowed.push(config.name);
        else wanted.set(config.name, { ...config, source: 'store' });
      }
      const closing: Promise<unknown>[] = [];
      for (const [name, resolved] of [...connections]) {
        if (resolved.info.source !== 'store' || wanted.has(name)) continue;
        connections.delete(name);
        fingerprints.delete(name);
        result.removed.push(name);
        closing.push(closePoolsOf(name));
      }
      for (const [name, config] of wanted) {
        const print = fingerprint(config);
        if (fingerprints.get(name) === print) continue;
        let resolved: ResolvedConnection;
        try {
          resolved = resolveConnection(config, options.poolDefaults);
        } catch (error) {
          warn(`Stored connection "${name}" is not usable: ${(error as Error).message}`);
          continue;
        }
        (connections.has(name) ? result.changed : result.added).push(name);
        connections.set(name, resolved);
        fingerprints.set(name, print);
        closing.push(closePoolsOf(name));
      }
      await Promise.all(closing);
      return result;
    },
    closeConnectionPools: closePoolsOf,
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
        users: new Set(entries.map((e) => e.userKey)).size,
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
