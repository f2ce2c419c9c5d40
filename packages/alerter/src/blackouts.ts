import { Cron } from 'croner';
import { type Kysely, sql } from 'kysely';
import { AlerterError, invalid } from './errors.js';
import { blackoutFromRow, type Row } from './rows.js';
import type { Blackout } from './types.js';

/** A blackout as callers give it: one-off (`startsAt`, `endsAt`) or scheduled (`cron`, `durationS`, `timeZone`). */
export interface BlackoutInput {
  /** Omit for every connection. */
  connectionId?: string | null;
  reason?: string;
  startsAt?: Date | string;
  endsAt?: Date | string;
  /** Five-field cron expression (minute hour day-of-month month day-of-week), e.g. `0 2 * * 0`. */
  cron?: string;
  durationS?: number;
  /** IANA time zone of the cron expression (default UTC). */
  timeZone?: string;
  createdBy?: string;
}

function timeField(field: string, value: Date | string | undefined): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw invalid(field, 'must be an ISO 8601 time.');
  return date;
}

/** Checks an IANA time zone name. */
export function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw invalid(
      'time_zone',
      `"${zone}" is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York).`,
    );
  }
  return zone;
}

function cronOf(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, paused: true, mode: '5-part' });
}

/** Checks a five-field cron expression. */
export function checkCron(expression: string, timeZone: string): string {
  try {
    cronOf(expression, timeZone).nextRun();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Cron\w*:\s*/, '') : String(error);
    throw invalid(
      'cron',
      `"${expression}" is not a valid cron expression (minute hour day month weekday): ${reason}`,
    );
  }
  return expression;
}

/** Checks a blackout; errors name the field. */
export function parseBlackout(input: BlackoutInput): Omit<Blackout, 'id' | 'createdAt' | 'endedAt'> {
  const base = {
    connectionId: input.connectionId ?? null,
    reason: typeof input.reason === 'string' ? input.reason.slice(0, 500) : '',
    createdBy: input.createdBy ?? null,
  };
  if (input.cron !== undefined) {
    if (typeof input.cron !== 'string') throw invalid('cron', 'must be a text.');
    const timeZone = checkTimeZone(input.timeZone ?? 'UTC');
    const duration = input.durationS;
    if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 60 || duration > 7 * 86_400)
      throw invalid('duration_s', 'a scheduled blackout needs duration_s: whole seconds from 60 to 604800.');
    return {
      ...base,
      cron: checkCron(input.cron.trim(), timeZone),
      durationS: duration,
      timeZone,
      startsAt: null,
      endsAt: null,
    };
  }
  const startsAt = timeField('starts_at', input.startsAt);
  const endsAt = timeField('ends_at', input.endsAt);
  if (endsAt <= startsAt) throw invalid('ends_at', 'must be after starts_at.');
  return { ...base, startsAt, endsAt, cron: null, durationS: null, timeZone: null };
}

/**
 * Whether a blackout is in force at `at`. A scheduled one is when an occurrence of its cron falls in
 * (at − duration, at]: the first occurrence after at − duration is not later than at.
 */
export function isBlackoutActive(blackout: Blackout, at: Date): boolean {
  if (blackout.endedAt && blackout.endedAt <= at) return false;
  if (blackout.cron) {
    const from = new Date(at.getTime() - (blackout.durationS ?? 0) * 1000);
    const next = cronOf(blackout.cron, blackout.timeZone ?? 'UTC').nextRun(from);
    return next !== null && next.getTime() <= at.getTime();
  }
  return !!blackout.startsAt && !!blackout.endsAt && blackout.startsAt <= at && at < blackout.endsAt;
}

export async function insertBlackout(db: Kysely<unknown>, input: BlackoutInput): Promise<Blackout> {
  const b = parseBlackout(input);
  const { rows } = await sql<Row>`insert into blackouts (connection_id, reason, starts_at, ends_at, cron,
      duration_s, time_zone, created_by)
    values (${b.connectionId}, ${b.reason}, ${b.startsAt?.toISOString() ?? null}::timestamptz,
      ${b.endsAt?.toISOString() ?? null}::timestamptz, ${b.cron}, ${b.durationS}, ${b.timeZone}, ${b.createdBy})
    returning *`.execute(db);
  return blackoutFromRow(rows[0]!);
}

/** Ends a blackout now (a scheduled one stops recurring). */
export async function endBlackout(db: Kysely<unknown>, id: number, at: Date): Promise<Blackout> {
  const { rows } =
    await sql<Row>`update blackouts set ended_at = coalesce(ended_at, ${at.toISOString()}::timestamptz)
    where id = ${id} returning *`.execute(db);
  if (!rows[0]) throw new AlerterError('NOT_FOUND', `No blackout ${id}.`, { field: 'blackout_id' });
  return blackoutFromRow(rows[0]);
}

/** Filters of {@link listBlackouts}. */
export interface BlackoutQuery {
  /** This connection's blackouts and those of every connection. */
  connectionId?: string;
  /** Only blackouts in force now. */
  activeOnly?: boolean;
  /** Include scheduled (cron) blackouts (default true). */
  includeSchedules?: boolean;
}

export async function listBlackouts(
  db: Kysely<unknown>,
  query: BlackoutQuery,
  at: Date,
): Promise<Blackout[]> {
  const { rows } = await sql<Row>`select * from blackouts
    where (${query.connectionId ?? null}::text is null or connection_id is null or connection_id = ${query.connectionId ?? null})
    order by created_at desc, id desc limit 500`.execute(db);
  return rows
    .map(blackoutFromRow)
    .filter((b) => query.includeSchedules !== false || !b.cron)
    .filter((b) => !query.activeOnly || isBlackoutActive(b, at));
}

/** What changed in a connection's blackouts since the last evaluation. */
export interface BlackoutSync {
  /** Some blackout is in force for the connection. */
  active: boolean;
  started: Blackout[];
  ended: Blackout[];
}

/** Compares the blackouts in force for a connection with those recorded as started; records the changes. */
export async function syncBlackouts(
  db: Kysely<unknown>,
  connectionId: string,
  at: Date,
): Promise<BlackoutSync> {
  const { rows } = await sql<Row & { active_since: string | null }>`
    select b.*, s.active_since from blackouts b
    left join blackout_states s on s.blackout_id = b.id and s.connection_id = ${connectionId}
    where (b.connection_id is null or b.connection_id = ${connectionId})
      and (s.active_since is not null or b.cron is not null or b.ends_at > ${at.toISOString()}::timestamptz)
      and (s.active_since is not null or b.ended_at is null)`.execute(db);
  const sync: BlackoutSync = { active: false, started: [], ended: [] };
  for (const row of rows) {
    const blackout = blackoutFromRow(row);
    const active = isBlackoutActive(blackout, at);
    const recorded = row.active_since !== null;
    sync.active ||= active;
    if (active && !recorded) {
      await sql`insert into blackout_states (blackout_id, connection_id, active_since)
        values (${blackout.id}, ${connectionId}, ${at.toISOString()}::timestamptz)
        on conflict do nothing`.execute(db);
      sync.started.push(blackout);
    } else if (!active && recorded) {
      await sql`delete from blackout_states where blackout_id = ${blackout.id} and connection_id = ${connectionId}`.execute(
        db,
      );
      sync.ended.push(blackout);
    }
  }
  return sync;
}
