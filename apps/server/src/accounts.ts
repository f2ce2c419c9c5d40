import { type AuthStore, createAuthStore, type EnsureAdminResult } from '@pgmcp/auth-store';
import { type ConversationStore, createConversationStore } from '@pgmcp/conversation-store';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { CurrentConnectionStore } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import type { LoadedConfig } from './config.js';
import type { ServerMcpState } from './deps.js';
import type { Logger } from './logger.js';

/** How often expired credentials are swept and their pools closed. */
const SWEEP_INTERVAL_MS = 60_000;

/** The account store and the machinery around it. */
export interface Accounts {
  database: SqlDatabase;
  auth: AuthStore;
  /** Stored conversations, in the same database. */
  conversations: ConversationStore;
  /** The current connection of each credential, kept in the store so every replica agrees. */
  currentConnections: CurrentConnectionStore;
  /** What the first-start bootstrap did (auth on only). */
  admin?: EnsureAdminResult;
  /** Whether the store answers a trivial query (for /health). */
  checkStore(): Promise<{ ok: boolean; dialect: string; error?: string }>;
  close(): Promise<void>;
}

/**
 * Opens the store (SQLite file in the data dir, or PostgreSQL), registers the MCP items so
 * privileges can name them, creates the first admin, and ties credentials to database pools:
 * a logout, revocation or expiry closes that credential's pools.
 */
export async function openAccounts(options: {
  loaded: LoadedConfig;
  logger: Logger;
  pools: PoolManager;
  registry: McpRegistry<ServerMcpState>;
}): Promise<Accounts> {
  const { loaded, logger, pools, registry } = options;
  const { auth: settings } = loaded.config;
  const database = await openSqlDatabase({ url: loaded.storeUrl, applicationName: 'pgmcp-store' });
  let auth: AuthStore;
  try {
    auth = await createAuthStore({
      database,
      bcryptCost: settings.bcrypt_cost,
      sessionTtlMs: settings.session_ttl_hours * 3_600_000,
      lockout: { maxFailures: settings.lockout.max_failures, durationMs: settings.lockout.minutes * 60_000 },
      ipRateLimit: {
        maxFailures: settings.ip_rate_limit.max_failures,
        windowMs: settings.ip_rate_limit.window_minutes * 60_000,
      },
      onListenerError: (error) => logger.error({ err: error }, 'revocation listener failed'),
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  let conversations: ConversationStore;
  try {
    conversations = await createConversationStore({
      database,
      limits: {
        maxMessages: loaded.config.conversations.max_messages,
        maxMessagesBytes: loaded.config.conversations.max_bytes,
      },
    });
  } catch (error) {
    await auth.close();
    await database.close();
    throw error;
  }
  logger.info({ store: database.description }, 'account store open');

  await auth.registerMcpItems(
    (['tool', 'resource', 'prompt'] as const).flatMap((kind) =>
      registry.names(kind).map((name) => ({ kind, name })),
    ),
  );

  let admin: EnsureAdminResult | undefined;
  if (settings.enabled) {
    admin = await auth.ensureAdmin(loaded.adminPassword ? { password: loaded.adminPassword } : {});
  }

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

  return {
    database,
    auth,
    conversations,
    currentConnections: {
      get: async (key) => {
        const current = await auth.getCurrentConnection(key);
        return current
          ? { connection: current.connection, ...(current.database ? { database: current.database } : {}) }
          : undefined;
      },
      set: (key, value) =>
        auth.setCurrentConnection(key, { connection: value.connection, database: value.database }),
    },
    ...(admin ? { admin } : {}),
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
      clearInterval(sweeper);
      unsubscribe();
      await auth.close();
      await conversations.close();
      await database.close();
    },
  };
}
