import { type Kysely, sql } from 'kysely';
import { dimsKey, dimsOf, type Row, timelineFromRow } from './rows.js';
import type { TimelineEvent, TimelineEventType } from './types.js';

/** An event to record. */
export interface NewTimelineEvent {
  connectionId: string;
  at: Date;
  type: TimelineEventType;
  title: string;
  details?: Record<string, unknown>;
  alertId?: number | null;
}

export async function recordEvents(db: Kysely<unknown>, events: readonly NewTimelineEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    connection_id: e.connectionId,
    at: e.at.toISOString(),
    type: e.type,
    title: e.title,
    details: e.details ?? {},
    alert_id: e.alertId ?? null,
  }));
  await sql`insert into timeline_events (connection_id, at, type, title, details, alert_id)
    select connection_id, at, type, title, details, alert_id
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(connection_id text, at timestamptz, type text,
      title text, details jsonb, alert_id bigint)`.execute(db);
}

/** Filters of {@link listTimeline}. */
export interface TimelineQuery {
  connectionId: string;
  start: Date;
  end: Date;
  types?: readonly TimelineEventType[];
  /** Most events, newest first (default 100). */
  limit?: number;
}

export async function listTimeline(db: Kysely<unknown>, query: TimelineQuery): Promise<TimelineEvent[]> {
  const { rows } = await sql<Row>`select * from timeline_events
    where connection_id = ${query.connectionId} and at >= ${query.start.toISOString()}::timestamptz
      and at <= ${query.end.toISOString()}::timestamptz
      ${query.types?.length ? sql`and type = any(${[...query.types]}::text[])` : sql``}
    order by at desc, id desc limit ${query.limit ?? 100}`.execute(db);
  return rows.map(timelineFromRow);
}

interface SnapshotRow {
  key: string;
  object: string;
  database: string;
  values: Record<string, unknown>;
}
type Snapshot = Map<string, SnapshotRow>;

/** Events between two snapshots of one probe, taken at `at`. */
type Differ = (before: Snapshot, after: Snapshot, at: Date) => Omit<NewTimelineEvent, 'connectionId'>[];

const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

const settingsDiff: Differ = (before, after, at) => {
  const events: Omit<NewTimelineEvent, 'connectionId'>[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(key);
    const to = after.get(key);
    const name = (to ?? from)!.object;
    const old = from ? text(from.values.value) : 'default';
    const now = to ? text(to.values.value) : 'default';
    if (old === now) continue;
    events.push({
      at,
      type: 'setting_changed',
      title: `Setting ${name} changed from ${old} to ${now}`,
      details: { name, from: old, to: now, pending_restart: to?.values.pending_restart === 1 },
    });
  }
  return events;
};

const hbaDiff: Differ = (before, after, at) => {
  const old = [...before.values()][0]?.values;
  const now = [...after.values()][0]?.values;
  if (!old || !now || old.checksum === now.checksum) return [];
  return [
    {
      at,
      type: 'hba_rules_changed',
      title: `pg_hba.conf changed (${text(old.rules)} → ${text(now.rules)} rules)`,
      details: { rules_before: old.rules, rules_after: now.rules, errors: now.errors },
    },
  ];
};

const extensionsDiff: Differ = (before, after, at) => {
  const events: Omit<NewTimelineEvent, 'connectionId'>[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(key);
    const to = after.get(key);
    const { object: name, database } = (to ?? from)!;
    const details = {
      extension: name,
      database_name: database,
      from: from?.values.version ?? null,
      to: to?.values.version ?? null,
    };
    if (!from)
      events.push({
        at,
        type: 'extension_installed',
        title: `Extension ${name} ${text(to!.values.version)} installed in ${database}`,
        details,
      });
    else if (!to)
      events.push({
        at,
        type: 'extension_removed',
        title: `Extension ${name} removed from ${database}`,
        details,
      });
    else if (text(from.values.version) !== text(to.values.version))
      events.push({
        at,
        type: 'extension_updated',
        title: `Extension ${name} updated from ${text(from.values.version)} to ${text(to.values.version)} in ${database}`,
        details,
      });
  }
  return events;
};

/** Seconds of disagreement in the derived start time that still count as the same start. */
const START_SLACK_S = 5;

