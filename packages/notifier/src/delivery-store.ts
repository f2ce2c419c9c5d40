import { type Kysely, sql } from 'kysely';
import { NotifierError } from './errors.js';
import type { AlertEventKind, DeliveryAttempt, DeliveryStatus, DeliveryView, Severity } from './types.js';

interface DeliveryRow {
  id: string;
  channel_id: string;
  event_kind: AlertEventKind | 'test';
  alert_id: string | null;
  rule_id: string | null;
  connection_id: string | null;
  severity: Severity | null;
  event: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  response: string | null;
  last_error: string | null;
  attempt_log: DeliveryAttempt[];
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** A delivery claimed for one attempt. */
export interface ClaimedDelivery {
  id: string;
  channelId: string;
  /** The stored event (`AlertEvent` as JSON) or, for a test, `{channel}`. */
  event: Record<string, unknown>;
  eventKind: AlertEventKind | 'test';
  attempts: number;
  maxAttempts: number;
}

/** What to store about a new delivery. */
export interface NewDelivery {
  channelId: string;
  eventKind: AlertEventKind | 'test';
  alertId?: string;
  ruleId?: string;
  connectionId?: string;
  severity?: Severity;
  event: Record<string, unknown>;
  maxAttempts: number;
}

/** Filters of {@link DeliveryStore.list}. */
export interface DeliveryQuery {
  channelId?: string;
  alertId?: string;
  status?: DeliveryStatus;
  /** 1–500, default 50. */
  limit?: number;
  offset?: number;
}

/** The notification_deliveries table. */
export interface DeliveryStore {
  insert(delivery: NewDelivery, at: Date): Promise<string>;
  /** Takes a due delivery for one attempt (a lease of `leaseMs`), or undefined when another has it or it is done. */
  claim(id: string, at: Date, leaseMs: number): Promise<ClaimedDelivery | undefined>;
  /** Records an attempt: the status after it and, when retrying, when the next one is due. */
  record(
    id: string,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    nextAttemptAt: Date | null,
  ): Promise<void>;
  list(query: DeliveryQuery): Promise<DeliveryView[]>;
  get(id: string): Promise<DeliveryView>;
  /** Deliveries whose next attempt is due (retries left by a stopped process included). */
  due(at: Date): Promise<string[]>;
  /** Deletes finished deliveries created before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** The delivery store over an open, migrated datastore database. */
export function createDeliveryStore(db: Kysely<unknown>): DeliveryStore {
  return {
    async insert(d, at) {
      const result = await sql<{ id: string }>`
        insert into notification_deliveries (channel_id, event_kind, alert_id, rule_id, connection_id, severity,
          event, status, max_attempts, next_attempt_at, created_at, updated_at)
        values (${d.channelId}, ${d.eventKind}, ${d.alertId ?? null}, ${d.ruleId ?? null}, ${d.connectionId ?? null},
          ${d.severity ?? null}, ${JSON.stringify(d.event)}::jsonb, 'pending', ${d.maxAttempts},
          ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
        returning id::text`.execute(db);
      return result.rows[0]!.id;
    },
    async claim(id, at, leaseMs) {
      const result = await sql<DeliveryRow>`
        update notification_deliveries set status = 'sending',
          next_attempt_at = ${new Date(at.getTime() + leaseMs).toISOString()}::timestamptz,
          updated_at = ${at.toISOString()}::timestamptz
        where id = ${id}::bigint and (status in ('pending', 'retrying')
          or (status = 'sending' and next_attempt_at <= ${at.toISOString()}::timestamptz))
        returning *`.execute(db);
      const row = result.rows[0];
      return row
        ? {
            id,
            channelId: row.channel_id,
            event: row.event,
            eventKind: row.event_kind,
            attempts: row.attempts,
            maxAttempts: row.max_attempts,
          }
        : undefined;
    },
    async record(id, attempt, status, nextAttemptAt) {
      await sql`
        update notification_deliveries set status = ${status}, attempts = attempts + 1,
          response = ${attempt.response}, last_error = coalesce(${attempt.error}, last_error),
          attempt_log = attempt_log || ${JSON.stringify([attempt])}::jsonb,
          next_attempt_at = ${nextAttemptAt?.toISOString() ?? null}::timestamptz,
          delivered_at = ${status === 'delivered' ? attempt.at : null}::timestamptz,
          updated_at = ${attempt.at}::timestamptz
        where id = ${id}::bigint`.execute(db);
    },
    async list(query) {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
      const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
      const result = await sql<DeliveryRow>`
        select * from notification_deliveries
        where (${query.channelId ?? null}::text is null or channel_id = ${query.channelId ?? null})
          and (${query.alertId ?? null}::text is null or alert_id = ${query.alertId ?? null})
          and (${query.status ?? null}::text is null or status = ${query.status ?? null})
        order by created_at desc, id desc limit ${limit} offset ${offset}`.execute(db);
      return result.rows.map(view);
    },
    async get(id) {
      const result = /^\d{1,18}$/.test(id)
        ? await sql<DeliveryRow>`
            select * from notification_deliveries where id = ${id}::bigint`.execute(db)
        : { rows: [] };
      const row = result.rows[0];
      if (!row) throw new NotifierError('NOT_FOUND', `No notification delivery with id "${id}".`);
      return view(row);
    },
    async due(at) {
      const result = await sql<{ id: string }>`
        select id::text as id from notification_deliveries
        where status in ('pending', 'sending', 'retrying') and next_attempt_at <= ${at.toISOString()}::timestamptz
        order by next_attempt_at limit 1000`.execute(db);
      return result.rows.map((r) => r.id);
    },
    async prune(before) {
      const result = await sql`
        delete from notification_deliveries
        where created_at < ${before.toISOString()}::timestamptz and status in ('delivered', 'failed')`.execute(
        db,
      );
      return Number(result.numAffectedRows ?? 0);
    },
  };
}

function view(row: DeliveryRow): DeliveryView {
  const time = (value: Date | null) => (value === null ? null : new Date(value).toISOString());
  return {
    id: String(row.id),
    channel_id: row.channel_id,
    event_kind: row.event_kind,
    alert_id: row.alert_id,
    rule_id: row.rule_id,
    connection_id: row.connection_id,
    severity: row.severity,
    status: row.status,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    response: row.response,
    last_error: row.last_error,
    next_attempt_at: time(row.next_attempt_at),
    created_at: new Date(row.created_at).toISOString(),
    delivered_at: time(row.delivered_at),
    attempt_log: row.attempt_log,
  };
}
