import type { ProbeColumn, ProbeDefinition } from '@pgmcp/collector';
import {
  type Aggregation,
  DatastoreError,
  type MetricsResult,
  type MetricValue,
  type SampleDims,
} from '@pgmcp/datastore';
import type { ConnectionInfo, PoolManager } from '@pgmcp/pool-manager';
import type { MonitoringBackend } from './monitoring-backend.js';
import { parseTimeArg } from './time-range.js';

// What the monitoring MCP tools and the REST routes share: which connections a caller may read
// metrics of, probe and metric names, time ranges, the collection status, and the privacy rule for
// statement texts. Bad input throws DatastoreError INVALID_INPUT naming the field; each surface
// turns it into its own error (a tool error, a 400).

/** The probe whose series are statements (pg_stat_statements), for the top-queries reading. */
export const STATEMENTS_PROBE = 'statements';

function invalid(field: string, message: string): DatastoreError {
  return new DatastoreError('INVALID_INPUT', message, { field });
}

/** The monitored connections a caller may use; `access` undefined: every connection. */
export function monitoredConnections(
  pools: Pick<PoolManager, 'listConnections'>,
  access: ((name: string) => unknown) | undefined,
): ConnectionInfo[] {
  return pools
    .listConnections()
    .filter((info) => info.isMonitored && (access === undefined || access(info.name) !== undefined));
}

/** The probe named `name`; INVALID_INPUT listing the probes otherwise. */
export function findProbe(
  probes: readonly ProbeDefinition[],
  name: string,
  field = 'probe_name',
): ProbeDefinition {
  const probe = probes.find((p) => p.name === name);
  if (!probe)
    throw invalid(field, `Unknown probe "${name}". The probes are: ${probes.map((p) => p.name).join(', ')}.`);
  return probe;
}

/** Whether a column holds numbers (text columns hold a statement, a setting, a checksum). */
export function isNumeric(column: ProbeColumn): boolean {
  return column.unit !== 'text';
}

/** The columns named (all of the probe's, or only its numeric ones, when none are); INVALID_INPUT on an unknown name. */
export function probeMetrics(
  probe: ProbeDefinition,
  names: readonly string[] | undefined,
  options: { field?: string; numericByDefault?: boolean } = {},
): ProbeColumn[] {
  if (names === undefined) return probe.columns.filter((c) => !options.numericByDefault || isNumeric(c));
  const unknown = names.filter((name) => !probe.columns.some((c) => c.name === name));
  if (unknown.length > 0)
    throw invalid(
      options.field ?? 'metrics',
      `Unknown metric ${unknown.map((m) => `"${m}"`).join(', ')} of probe ${probe.name}; its metrics are: ${probe.columns.map((c) => c.name).join(', ')}.`,
    );
  return names.map((name) => probe.columns.find((c) => c.name === name)!);
}

function timeOf(field: string, value: string, now: Date): Date {
  const time = parseTimeArg(value, now);
  if (!time)
    throw invalid(
      field,
      `${field}: "${value}" is not a time. Give a span back from now (30s, 15m, 1h, 7d, 2w), "now", or an ISO 8601 time such as 2026-12-07T03:00:00Z.`,
    );
  return time;
}

/** `time_start` (default 1h) and `time_end` (default now): spans back from `now`, `now`, or ISO 8601. */
export function timeRange(
  start: string | undefined,
  end: string | undefined,
  now: Date,
): { timeStart: Date; timeEnd: Date } {
  return {
    timeStart: timeOf('time_start', start ?? '1h', now),
    timeEnd: timeOf('time_end', end ?? 'now', now),
  };
}

function versionText(num: number | undefined): string {
  return num === undefined ? '' : String(Math.floor(num / 10000));
}

/** "PostgreSQL 16+, extension pg_stat_statements" style requirement text of a probe ('' when none). */
export function probeRequirements(probe: ProbeDefinition): string {
  const parts: string[] = [];
  if (probe.minVersion || probe.maxVersion)
    parts.push(
      `PostgreSQL ${versionText(probe.minVersion) || '?'}${probe.maxVersion ? `–${versionText(probe.maxVersion)}` : '+'}`,
    );
  if (probe.extension) parts.push(`extension ${probe.extension.name}`);
  if (probe.privilege) parts.push(probe.privilege);
  if (probe.localOnly) parts.push('PostgreSQL on the same host');
  return parts.join(', ');
}

/** A probe's requirements, field by field. */
export function probeRequirementFields(probe: ProbeDefinition) {
  return {
    min_version: probe.minVersion ? Math.floor(probe.minVersion / 10000) : null,
    max_version: probe.maxVersion ? Math.floor(probe.maxVersion / 10000) : null,
    extension: probe.extension?.name ?? null,
    how_to_enable: probe.extension?.howToEnable ?? null,
    privilege: probe.privilege ?? null,
    local_only: probe.localOnly ?? false,
  };
}

/** A probe problem: the probe and the collector's message. */
export interface ProbeProblem {
  probe: string;
  message: string;
}

/** The collector's latest outcome on one connection. */
export interface ConnectionCollection {
  info: ConnectionInfo;
  /** `pending`: not collected yet. */
  status: 'ok' | 'error' | 'pending';
  message: string | null;
  lastCollectedAt: Date | null;
  probesOk: number;
  failing: ProbeProblem[];
  skipped: ProbeProblem[];
}

