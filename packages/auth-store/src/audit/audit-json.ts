import type { AuditEvent } from './audit-types.js';

/** One activity record as JSON: the REST API's and the JSON-lines export's shape (snake_case). */
export interface AuditEventJsonLine {
  id: string;
  at: string;
  kind: AuditEvent['kind'];
  action: string;
  outcome: AuditEvent['outcome'];
  reason?: string;
  user_id?: string;
  username?: string;
  token_id?: string;
  client_name?: string;
  client_version?: string;
  ip?: string;
  connection?: string;
  database?: string;
  sql?: string;
  sql_fingerprint?: string;
  rows?: number;
  bytes?: number;
  duration_ms?: number;
  target?: string;
}

const FIELDS: [keyof AuditEvent, keyof AuditEventJsonLine][] = [
  ['reason', 'reason'],
  ['userId', 'user_id'],
  ['username', 'username'],
  ['tokenId', 'token_id'],
  ['clientName', 'client_name'],
  ['clientVersion', 'client_version'],
  ['ip', 'ip'],
  ['connection', 'connection'],
  ['database', 'database'],
  ['sql', 'sql'],
  ['sqlFingerprint', 'sql_fingerprint'],
  ['rows', 'rows'],
  ['bytes', 'bytes'],
  ['durationMs', 'duration_ms'],
  ['target', 'target'],
];

/** An activity record in its JSON shape (absent fields left out). */
export function auditEventJson(event: AuditEvent): AuditEventJsonLine {
  const json: AuditEventJsonLine = {
    id: event.id,
    at: event.at.toISOString(),
    kind: event.kind,
    action: event.action,
    outcome: event.outcome,
  };
  for (const [from, to] of FIELDS) {
    const value = event[from];
    if (value !== undefined) (json as unknown as Record<string, unknown>)[to] = value;
  }
  return json;
}
