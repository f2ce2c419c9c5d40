/** What an activity record is about. */
export type AuditKind = 'mcp' | 'login' | 'token' | 'admin';

/** AUDIT_KINDS, for validation at the edges. */
export const AUDIT_KINDS: readonly AuditKind[] = Object.freeze(['mcp', 'login', 'token', 'admin']);

/** How it ended: done, refused by a guard or access rule (with the reason), or failed. */
export type AuditOutcome = 'ok' | 'refused' | 'error';

/** AUDIT_OUTCOMES, for validation at the edges. */
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = Object.freeze(['ok', 'refused', 'error']);

/** One activity record as written. Never holds a secret: tokens by id only. */
export interface AuditEventInput {
  /** Default: now. */
  at?: Date;
  kind: AuditKind;
  /** e.g. `tool:query_database`, `resource:pg://system_info`, `login`, `tokens.create`, `users.update`. */
  action: string;
  outcome: AuditOutcome;
  /** Why it was refused or failed (the guard's message, the error's text). */
  reason?: string;
  userId?: string;
  username?: string;
  tokenId?: string;
  clientName?: string;
  clientVersion?: string;
  ip?: string;
  connection?: string;
  database?: string;
  /** The statement; the store keeps it only in `full` mode. */
  sql?: string;
  rows?: number;
  bytes?: number;
  durationMs?: number;
  /** What an admin or token change acted on, e.g. a user or token id. */
  target?: string;
}

/** One stored activity record. */
export interface AuditEvent {
  id: string;
  at: Date;
  kind: AuditKind;
  action: string;
  outcome: AuditOutcome;
  reason?: string;
  userId?: string;
  username?: string;
  tokenId?: string;
  clientName?: string;
  clientVersion?: string;
  ip?: string;
  connection?: string;
  database?: string;
  sql?: string;
  sqlFingerprint?: string;
  rows?: number;
  bytes?: number;
  durationMs?: number;
  target?: string;
}

/** Filters of {@link AuditLog.list}; all optional, combined with AND. */
export interface AuditFilter {
  since?: Date;
  until?: Date;
  userId?: string;
  username?: string;
  kind?: AuditKind;
  outcome?: AuditOutcome;
  connection?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}
