import { randomBytes } from 'node:crypto';
import { runMigrations, type SqlDatabase, typedKysely } from '@pgmcp/sql-store';
import { CompiledQuery } from 'kysely';
import { AuthStoreError } from '../errors.js';
import { auditMigrations } from './audit-migrations.js';
import type { AuditEvent, AuditEventInput, AuditFilter, AuditKind, AuditOutcome } from './audit-types.js';
import { sqlFingerprint } from './sql-fingerprint.js';

/** The table's columns, in the order the batch insert binds them. */
const COLUMNS = [
  'id',
  'at',
  'kind',
  'action',
  'outcome',
  'reason',
  'user_id',
  'username',
  'token_id',
  'client_name',
  'client_version',
  'ip',
  'connection_name',
  'database_name',
  'sql_text',
  'sql_fingerprint',
  'row_count',
  'bytes',
  'duration_ms',
  'target',
] as const satisfies readonly (keyof AuditEventsTable)[];

interface AuditEventsTable {
  id: string;
  at: number;
  kind: string;
  action: string;
  outcome: string;
  reason: string | null;
  user_id: string | null;
  username: string | null;
  token_id: string | null;
  client_name: string | null;
  client_version: string | null;
  ip: string | null;
  connection_name: string | null;
  database_name: string | null;
  sql_text: string | null;
  sql_fingerprint: string | null;
  row_count: number | string | null;
  bytes: number | string | null;
  duration_ms: number | string | null;
  target: string | null;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** The account store's database (the log migrates it, never closes it). */
  database: SqlDatabase;
  /** `full` keeps SQL text; `metadata` keeps only its fingerprint. Default `full`. */
  mode?: 'full' | 'metadata';
  /** Records older than this are removed by {@link AuditLog.prune}. Default 30 days. */
  retentionMs?: number;
  /** Receives every record as written (e.g. a JSON-lines stream for a SIEM). */
  onRecord?: (event: AuditEvent) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** The activity log in the account store: who ran what, through which token, and how it ended. */
export interface AuditLog {
  readonly mode: 'full' | 'metadata';
  /** Writes one record (SQL kept or fingerprinted per the mode); returns it as stored. */
  record(input: AuditEventInput): Promise<AuditEvent>;
  /** Writes several records in one statement (one commit), in order; returns them as stored. */
  recordMany(inputs: readonly AuditEventInput[]): Promise<AuditEvent[]>;
  /** Records matching the filter, newest first. */
  list(filter?: AuditFilter): Promise<AuditEvent[]>;
  /** Removes records past the retention; returns how many. */
  prune(): Promise<number>;
  /**
   * Every record matching the filter (its `limit` ignored), oldest first, read in pages so an export
   * of millions of records holds one page in memory at a time.
   */
  exportAll(filter?: Omit<AuditFilter, 'limit'>): AsyncGenerator<AuditEvent>;
}

const MAX_TEXT = 16 * 1024;
/** Records per page of an export. */
const EXPORT_PAGE = 500;
const clip = (text: string | undefined, max = MAX_TEXT) =>
  text === undefined ? null : text.length > max ? `${text.slice(0, max)}…` : text;
const num = (value: number | string | null) => (value === null ? undefined : Number(value));

function toEvent(row: AuditEventsTable): AuditEvent {
  const optional = {
    reason: row.reason,
    userId: row.user_id,
    username: row.username,
    tokenId: row.token_id,
    clientName: row.client_name,
    clientVersion: row.client_version,
    ip: row.ip,
    connection: row.connection_name,
    database: row.database_name,
    sql: row.sql_text,
    sqlFingerprint: row.sql_fingerprint,
    target: row.target,
  };
  const event: AuditEvent = {
    id: row.id,
    at: new Date(Number(row.at)),
    kind: row.kind as AuditKind,
    action: row.action,
    outcome: row.outcome as AuditOutcome,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== null) (event as unknown as Record<string, unknown>)[key] = value;
  }
  const rows = num(row.row_count);
  const bytes = num(row.bytes);
  const durationMs = num(row.duration_ms);
  if (rows !== undefined) event.rows = rows;
  if (bytes !== undefined) event.bytes = bytes;
  if (durationMs !== undefined) event.durationMs = durationMs;
  return event;
}

/**
 * Opens (and migrates) the activity log on the account store's database — SQLite or PostgreSQL,
 * so every replica writes to and reads from the same log.
 *
 * @example
 *   const audit = await createAuditLog({ database, mode: 'metadata' });
 *   await audit.record({ kind: 'mcp', action: 'tool:query_database', outcome: 'ok', sql: 'SELECT 1', rows: 1 });
 */
