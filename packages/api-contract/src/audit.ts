import { z } from 'zod';
import type { RouteContract } from './route-contract.js';

/** `7d`, `24h`, `30m` before now, or an ISO 8601 time. */
const TIME_SPEC = /^(\d{1,5})([mhd])$/;

/**
 * Reads a time of the activity log's filters: a span back from `now` (`7d`, `24h`, `90m`) or an
 * ISO 8601 time. Undefined when it is neither.
 */
export function parseAuditTime(value: string, now: number = Date.now()): Date | undefined {
  const span = TIME_SPEC.exec(value.trim());
  if (span) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(span[1]) * unit);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const TimeFilter = z
  .string()
  .refine((v) => parseAuditTime(v) !== undefined, {
    message: 'must be a span back from now such as 7d, 24h or 90m, or an ISO 8601 time',
  })
  .optional();

/** Query of `GET /api/v1/audit`; every filter optional. Users see only their own records. */
export const AuditQuerySchema = z.object({
  since: TimeFilter,
  until: TimeFilter,
  /** Username (administrators only; others always see their own). */
  user: z.string().min(1).max(64).optional(),
  kind: z.enum(['mcp', 'login', 'token', 'admin']).optional(),
  outcome: z.enum(['ok', 'refused', 'error']).optional(),
  connection: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** One activity record. Tokens appear by id only, never their secret. */
export const AuditEventSchema = z.object({
  id: z.string(),
  at: z.string().describe('ISO 8601 timestamp'),
  kind: z.enum(['mcp', 'login', 'token', 'admin']),
  /** e.g. `tool:query_database`, `resource:pg://system_info`, `login`, `createToken`, `updateUser`. */
  action: z.string(),
  outcome: z.enum(['ok', 'refused', 'error']),
  /** Why it was refused (the guard's or access rule's message) or failed. */
  reason: z.string().optional(),
  user_id: z.string().optional(),
  username: z.string().optional(),
  token_id: z.string().optional(),
  client_name: z.string().optional(),
  client_version: z.string().optional(),
  ip: z.string().optional(),
  connection: z.string().optional(),
  database: z.string().optional(),
  /** Absent in `audit.mode: metadata`. */
  sql: z.string().optional(),
  sql_fingerprint: z.string().optional(),
  rows: z.number().optional(),
  bytes: z.number().optional(),
  duration_ms: z.number().optional(),
  target: z.string().optional(),
});
export type AuditEventJson = z.infer<typeof AuditEventSchema>;

/** Answer of `GET /api/v1/audit`: newest first. */
export const AuditListSchema = z.object({
  events: z.array(AuditEventSchema),
  /** Whether the caller sees everyone's records (administrators) or only their own. */
  scope: z.enum(['all', 'own']),
});
export type AuditList = z.infer<typeof AuditListSchema>;

/** The activity log's routes. */
export const AUDIT_ROUTES = {
  listAudit: {
    method: 'get',
    path: '/api/v1/audit',
    summary: "The activity log, newest first: the caller's own records, everyone's for administrators",
    tag: 'audit',
    auth: 'user',
    query: AuditQuerySchema,
    response: AuditListSchema,
  },
} as const satisfies Record<string, RouteContract>;
