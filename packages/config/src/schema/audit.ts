import { z } from 'zod';
import { positiveInt } from './common.js';

/**
 * `audit:` — the activity log in the account store: every MCP call, login, token and admin change.
 * `mode: metadata` keeps only a fingerprint of each statement for estates whose SQL is sensitive.
 */
export const AuditConfigSchema = z.strictObject({
  /** Record activity (on by default); off keeps earlier records readable and writes none. */
  enabled: z.boolean().default(true),
  /** `full` keeps the SQL text; `metadata` keeps only its fingerprint. */
  mode: z.enum(['full', 'metadata']).default('full'),
  /** Days a record is kept (pruned hourly). */
  retention_days: positiveInt.max(3650, 'at most 3650 days').default(30),
  /** Also write each record as one JSON line to `stdout` or to this file (appended), for a SIEM. */
  stream: z.string().min(1).optional(),
});
export type AuditConfig = z.infer<typeof AuditConfigSchema>;