/** Collection status of each connection, from the datastore's status table. */
export async function collectionStatus(
  backend: MonitoringBackend,
  connections: readonly ConnectionInfo[],
): Promise<ConnectionCollection[]> {
  const statuses = await backend.datastore.listStatus(connections.map((c) => c.name));
  return connections.map((info) => {
    const mine = statuses.filter((s) => s.connectionId === info.name);
    const self = mine.find((s) => s.probe === '*');
    const probes = mine.filter((s) => s.probe !== '*');
    const lastOk = probes.reduce<Date | null>(
      (latest, s) => (s.lastOkAt && (!latest || s.lastOkAt > latest) ? s.lastOkAt : latest),
      null,
    );
    const problems = (status: 'error' | 'skipped') =>
      probes.filter((s) => s.status === status).map((s) => ({ probe: s.probe, message: s.message ?? '' }));
    return {
      info,
      status: self ? (self.status === 'error' ? 'error' : 'ok') : 'pending',
      message: self?.message ?? null,
      lastCollectedAt: lastOk,
      probesOk: probes.filter((s) => s.status === 'ok').length,
      failing: problems('error'),
      skipped: problems('skipped'),
    };
  });
}

/** A reading of a probe's metrics, as the tools and the routes take it. */
export interface MetricsRequest {
  probe: string;
  /** The field that named the probe, for errors (`probe_name` in the tool, `probe` in the route). */
  probeField?: string;
  connectionId: string;
  timeStart?: string;
  timeEnd?: string;
  buckets?: number;
  metrics?: readonly string[];
  filters?: SampleDims;
  aggregation?: Aggregation;
  maxSeries: number;
  rankBy?: string;
  /** Default metrics: only the numeric ones (for charts) rather than all. */
  numericByDefault?: boolean;
  /** The caller may not read other sessions' statements: statement texts come as null. */
  hideSessionText: boolean;
}

/** The answer: the datastore's result, the columns read (with their units), and whether texts were withheld. */
export interface MetricsReading {
  result: MetricsResult;
  columns: ProbeColumn[];
  textHidden: boolean;
}

function definedFilters(filters: SampleDims | undefined): SampleDims {
  return Object.fromEntries(Object.entries(filters ?? {}).filter(([, v]) => v !== undefined && v !== ''));
}

/** Nulls the values of session-text columns in every point. */
function withoutSessionText(result: MetricsResult, columns: readonly ProbeColumn[]): MetricsResult {
  const hidden = columns.filter((c) => c.sessionText).map((c) => c.name);
  const blank = (values: Record<string, MetricValue>) =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, hidden.includes(k) ? null : v]));
  return {
    ...result,
    series: result.series.map((s) => ({
      ...s,
      points: s.points.map((p) => ({ ...p, values: blank(p.values) })),
    })),
  };
}

/** Validates a metrics request, reads the datastore and applies the privacy rule to statement texts. */
export async function readMetrics(
  backend: MonitoringBackend,
  request: MetricsRequest,
): Promise<MetricsReading> {
  const probe = findProbe(backend.probes, request.probe, request.probeField);
  const columns = probeMetrics(probe, request.metrics, { numericByDefault: request.numericByDefault });
  if (columns.length === 0) throw invalid('metrics', `Probe ${probe.name} has no numeric metric; name one.`);
  if (request.rankBy !== undefined) probeMetrics(probe, [request.rankBy], { field: 'rank_by' });
  const { timeStart, timeEnd } = timeRange(request.timeStart, request.timeEnd, backend.now?.() ?? new Date());
  const result = await backend.datastore.queryMetrics({
    probe: probe.name,
    connectionId: request.connectionId,
    timeStart,
    timeEnd,
    metrics: columns.map((c) => c.name),
    filters: definedFilters(request.filters),
    maxSeries: request.maxSeries,
    ...(request.buckets !== undefined ? { buckets: request.buckets } : {}),
    ...(request.aggregation !== undefined ? { aggregation: request.aggregation } : {}),
    ...(request.rankBy !== undefined ? { rankBy: request.rankBy } : {}),
  });
  const textHidden = request.hideSessionText && columns.some((c) => c.sessionText);
  return { result: textHidden ? withoutSessionText(result, columns) : result, columns, textHidden };
}

/** One statement's totals over a range. */
export interface TopStatement {
  queryid: string;
  databaseName: string;
  query: string | null;
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
  rows: number;
  /** Share of the total time of every statement the probe recorded in the range, 0–1. */
  share: number;
}

/** The statements with the most total execution time over a range (the `statements` probe's samples). */
export async function topStatements(
  backend: MonitoringBackend,
  request: {
    connectionId: string;
    timeStart?: string;
    timeEnd?: string;
    limit: number;
    databaseName?: string;
    hideSessionText: boolean;
  },
): Promise<{ timeStart: Date; timeEnd: Date; source: 'raw' | 'hourly'; statements: TopStatement[] }> {
  const probe = findProbe(backend.probes, STATEMENTS_PROBE);
  const { timeStart, timeEnd } = timeRange(request.timeStart, request.timeEnd, backend.now?.() ?? new Date());
  const totals = await backend.datastore.queryTotals({
    probe: probe.name,
    connectionId: request.connectionId,
    timeStart,
    timeEnd,
    counters: ['calls', 'total_exec_time', 'rows'],
    texts: ['query'],
    orderBy: 'total_exec_time',
    limit: request.limit,
    filters: definedFilters({ database_name: request.databaseName }),
    intervalS: probe.intervalS,
  });
  const statements = totals.rows.map((row) => {
    const { calls = 0, total_exec_time: time = 0, rows = 0 } = row.totals;
    return {
      queryid: row.dims.object_name,
      databaseName: row.dims.database_name,
      query: request.hideSessionText ? null : (row.texts.query ?? null),
      calls,
      totalTimeMs: time,
      meanTimeMs: calls > 0 ? time / calls : null,
      rows,
      share: totals.grandTotal > 0 ? time / totals.grandTotal : 0,
    };
  });
  return { timeStart, timeEnd, source: totals.source, statements };
}
