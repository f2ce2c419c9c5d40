import { z } from 'zod';
import { port, positiveInt } from './common.js';

const PoolSchema = z.strictObject({
  max: positiveInt.optional(),
  idle_timeout_ms: positiveInt.optional(),
  max_lifetime_seconds: positiveInt.optional(),
  connect_timeout_ms: positiveInt.optional(),
});

/** One database connection of the config file. */
export const ConnectionConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, 'use 1-63 letters, digits, "_", "." or "-"'),
  description: z.string().optional(),
  url: z.string().optional(),
  url_file: z.string().optional(),
  host: z.string().optional(),
  port: port.optional(),
  database: z.string().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  password_file: z.string().optional(),
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
  sslrootcert: z.string().optional(),
  sslcert: z.string().optional(),
  sslkey: z.string().optional(),
  allow_writes: z.boolean().default(false),
  /** Collected by the monitoring collector (default false). */
  is_monitored: z.boolean().default(false),
  allowed_databases: z.array(z.string()).optional(),
  statement_timeout_ms: z.number().int().min(0).optional(),
  pool: PoolSchema.optional(),
});
export type ConnectionFileConfig = z.infer<typeof ConnectionConfigSchema>;

/** A number of calls per minute: a whole number from 0 (no limit) up to a million. */
const callRate = z
  .number()
  .int('a whole number of calls')
  .min(0, 'at least 0 (0: no limit)')
  .max(1_000_000, 'at most 1000000 a minute');

/** `limits:` — what one tool call may return, and how much one caller may ask of the server. */
export const LimitsConfigSchema = z.strictObject({
  default_rows: z.number().int().min(1).max(1000).default(100),
  max_rows: z.number().int().min(1).max(10_000).default(1000),
  max_output_bytes: positiveInt.default(1024 * 1024),
  /** Database sessions all callers together may hold open (keeps slots free for the application). */
  max_sessions: positiveInt.default(50),
  /** Database sessions one user may hold open across all of their tokens and databases. */
  max_sessions_per_user: positiveInt.default(10),
  /**
   * Statements one token (or login session) may run at once, per replica; one more is a tool
   * error at once. Per replica because each replica's sessions are its own (see the README).
   */
  concurrent_statements_per_token: positiveInt.max(1000, 'at most 1000').default(8),
  /** MCP calls (tool calls, resource reads, prompt requests) one token may make per minute; 0: no limit. */
  mcp_calls_per_minute: callRate.default(1200),
  /** REST requests one signed-in user may make per minute, over all their credentials; 0: no limit. */
  rest_requests_per_minute: callRate.default(1200),
  /**
   * Per group of users: other rates for members. A user in several groups gets the most generous
   * (0, no limit, is the most generous); groups not named here leave the defaults above.
   */
  groups: z
    .record(
      z.string().min(1, 'a group name'),
      z.strictObject({
        mcp_calls_per_minute: callRate.optional(),
        rest_requests_per_minute: callRate.optional(),
      }),
    )
    .default({}),
});
export type LimitsConfig = z.infer<typeof LimitsConfigSchema>;

/** `privacy:` — what callers may learn about each other through the database. */
export const PrivacyConfigSchema = z.strictObject({
  /**
   * Only administrators (superusers and holders of an admin permission) read other sessions'
   * statement text (pg_stat_activity.query); others see their own and the facts of the rest.
   */
  hide_other_sessions: z.boolean().default(true),
});

/** `embedded:` — the embedded PostgreSQL with the demo database, used when no connection is configured. */
export const EmbeddedConfigSchema = z.strictObject({
  /** A bin directory of installed PostgreSQL programs instead of the npm-shipped ones. */
  bin_dir: z.string().optional(),
  /**
   * Where the embedded cluster lives; default `<data_dir>/postgres`, or as root (PostgreSQL then
   * runs as the `postgres` OS user, who must reach it) `/var/lib/pgmcp/postgres-<hash of data_dir>`.
   */
  cluster_dir: z.string().optional(),
});
