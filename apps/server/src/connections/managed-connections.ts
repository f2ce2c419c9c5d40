import { type ConnectionStore, createConnectionStore, poolDefinition } from '@pgmcp/connection-store';
import type { DatabaseLogin, PoolManager } from '@pgmcp/pool-manager';
import type { SqlDatabase } from '@pgmcp/sql-store';
import type { Logger } from '../logger.js';

/** Names a stored connection may never take: the route `/api/v1/connections/current`. */
const ROUTE_NAMES = ['current'];

/** Opens the connection store on the account store's database; a bad key file stops the start. */
export async function openConnectionStore(options: {
  database: SqlDatabase;
  keyFile: { path: string; explicit: boolean };
  reservedNames: () => readonly string[];
  logger: Logger;
}): Promise<ConnectionStore> {
  return createConnectionStore({
    database: options.database,
    keyFile: options.keyFile.path,
    // An explicitly configured key file must exist: a typo must not mint a key that reads nothing.
    createKeyFile: !options.keyFile.explicit,
    reservedNames: () => [...ROUTE_NAMES, ...options.reservedNames()],
    onWarning: (message) => options.logger.warn(message),
  });
}

/** The user's own login for a per_user connection, for the pool manager. */
export function loginResolver(store: ConnectionStore) {
  return async (connection: { id?: string }, userKey: string): Promise<DatabaseLogin | undefined> => {
    if (!connection.id) return undefined;
    const login = await store.findUserCredentials(connection.id, userKey);
    return login
      ? { user: login.username, ...(login.password ? { password: login.password } : {}) }
      : undefined;
  };
}

/** Keeps the pool manager's stored connections in step with the store. */
export interface ConnectionSync {
  /** Applies the store's connections now (after a change made here). */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * Applies the stored connections to the pools now and whenever the store's change counter moves,
 * checked every `intervalMs`: a change made on another replica reaches this one's pools within
 * one interval (default 2 s).
 */
export async function startConnectionSync(options: {
  store: ConnectionStore;
  pools: PoolManager;
  intervalMs: number;
  logger: Logger;
}): Promise<ConnectionSync> {
  const { store, pools, logger } = options;
  let seen = -1;
  let running: Promise<void> | undefined;

  async function apply(): Promise<void> {
    const version = await store.version();
    const definitions = await Promise.all((await store.list()).map((c) => poolDefinition(store, c)));
    const applied = await pools.applyConnections(definitions);
    seen = version;
    for (const name of applied.added) logger.info({ connection: name }, 'stored connection added');
    for (const name of applied.changed)
      logger.info({ connection: name }, 'stored connection changed; its pools were rebuilt');
    for (const name of applied.removed)
      logger.info({ connection: name }, 'stored connection deleted; its pools were closed');
    for (const name of applied.shadowed)
      logger.warn(
        { connection: name },
        'a stored connection has the name of a config-file connection and is ignored',
      );
  }

  /** One apply at a time; a call during one waits for it and runs again. */
  function refresh(): Promise<void> {
    const next = (running ?? Promise.resolve()).then(apply, apply);
    running = next
      .catch(() => undefined)
      .finally(() => {
        if (running === next) running = undefined;
      });
    return next;
  }

  await refresh();
  const timer = setInterval(() => {
    store
      .version()
      .then((version) => (version !== seen ? refresh() : undefined))
      .catch((error: unknown) => logger.warn({ err: error }, 'checking the stored connections failed'));
  }, options.intervalMs);
  timer.unref();
  return { refresh, stop: () => clearInterval(timer) };
}
