import {
  type AuthStore,
  createAuthStore,
  createQueryLibrary,
  type EnsureAdminResult,
  type QueryLibrary,
} from '@pgmcp/auth-store';
import { authStoreOptions, conversationStoreOptions, type LoadedConfig } from '@pgmcp/config';
import { type ConversationStore, createConversationStore } from '@pgmcp/conversation-store';
import type { McpRegistry } from '@pgmcp/mcp-core';
import { createMemoryConnectionStore, type CurrentConnectionStore } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import { createRateLimiter, type RateLimiter } from '@pgmcp/rate-limiter';
import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import { syncAuthCacheAcrossReplicas } from './auth-cache-sync.js';
import { openServerAudit, type ServerAudit } from './audit.js';
import type { Logger } from './logger.js';

/** The session key of the single local user (auth off, stdio). */
const LOCAL_KEY = 'local';

/** How often expired credentials are swept and their pools closed. */
const SWEEP_INTERVAL_MS = 60_000;

/** The account store and what lives beside it in the same database. */
export interface Accounts {
  database: SqlDatabase;
  auth: AuthStore;
  /** Stored conversations, in the same database. */
  conversations: ConversationStore;
  /** The activity log, in the same database. */
  audit: ServerAudit;
  /** The SQL console's history and saved queries, in the same database. */
  queries: QueryLibrary;
  /** The current connection of each credential, kept in the store so every replica agrees. */
  currentConnections: CurrentConnectionStore;
  /** Rate limits counted in the store, so replicas on one PostgreSQL store share them. */
  limiter: RateLimiter;
  /** Whether the store answers a trivial query (for /health). */
  checkStore(): Promise<{ ok: boolean; dialect: string; error?: string }>;
  close(): Promise<void>;
}

/** Opens the store (SQLite file in the data dir, or PostgreSQL) with the auth and conversation stores on it. */
export async function openAccounts(loaded: LoadedConfig, logger: Logger): Promise<Accounts> {
  const database = await openSqlDatabase({
    url: loaded.storeUrl,
    applicationName: 'pgmcp-store',
    // The data directory stays 0700 as root too: the embedded cluster is kept outside it then
    // (see defaultClusterDir), where the postgres OS user can reach it.
    privateDirectory: true,
    onWarning: (message) => logger.warn(message),
  });
  let auth: AuthStore | undefined;
  let limiter: RateLimiter | undefined;
  let stopSync: (() => Promise<void>) | undefined;
  let audit: ServerAudit | undefined;
  try {
    const log = (audit = await openServerAudit(database, loaded.config.audit, logger));
    auth = await createAuthStore({
      ...authStoreOptions(loaded.config),
      database,
      onListenerError: (error) => logger.error({ err: error }, 'revocation listener failed'),
      // The real outcome of a refused login is for the log only; callers get one answer for all.
      onLoginAttempt: (attempt) => {
        if (attempt.outcome !== 'success')
          logger.warn({ user: attempt.username, ip: attempt.ip, outcome: attempt.outcome }, 'login refused');
        log.write({
          kind: 'login',
          action: 'login',
          outcome: attempt.outcome === 'success' ? 'ok' : 'refused',
          ...(attempt.outcome !== 'success' ? { reason: attempt.outcome } : {}),
          ...(attempt.userId ? { userId: attempt.userId } : {}),
          username: attempt.username,
          ...(attempt.ip ? { ip: attempt.ip } : {}),
        });
      },
    });
    const queries = await createQueryLibrary({
      database,
      historyPerUser: loaded.config.queries.history_per_user,
      savedPerUser: loaded.config.queries.saved_per_user,
    });
    const conversations = await createConversationStore({
      ...conversationStoreOptions(loaded.config),
      database,
    });
    // Replicas share a PostgreSQL store; a SQLite store belongs to one process.
    if (database.dialect === 'postgres')
      stopSync = await syncAuthCacheAcrossReplicas(loaded.storeUrl, auth, logger);
    limiter = await createRateLimiter({
      database,
      onSweepError: (error) => logger.warn({ err: error }, 'sweeping ended rate-limit windows failed'),
    });
    logger.info({ store: database.description }, 'account store open');
    const store = auth;
    const local = createMemoryConnectionStore();
    return {
      database,
      auth: store,
      audit: log,
      queries,
      conversations,
      limiter,
      currentConnections: {
        // The local user (auth off) has no credential in the store: its choice lives in memory.
        get: async (key) => {
          if (key === LOCAL_KEY) return local.get(key);
          const current = await store.getCurrentConnection(key);
          return current
            ? { connection: current.connection, ...(current.database ? { database: current.database } : {}) }
            : undefined;
        },
        set: (key, value) =>
          key === LOCAL_KEY
            ? local.set(key, value)
            : store.setCurrentConnection(key, { connection: value.connection, database: value.database }),
      },
      async checkStore() {
        try {
          await database.ping();
          return { ok: true, dialect: database.dialect };
        } catch (error) {
          return {
            ok: false,
            dialect: database.dialect,
            error: error instanceof Error ? error.message.slice(0, 200) : String(error),
          };
        }
      },
      async close() {
        await stopSync?.();
        await limiter?.close();
        await log.close();
        await store.close();
        await conversations.close();
        await database.close();
      },
    };
  } catch (error) {
    await stopSync?.();
    await limiter?.close();
    await audit?.close();
    await auth?.close();
    await database.close();
    throw error;
  }
}

/**
 * Prepares the store for this server: registers the MCP items so privileges can name them and
 * creates the first admin (auth on only).
 */
export async function prepareAccounts(
  auth: AuthStore,
  registry: Pick<McpRegistry<unknown>, 'names'>,
  options: { authEnabled: boolean; adminPassword?: string },
): Promise<EnsureAdminResult | undefined> {
  await auth.registerMcpItems(
    (['tool', 'resource', 'prompt'] as const).flatMap((kind) =>
      registry.names(kind).map((name) => ({ kind, name })),
    ),
  );
  if (!options.authEnabled) return undefined;
  return auth.ensureAdmin(options.adminPassword ? { password: options.adminPassword } : {});
}

/**
 * Ties credentials to database pools: a logout, revocation or expiry closes that credential's
 * pools, here at once and, for credentials ended on another replica, at the next sweep.
 * Returns the function that stops it.
 */
export function closePoolsOfEndedCredentials(
  auth: AuthStore,
  pools: PoolManager,
  logger: Logger,
): () => void {
  const unsubscribe = auth.onRevoke((event) => {
    logger.info(
      { credential: event.credentialId, reason: event.reason },
      'credential ended; closing its database pools',
    );
    void pools.closeSession(event.credentialId);
  });
  const sweep = async () => {
    // Expired here: the store tells the listener above. Ended on another replica: ask the store.
    await auth.sweepExpired();
    const held = pools.sessionKeys().filter((key) => key !== 'local');
    if (held.length > 0)
      for (const key of await auth.inactiveCredentials(held)) await pools.closeSession(key);
  };
  const sweeper = setInterval(() => {
    sweep().catch((error: unknown) => logger.warn({ err: error }, 'sweeping expired credentials failed'));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  return () => {
    clearInterval(sweeper);
    unsubscribe();
  };
}
