import type { SampleDims } from '@pgmcp/datastore';
import type { Alert, AlertRule, Blackout, MetricBaseline, RuleOverride, TimelineEvent } from './types.js';

/** The key of a dimension set (the same in SQL: concat_ws of the four dimensions with U+001F). */
export function dimsKey(dims: SampleDims): string {
  return [
    dims.database_name ?? '',
    dims.schema_name ?? '',
    dims.table_name ?? '',
    dims.object_name ?? '',
  ].join('\u001f');
}

/** SQL spelling of {@link dimsKey} over a row with the four dimension columns. */
export const DIMS_KEY_SQL = `concat_ws(E'\\x1f', database_name, schema_name, table_name, object_name)`;

/** The non-empty dimensions of a row. */
export function dimsOf(row: Readonly<Record<string, unknown>>): SampleDims {
  const dims: SampleDims = {};
  for (const key of ['database_name', 'schema_name', 'table_name', 'object_name'] as const) {
    const value = row[key];
    if (typeof value === 'string' && value !== '') dims[key] = value;
  }
  return dims;
}

/** "database_name=shop object_name=x", or "" for the connection as a whole. */
export function dimsLabel(dims: SampleDims): string {
  return Object.entries(dims)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

const time = (v: unknown): Date => new Date(v as string);
const timeOrNull = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export type Row = Record<string, unknown>;

export function ruleFromRow(r: Row): AlertRule {
  return {
    id: r.id as string,
    name: r.name as string,
    category: r.category as string,
    description: r.description as string,
    kind: r.kind as AlertRule['kind'],
    probe: r.probe as string,
    metric: r.metric as string,
    dimsFilter: r.dims_filter as SampleDims,
    operator: r.operator as AlertRule['operator'],
    threshold: Number(r.threshold),
    clearThreshold: numOrNull(r.clear_threshold),
    durationS: Number(r.duration_s),
    severity: r.severity as AlertRule['severity'],
    enabled: r.enabled as boolean,
    windowS: numOrNull(r.window_s),
    windowMode: (r.window_mode ?? null) as AlertRule['windowMode'],
    anomalyMethod: (r.anomaly_method ?? null) as AlertRule['anomalyMethod'],
    minSamples: numOrNull(r.min_samples),
    minValue: numOrNull(r.min_value),
    builtin: r.builtin as boolean,
  };
}

/** The override columns of a joined row (prefixed `o_`), only those set. */
export function overrideFromRow(r: Row): RuleOverride {
  const out: RuleOverride = {};
  if (r.o_threshold !== null && r.o_threshold !== undefined) out.threshold = Number(r.o_threshold);
  if (r.o_clear_threshold !== null && r.o_clear_threshold !== undefined)
    out.clearThreshold = Number(r.o_clear_threshold);
  if (r.o_duration_s !== null && r.o_duration_s !== undefined) out.durationS = Number(r.o_duration_s);
  if (r.o_enabled !== null && r.o_enabled !== undefined) out.enabled = r.o_enabled as boolean;
  if (r.o_severity !== null && r.o_severity !== undefined)
    out.severity = r.o_severity as RuleOverride['severity'];
  return out;
}

export function alertFromRow(r: Row): Alert {
  return {
    id: Number(r.id),
    ruleId: r.rule_id as string,
    connectionId: r.connection_id as string,
    dims: r.dims as SampleDims,
    probe: r.probe as string,
    metric: r.metric as string,
    severity: r.severity as Alert['severity'],
    status: r.status as Alert['status'],
    message: r.message as string,
    value: numOrNull(r.value),
    threshold: numOrNull(r.threshold),
    firedAt: time(r.fired_at),
    lastFiredAt: time(r.last_fired_at),
    reopenCount: Number(r.reopen_count),
    acknowledgedAt: timeOrNull(r.acknowledged_at),
    acknowledgedBy: (r.acknowledged_by ?? null) as string | null,
    ackNote: (r.ack_note ?? null) as string | null,
    clearedAt: timeOrNull(r.cleared_at),
  };
}

export function blackoutFromRow(r: Row): Blackout {
  return {
    id: Number(r.id),
    connectionId: (r.connection_id ?? null) as string | null,
    reason: r.reason as string,
    startsAt: timeOrNull(r.starts_at),
    endsAt: timeOrNull(r.ends_at),
    cron: (r.cron ?? null) as string | null,
    durationS: numOrNull(r.duration_s),
    timeZone: (r.time_zone ?? null) as string | null,
    createdBy: (r.created_by ?? null) as string | null,
    createdAt: time(r.created_at),
    endedAt: timeOrNull(r.ended_at),
  };
}

export function baselineFromRow(r: Row): MetricBaseline {
  return {
    connectionId: r.connection_id as string,
    probe: r.probe as string,
    metric: r.metric as string,
    dims: r.dims as SampleDims,
    hourOfWeek: Number(r.hour_of_week),
    mean: Number(r.mean),
    stddev: Number(r.stddev),
    n: Number(r.n),
    updatedAt: time(r.updated_at),
  };
}

export function timelineFromRow(r: Row): TimelineEvent {
  return {
    id: Number(r.id),
    connectionId: r.connection_id as string,
    at: time(r.at),
    type: r.type as TimelineEvent['type'],
    title: r.title as string,
    details: r.details as Record<string, unknown>,
    alertId: numOrNull(r.alert_id),
  };
}
