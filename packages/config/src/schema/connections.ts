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
  allowed_databases: z.array(z.string()).optional(),
  statement_timeout_ms: z.number().int().min(0).optional(),
  pool: PoolSchema.optional(),
});
export type ConnectionFileConfig = z.infer<typeof ConnectionConfigSchema>;

/** `limits:` — what one tool call may return. */
export const LimitsConfigSchema = z.strictObject({
  default_rows: z.number().int().min(1).max(1000).default(100),
  max_rows: z.number().int().min(1).max(10_000).default(1000),
  max_output_bytes: positiveInt.default(1024 * 1024),
});

/** `embedded:` — the embedded PostgreSQL with the demo database, used when no connection is configured. */
export const EmbeddedConfigSchema = z.strictObject({
  /** A bin directory of installed PostgreSQL programs instead of the npm-shipped ones. */
  bin_dir: z.string().optional(),
});