export async function createAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const mode = options.mode ?? 'full';
  const retentionMs = options.retentionMs ?? 30 * 24 * 3600 * 1000;
  if (!Number.isFinite(retentionMs) || retentionMs <= 0) {
    throw new AuthStoreError('INVALID_INPUT', 'The audit retention must be a positive duration.');
  }
  const now = options.now ?? Date.now;
  await runMigrations(options.database, auditMigrations);
  const db = typedKysely<{ audit_events: AuditEventsTable }>(options.database);

  // Ids sort like the records: time, then the order written here, then this log's random tag
  // (drawn once: replicas differ by it, and one process never repeats time + sequence).
  let sequence = 0;
  const tag = randomBytes(7).toString('hex');
  const postgres = options.database.dialect === 'postgres';
  const insertTexts = new Map<number, string>();
  /** `insert … values (…), (…)` for `count` rows, with the dialect's placeholders. */
  function insertText(count: number): string {
    let text = insertTexts.get(count);
    if (text === undefined) {
      let n = 0;
      const row = () => `(${COLUMNS.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
      text = `insert into audit_events (${COLUMNS.join(', ')}) values ${Array.from({ length: count }, row).join(', ')}`;
      if (insertTexts.size > 64) insertTexts.clear();
      insertTexts.set(count, text);
    }
    return text;
  }
  function toRow(input: AuditEventInput): AuditEventsTable {
    const at = (input.at ?? new Date(now())).getTime();
    sequence = (sequence + 1) % 0x1000000;
    return {
      id: `${at.toString(16).padStart(12, '0')}${sequence.toString(16).padStart(6, '0')}${tag}`,
      at,
      kind: input.kind,
      action: clip(input.action, 300)!,
      outcome: input.outcome,
      reason: clip(input.reason, 2000),
      user_id: input.userId ?? null,
      username: input.username ?? null,
      token_id: input.tokenId ?? null,
      client_name: clip(input.clientName, 200),
      client_version: clip(input.clientVersion, 100),
      ip: input.ip ?? null,
      connection_name: input.connection ?? null,
      database_name: input.database ?? null,
      sql_text: mode === 'full' ? clip(input.sql) : null,
      sql_fingerprint: input.sql === undefined ? null : sqlFingerprint(input.sql),
      row_count: input.rows ?? null,
      bytes: input.bytes ?? null,
      duration_ms: input.durationMs === undefined ? null : Math.round(input.durationMs),
      target: clip(input.target, 300),
    };
  }

  async function recordMany(inputs: readonly AuditEventInput[]): Promise<AuditEvent[]> {
    if (inputs.length === 0) return [];
    const rows = inputs.map(toRow);
    // 20 columns a row: 500 rows stay under SQLite's 32,766 bound parameters. The statement text is
    // built once per row count, not compiled by the query builder per batch (a third of its cost).
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await db.executeQuery(
        CompiledQuery.raw(
          insertText(chunk.length),
          chunk.flatMap((row) => COLUMNS.map((column) => row[column])),
        ),
      );
    }
    const events = rows.map(toEvent);
    for (const event of events) options.onRecord?.(event);
    return events;
  }

  function filtered(filter: Omit<AuditFilter, 'limit'>) {
    let query = db.selectFrom('audit_events').selectAll();
    if (filter.since) query = query.where('at', '>=', filter.since.getTime());
    if (filter.until) query = query.where('at', '<', filter.until.getTime());
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    if (filter.username) query = query.where('username', '=', filter.username);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
    if (filter.connection) query = query.where('connection_name', '=', filter.connection);
    return query;
  }

  return {
    mode,
    async record(input) {
      const [event] = await recordMany([input]);
      return event!;
    },
    recordMany,
    async list(filter = {}) {
      const limit = Math.min(1000, Math.max(1, filter.limit ?? 100));
      const rows = await filtered(filter).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toEvent);
    },
    async *exportAll(filter = {}) {
      let after: { at: number; id: string } | undefined;
      for (;;) {
        let query = filtered(filter);
        if (after) {
          const { at, id } = after;
          query = query.where((eb) =>
            eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', id)])]),
          );
        }
        const rows = await query.orderBy('at', 'asc').orderBy('id', 'asc').limit(EXPORT_PAGE).execute();
        for (const row of rows) yield toEvent(row);
        const last = rows.at(-1);
        if (!last || rows.length < EXPORT_PAGE) return;
        after = { at: Number(last.at), id: last.id };
      }
    },
    async prune() {
      const result = await db
        .deleteFrom('audit_events')
        .where('at', '<', now() - retentionMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
