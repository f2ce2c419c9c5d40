// Every translation from the configuration file's shape to a package's options lives here, so the
// server and the CLI open the same stores and pools the same way.
import type { AuthStoreConfig } from '@pgmcp/auth-store';
import type { CompactorConfig } from '@pgmcp/compactor';
import type { ConversationStoreConfig } from '@pgmcp/conversation-store';
import type {
  CustomItems,
  CustomParameter,
  CustomResourceDefinition,
  PgToolGroup,
  PgToolsOptions,
} from '@pgmcp/pg-tools';
import type { ConnectionConfig, PoolManagerOptions } from '@pgmcp/pool-manager';
import type { PgmcpConfig } from './config-schema.js';
import type { LlmProviders } from './llm-providers.js';
import type { ConnectionFileConfig } from './schema/connections.js';
import { readSecretFile } from './secret-file.js';

/** Resolves `*_file` secrets of a configured connection and returns the pool-manager form. */
export function toPoolConnection(connection: ConnectionFileConfig): ConnectionConfig {
  const what = `connections "${connection.name}"`;
  const url =
    connection.url ??
    (connection.url_file ? readSecretFile(connection.url_file, `${what} url_file`) : undefined);
  const password =
    connection.password ??
    (connection.password_file
      ? readSecretFile(connection.password_file, `${what} password_file`)
      : undefined);
  const pool = connection.pool;
  return {
    name: connection.name,
    ...(connection.description ? { description: connection.description } : {}),
    ...(url ? { url } : {}),
    ...(connection.host ? { host: connection.host } : {}),
    ...(connection.port ? { port: connection.port } : {}),
    ...(connection.database ? { database: connection.database } : {}),
    ...(connection.user ? { user: connection.user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(connection.sslmode ? { sslmode: connection.sslmode } : {}),
    ...(connection.sslrootcert ? { sslrootcert: connection.sslrootcert } : {}),
    ...(connection.sslcert ? { sslcert: connection.sslcert } : {}),
    ...(connection.sslkey ? { sslkey: connection.sslkey } : {}),
    allowWrites: connection.allow_writes,
    ...(connection.is_monitored ? { isMonitored: true } : {}),
    ...(connection.allowed_databases ? { allowedDatabases: connection.allowed_databases } : {}),
    ...(connection.statement_timeout_ms !== undefined
      ? { statementTimeoutMs: connection.statement_timeout_ms }
      : {}),
    ...(pool
      ? {
          pool: {
            ...(pool.max ? { max: pool.max } : {}),
            ...(pool.idle_timeout_ms ? { idleTimeoutMs: pool.idle_timeout_ms } : {}),
            ...(pool.max_lifetime_seconds ? { maxLifetimeSeconds: pool.max_lifetime_seconds } : {}),
            ...(pool.connect_timeout_ms ? { connectTimeoutMs: pool.connect_timeout_ms } : {}),
          },
        }
      : {}),
  };
}

/** Pool-manager options of the configuration (the caller adds the connections it serves). */
export function poolManagerOptions(config: PgmcpConfig): Pick<PoolManagerOptions, 'sessionLimits'> {
  return {
    sessionLimits: {
      global: config.limits.max_sessions,
      perUser: config.limits.max_sessions_per_user,
      perToken: config.limits.concurrent_statements_per_token,
    },
  };
}

/** The configured connections in pool-manager form: `database_url` as "default" first, then the list. */
export function poolConnections(config: PgmcpConfig): ConnectionConfig[] {
  return [
    ...(config.database_url
      ? [{ name: 'default', url: config.database_url, description: 'Set by PGMCP_DATABASE_URL' }]
      : []),
    ...config.connections.map(toPoolConnection),
  ];
}

/** Account-store options from `auth:` (the caller adds where the store lives). */
export function authStoreOptions(config: PgmcpConfig): AuthStoreConfig {
  const { auth } = config;
  return {
    bcryptCost: auth.bcrypt_cost,
    sessionTtlMs: auth.session_ttl_hours * 3_600_000,
    lockout: { maxFailures: auth.lockout.max_failures, durationMs: auth.lockout.minutes * 60_000 },
    ipRateLimit: {
      maxFailures: auth.ip_rate_limit.max_failures,
      windowMs: auth.ip_rate_limit.window_minutes * 60_000,
    },
    bcryptQueue: {
      ...(auth.bcrypt_queue.max_concurrent !== undefined
        ? { maxConcurrent: auth.bcrypt_queue.max_concurrent }
        : {}),
      ...(auth.bcrypt_queue.max_waiting !== undefined ? { maxWaiting: auth.bcrypt_queue.max_waiting } : {}),
    },
  };
}

/** Conversation-store options from `conversations:` (the caller adds where the store lives). */
export function conversationStoreOptions(config: PgmcpConfig): ConversationStoreConfig {
  return {
    limits: {
      maxMessages: config.conversations.max_messages,
      maxMessagesBytes: config.conversations.max_bytes,
      maxConversationsPerUser: config.conversations.max_per_user,
      maxBytesPerUser: config.conversations.max_bytes_per_user,
    },
  };
}

/** The pg-tools settings of the configuration (the caller adds pools, sessions and the embedder). */
export function pgToolsOptions(
  config: PgmcpConfig,
): Pick<PgToolsOptions, 'defaultConnection' | 'limits' | 'disabledGroups' | 'switches' | 'confirmWrites'> {
  const disabledGroups = (Object.entries(config.toolsets.groups) as [PgToolGroup, boolean | undefined][])
    .filter(([, on]) => on === false)
    .map(([group]) => group);
  const { tools, resources, prompts } = config.toolsets;
  return {
    ...(disabledGroups.length > 0 ? { disabledGroups } : {}),
    switches: { tools, resources, prompts },
    confirmWrites: config.writes.confirm,
    ...(config.default_connection ? { defaultConnection: config.default_connection } : {}),
    limits: {
      defaultLimit: config.limits.default_rows,
      maxLimit: config.limits.max_rows,
      maxBytes: config.limits.max_output_bytes,
    },
  };
}

/** The custom tools, resources and prompts of `tools:`, `resources:` and `prompts:`, for pg-tools' compileCustomItems. */
export function customItemsOf(config: PgmcpConfig): CustomItems {
  return {
    tools: config.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      sql: tool.sql,
      ...(tool.title ? { title: tool.title } : {}),
      ...(tool.connection ? { connection: tool.connection } : {}),
      ...(tool.row_limit !== undefined ? { rowLimit: tool.row_limit } : {}),
      ...(tool.timeout_ms !== undefined ? { timeoutMs: tool.timeout_ms } : {}),
      parameters: tool.parameters.map(({ max_length, ...parameter }) => ({
        ...(Object.fromEntries(
          Object.entries(parameter).filter(([, v]) => v !== undefined),
        ) as unknown as CustomParameter),
        ...(max_length !== undefined ? { maxLength: max_length } : {}),
      })),
    })),
    resources: config.resources.map(({ mime_type, ...resource }) => ({
      ...(Object.fromEntries(
        Object.entries(resource).filter(([, v]) => v !== undefined),
      ) as CustomResourceDefinition),
      ...(mime_type ? { mimeType: mime_type } : {}),
    })),
    prompts: config.prompts.map((prompt) => ({
      name: prompt.name,
      template: prompt.template,
      ...(prompt.title ? { title: prompt.title } : {}),
      ...(prompt.description ? { description: prompt.description } : {}),
      arguments: prompt.arguments.map((a) => ({
        name: a.name,
        required: a.required,
        ...(a.description ? { description: a.description } : {}),
      })),
    })),
  };
}

/** The server's compactor: cache from `compaction:`, summaries by the default LLM provider when there is one. */
export function compactorOptions(config: PgmcpConfig, llm: LlmProviders): CompactorConfig {
  const provider = llm.defaultProvider;
  return {
    cache: {
      ttlMs: config.compaction.cache_ttl_seconds * 1000,
      maxEntries: config.compaction.cache_max_entries,
    },
    ...(provider
      ? {
          llm: {
            client: provider.client,
            model: config.compaction.summary_model ?? provider.defaultModel,
            timeoutMs: config.compaction.summary_timeout_ms,
          },
        }
      : {}),
  };
}
