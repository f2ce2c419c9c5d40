import { z } from 'zod';
import { AuditConfigSchema } from './schema/audit.js';
import { AuthConfigSchema } from './schema/auth.js';
import {
  ConnectionConfigSchema,
  EmbeddedConfigSchema,
  LimitsConfigSchema,
  PrivacyConfigSchema,
} from './schema/connections.js';
import { ConnectionSecurityConfigSchema, ConnectionStoreConfigSchema } from './schema/connection-security.js';
import { HttpConfigSchema } from './schema/http.js';
import { AlertsConfigSchema, CollectorConfigSchema, DatastoreConfigSchema } from './schema/monitoring.js';
import { NotificationsConfigSchema } from './schema/notifications.js';
import { OAuthConfigSchema } from './schema/oauth.js';
import { QueriesConfigSchema } from './schema/queries.js';
import { CompactionConfigSchema, ConversationsConfigSchema, LlmConfigSchema } from './schema/llm.js';
import {
  CustomPromptConfigSchema,
  CustomResourceConfigSchema,
  CustomToolConfigSchema,
  WritesConfigSchema,
} from './schema/custom-items.js';
import { checkToolsetNames, EmbeddingsConfigSchema, ToolsetsConfigSchema } from './schema/tools.js';

/**
 * The whole configuration: pgmcp.yaml keys, overridden by PGMCP_* variables, overridden by flags.
 * Each section lives in its own file under schema/; a new section is one file and one line here.
 */
export const ConfigSchema = z
  .strictObject({
    http: HttpConfigSchema.prefault({}),
    data_dir: z.string().optional(),
    /** The built web client served at / (default: the one shipped beside the server). */
    web_dir: z.string().optional(),
    /** One connection named "default", instead of the embedded demo database. */
    database_url: z.string().optional(),
    connections: z.array(ConnectionConfigSchema).default([]),
    default_connection: z.string().optional(),
    connection_security: ConnectionSecurityConfigSchema.prefault({}),
    connection_store: ConnectionStoreConfigSchema.prefault({}),
    /** Key file that encrypts stored secrets (default: secret.key in the data dir, created when absent). */
    secret_key_file: z.string().optional(),
    limits: LimitsConfigSchema.prefault({}),
    privacy: PrivacyConfigSchema.prefault({}),
    embedded: EmbeddedConfigSchema.prefault({}),
    /** Where users, tokens and conversations live: a SQLite path or a postgres:// URL (default: pgmcp.sqlite in the data dir). */
    store_url: z.string().optional(),
    auth: AuthConfigSchema.prefault({}),
    /** OAuth 2.1 for MCP clients that sign in by themselves. */
    oauth: OAuthConfigSchema.prefault({}),
    /** Password of the `admin` superuser created on first start; generated and printed once when unset. */
    admin_password: z.string().optional(),
    admin_password_file: z.string().optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    llm: LlmConfigSchema.prefault({}),
    compaction: CompactionConfigSchema.prefault({}),
    conversations: ConversationsConfigSchema.prefault({}),
    toolsets: ToolsetsConfigSchema.prefault({}),
    embeddings: EmbeddingsConfigSchema.prefault({}),
    audit: AuditConfigSchema.prefault({}),
    /** Custom tools: SQL with typed parameters bound as $1..$n (re-read on SIGHUP). */
    tools: z.array(CustomToolConfigSchema).default([]),
    /** Custom resources: a read-only SQL result or static text (re-read on SIGHUP). */
    resources: z.array(CustomResourceConfigSchema).default([]),
    /** Custom prompts: templates with {{argument}} places (re-read on SIGHUP). */
    prompts: z.array(CustomPromptConfigSchema).default([]),
    /** How writes are confirmed before they run. */
    writes: WritesConfigSchema.prefault({}),
    datastore: DatastoreConfigSchema.prefault({}),
    collector: CollectorConfigSchema.prefault({}),
    alerts: AlertsConfigSchema.prefault({}),
    /** Delivery of alert notifications (retries, timeouts, history). */
    notifications: NotificationsConfigSchema.prefault({}),
    /** The SQL console's history and saved queries. */
    queries: QueriesConfigSchema.prefault({}),
  })
  .superRefine(checkToolsetNames);
export type PgmcpConfig = z.infer<typeof ConfigSchema>;