const serverInfoDiff: Differ = (before, after, at) => {
  const start = (s: Snapshot, when: number): number | undefined => {
    const uptime = [...s.values()][0]?.values.uptime_s;
    return typeof uptime === 'number' ? when - uptime * 1000 : undefined;
  };
  const beforeAt = Number([...before.values()][0]?.values.__ts ?? 0);
  const old = start(before, beforeAt);
  const now = start(after, at.getTime());
  if (old === undefined || now === undefined || Math.abs(now - old) <= START_SLACK_S * 1000) return [];
  return [
    {
      at: new Date(now),
      type: 'server_restarted',
      title: `Server restarted at ${new Date(now).toISOString()}`,
      details: { previous_start: new Date(old).toISOString(), start: new Date(now).toISOString() },
    },
  ];
};

/** The probes the timeline reads, and how each shows a change. */
const DIFFERS: Readonly<Record<string, Differ>> = {
  settings: settingsDiff,
  hba_rules: hbaDiff,
  extensions: extensionsDiff,
  server_info: serverInfoDiff,
};

/** Most snapshots of one probe read per evaluation. */
const MAX_SNAPSHOTS = 50;

/**
 * Turns new snapshots of the settings, hba_rules, extensions and server_info probes into timeline
 * events (each compared with the snapshot before it), from where the last run stopped.
 */
export async function deriveProbeEvents(
  db: Kysely<unknown>,
  connectionId: string,
  at: Date,
): Promise<NewTimelineEvent[]> {
  const events: NewTimelineEvent[] = [];
  // Most evaluations find no new snapshot of these slow probes (15 min): one statement says so.
  const { rows: pending } = await sql<{ probe: string; mark: string | null }>`
    select p.probe, w.ts as mark
    from unnest(${Object.keys(DIFFERS)}::text[]) as p(probe)
    left join timeline_watermarks w on w.connection_id = ${connectionId} and w.probe = p.probe
    where exists (select 1 from metrics_samples s where s.connection_id = ${connectionId} and s.probe = p.probe
      and s.ts > coalesce(w.ts, '-infinity') and s.ts <= ${at.toISOString()}::timestamptz)`.execute(db);
  for (const { probe, mark: markText } of pending) {
    const differ = DIFFERS[probe]!;
    const mark = markText ? new Date(markText) : undefined;
    // The snapshot to compare the first new one with: the last one read, or (first run) the one before the latest.
    const { rows: times } = await sql<{ ts: string }>`select distinct ts from metrics_samples
      where connection_id = ${connectionId} and probe = ${probe} and ts <= ${at.toISOString()}::timestamptz
        and ts >= coalesce(${mark?.toISOString() ?? null}::timestamptz,
          (select ts from metrics_samples where connection_id = ${connectionId} and probe = ${probe}
            and ts <= ${at.toISOString()}::timestamptz order by ts desc offset 1 limit 1), '-infinity')
      order by ts limit ${MAX_SNAPSHOTS + 1}`.execute(db);
    if (times.length === 0) continue;
    const stamps = times.map((t) => new Date(t.ts));
    const { rows } = await sql<Row>`select ts, database_name, schema_name, table_name, object_name, "values"
      from metrics_samples where connection_id = ${connectionId} and probe = ${probe}
        and ts = any(${stamps.map((s) => s.toISOString())}::timestamptz[])`.execute(db);
    const snapshots = new Map<number, Snapshot>(stamps.map((s) => [s.getTime(), new Map()]));
    for (const row of rows) {
      const ts = new Date(row.ts as string).getTime();
      const dims = dimsOf(row);
      snapshots.get(ts)?.set(dimsKey(dims), {
        key: dimsKey(dims),
        object: dims.object_name ?? '',
        database: dims.database_name ?? '',
        values: { ...(row.values as Record<string, unknown>), __ts: ts },
      });
    }
    for (let i = 1; i < stamps.length; i++) {
      const before = snapshots.get(stamps[i - 1]!.getTime())!;
      const after = snapshots.get(stamps[i]!.getTime())!;
      for (const event of differ(before, after, stamps[i]!)) events.push({ ...event, connectionId });
    }
    await sql`insert into timeline_watermarks (connection_id, probe, ts)
      values (${connectionId}, ${probe}, ${stamps.at(-1)!.toISOString()}::timestamptz)
      on conflict (connection_id, probe) do update set ts = excluded.ts`.execute(db);
  }
  return events;
}
