import {
  AGGREGATIONS,
  DatastoreError,
  DEFAULT_BUCKETS,
  MAX_BUCKETS,
  MIN_BUCKETS,
  type MetricsResult,
  type MetricValue,
} from '@pgmcp/datastore';
import { type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import type { ConnectionInfo } from '@pgmcp/pool-manager';
import { z } from 'zod';
import { hidesOtherSessions, type PgToolsRuntime, type PgToolsState, usableConnections } from '../context.js';
import { resultFooter, structuredResult, toTsv } from '../format.js';
import { boundAnswer, runGuarded, statementArg } from '../tools/common.js';
import { findProbeOrFail } from './probe-tools.js';
import { DATASTORE_CONNECTION, type MonitoringBackend } from './monitoring-backend.js';
import { parseTimeArg } from './time-range.js';

/** The monitored connections `state` may use. */
export function monitoredConnections(runtime: PgToolsRuntime, state: PgToolsState): ConnectionInfo[] {
  // Not `connectionAccess?.(name) ?? 'read_write'`: that let a caller without access read every
  // monitored connection's metrics.
  return usableConnections(runtime, state).filter((info) => info.isMonitored);
}

/**
 * `query_datastore` reads every connection's metrics, statement texts included, with no filter by
 * caller: only callers who may use every connection and read other sessions' statements (the
 * administrators under `privacy.hide_other_sessions`) may run it.
 */
function refuseUnlessSeesAll(runtime: PgToolsRuntime, state: PgToolsState): void {
  const access = state.connectionAccess;
  const usesAll = !access || runtime.pools.listConnections().every((c) => access(c.name) !== undefined);
  if (usesAll && !hidesOtherSessions(state)) return;
  throw new ToolError(
    'query_datastore reads the metrics and statement texts of every connection, so only administrators may run it. Use query_metrics (and list_connections) for the connections you may use.',
    { refused: true },
  );
}

/** The named monitored connection if `state` may use it (the only one when unnamed); a tool error otherwise. */
export function connectionOrFail(
  runtime: PgToolsRuntime,
  state: PgToolsState,
  name: string | undefined,
): string {
  const monitored = monitoredConnections(runtime, state);
  const names = monitored.map((c) => `"${c.name}"`).join(', ') || 'none';
  if (name === undefined) {
    if (monitored.length === 1) return monitored[0]!.name;
    throw new ToolError(
      `Give connection_id: the monitored connections you may use are ${names} (see list_connections).`,
    );
  }
  if (!monitored.some((c) => c.name === name))
    throw new ToolError(
      `You cannot read metrics of the connection "${name}" (unknown, not monitored, or not allowed for you). Monitored connections you may use: ${names}.`,
    );
  return name;
}

/** A tool's time argument; a tool error naming the field otherwise. */
export function timeOrFail(field: string, value: string, now: Date): Date {
  const time = parseTimeArg(value, now);
  if (!time)
    throw new ToolError(
      `${field}: "${value}" is not a time. Give a span back from now (30s, 15m, 1h, 7d, 2w), "now", or an ISO 8601 time such as 2026-12-07T03:00:00Z.`,
    );
  return time;
}

function cell(value: MetricValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  return value.replace(/[\t\n]/g, ' ');
}

function renderMetrics(
  result: MetricsResult,
  metrics: readonly string[],
  units: Map<string, string>,
): string {
  const lines = [
    `${result.probe} on "${result.connectionId}" from ${result.timeStart} to ${result.timeEnd}: buckets of ${result.bucketSeconds} s, ${result.aggregation} of ${result.source === 'raw' ? 'raw samples' : 'hourly rollups'}.`,
    `Units: ${metrics.map((m) => `${m} ${units.get(m) ?? ''}`).join(', ')}.`,
  ];
  if (result.series.length === 0)
    lines.push(
      'No data in this range (collection may not have run yet, or the connection was down; see list_connections).',
    );
  for (const series of result.series) {
    const label = Object.entries(series.dims)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    if (label) lines.push(`## ${label}`);
    lines.push(['time', ...metrics].join('\t'));
    for (const point of series.points)
      lines.push([point.time, ...metrics.map((m) => cell(point.values[m]))].join('\t'));
  }
  if (result.truncated)
    lines.push('More series matched than shown: filter with database_name, schema_name or table_name.');
  return lines.join('\n');
}

/** Registers `query_metrics`, `list_connections` and `query_datastore`. */
export function registerMetricsTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  backend: MonitoringBackend,
): void {
  const now = backend.now ?? (() => new Date());

  registry.addTool({
    name: 'query_metrics',
    title: 'Query collected metrics',
    description: `Read a probe's metrics collected over time, bucketed on the server: one row per time bucket, one column per metric, one block per object (database, table, statement, ...). Counters come as per-second rates (e.g. xact_commit = transactions/s).

Use it for history: "how many transactions per second over the last 10 minutes" → {"probe_name": "database_stats", "metrics": ["xact_commit"], "time_start": "10m", "buckets": 10}; "top queries by time today" → probe statements, metrics ["query", "total_exec_time", "calls"], aggregation "sum". See list_probes and describe_probe for names.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      probe_name: z.string().min(1).describe('A probe from list_probes.'),
      connection_id: z
        .string()
        .min(1)
        .optional()
        .describe('A monitored connection (see list_connections); default: the only one.'),
      time_start: z
        .string()
        .default('1h')
        .describe('Start: a span back from now (15m, 1h, 7d) or ISO 8601 (default 1h).'),
      time_end: z
        .string()
        .default('now')
        .describe('End: "now" (default), a span back from now, or ISO 8601.'),
      buckets: z
        .number()
        .int()
        .min(MIN_BUCKETS, `buckets must be ${MIN_BUCKETS}–${MAX_BUCKETS}`)
        .max(MAX_BUCKETS, `buckets must be ${MIN_BUCKETS}–${MAX_BUCKETS}`)
        .default(DEFAULT_BUCKETS)
        .describe(`Time buckets, ${MIN_BUCKETS}–${MAX_BUCKETS} (default ${DEFAULT_BUCKETS}).`),
      metrics: z
        .array(z.string().min(1))
        .min(1)
        .max(30)
        .optional()
        .describe("Metric names (default: all of the probe's)."),
      database_name: z.string().min(1).optional(),
      schema_name: z.string().min(1).optional(),
      table_name: z.string().min(1).optional(),
      aggregation: z
        .enum(AGGREGATIONS)
        .default('avg')
        .describe('How values in a bucket combine (default avg).'),
    }),
    handler: async (args, context) => {
      const probe = findProbeOrFail(backend, args.probe_name);
      const connectionId = connectionOrFail(runtime, context.state, args.connection_id);
      const known = probe.columns.map((c) => c.name);
      const metrics = args.metrics ?? known;
      const unknown = metrics.filter((m) => !known.includes(m));
      if (unknown.length > 0)
        throw new ToolError(
          `Unknown metric ${unknown.map((m) => `"${m}"`).join(', ')} of probe ${probe.name}; its metrics are: ${known.join(', ')}.`,
        );
      const at = now();
      const timeStart = timeOrFail('time_start', args.time_start, at);
      const timeEnd = timeOrFail('time_end', args.time_end, at);
      let result: MetricsResult;
      try {
        result = await backend.datastore.queryMetrics({
          probe: probe.name,
          connectionId,
          timeStart,
          timeEnd,
          buckets: args.buckets,
          metrics,
          aggregation: args.aggregation,
          maxSeries: 50,
          filters: {
            ...(args.database_name ? { database_name: args.database_name } : {}),
            ...(args.schema_name ? { schema_name: args.schema_name } : {}),
            ...(args.table_name ? { table_name: args.table_name } : {}),
          },
        });
      } catch (error) {
        if (error instanceof DatastoreError && error.code === 'INVALID_INPUT')
          throw new ToolError(error.message);
        throw error;
      }
      const units = new Map(probe.columns.map((c) => [c.name, c.unit]));
      return boundAnswer(
        runtime,
        {
          content: [{ type: 'text', text: renderMetrics(result, metrics, units) }],
          structuredContent: {
            ...result,
            units: Object.fromEntries(metrics.map((m) => [m, units.get(m) ?? ''])),
          },
        },
        'Ask for fewer buckets or metrics, a shorter range, or filter by database_name/schema_name/table_name.',
      );
    },
  });

  registry.addTool({
    name: 'list_connections',
    title: 'List monitored connections',
    description: `List the monitored connections you may use with their collection status: when metrics were last collected, whether the database answered, and which probes fail or are skipped (and why). Use it before query_metrics, and when data is missing.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({}),
    handler: async (_args, context) => {
      const monitored = monitoredConnections(runtime, context.state);
      const statuses = await backend.datastore.listStatus(monitored.map((c) => c.name));
      const connections = monitored.map((info) => {
        const mine = statuses.filter((s) => s.connectionId === info.name);
        const self = mine.find((s) => s.probe === '*');
        const probes = mine.filter((s) => s.probe !== '*');
        const lastOk = probes.reduce<Date | undefined>(
          (latest, s) => (s.lastOkAt && (!latest || s.lastOkAt > latest) ? s.lastOkAt : latest),
          undefined,
        );
        return {
          connection_id: info.name,
          status: self ? self.status : 'pending',
          message: self?.message ?? null,
          last_collected_at: lastOk?.toISOString() ?? null,
          probes_ok: probes.filter((s) => s.status === 'ok').length,
          errors: probes
            .filter((s) => s.status === 'error')
            .map((s) => ({ probe: s.probe, message: s.message ?? '' })),
          skipped: probes
            .filter((s) => s.status === 'skipped')
            .map((s) => ({ probe: s.probe, reason: s.message ?? '' })),
        };
      });
      const text =
        connections.length === 0
          ? 'No monitored connection you may use. An administrator marks a connection monitored (is_monitored).'
          : connections
              .map((c) =>
                [
                  `${c.connection_id}: ${c.status}${c.message ? ` (${c.message})` : ''}; last collected ${c.last_collected_at ?? 'never'}; ${c.probes_ok} probes ok, ${c.errors.length} failing, ${c.skipped.length} skipped`,
                  ...c.errors.map((e) => `  error ${e.probe}: ${e.message}`),
                  ...c.skipped.map((s) => `  skipped ${s.probe}: ${s.reason}`),
                ].join('\n'),
              )
              .join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { connections } };
    },
  });

  registry.addTool({
    name: 'query_datastore',
    title: 'Query the metrics datastore',
    description: `Run one read-only SQL statement on the metrics datastore (PostgreSQL), for what query_metrics cannot express. Tables: metrics_samples (connection_id, probe, ts, database_name, schema_name, table_name, object_name, interval_s, "values" jsonb — counters as per-second rates), metrics_hourly (same dimensions, agg jsonb {metric: {avg,min,max,sum,n,last}}), metrics_status (connection_id, probe, status, message, last_run_at, last_ok_at). Same guard and limits as query_database.

Example: {"query": "SELECT ts, (\\"values\\"->>'xact_commit')::float8 AS tps FROM metrics_samples WHERE probe = 'database_stats' AND connection_id = 'demo' ORDER BY ts DESC", "limit": 20}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      query: statementArg('One read-only SQL statement.'),
      limit: z.number().int().min(1).max(runtime.limits.maxLimit).default(runtime.limits.defaultLimit),
      offset: z.number().int().min(0).default(0),
    }),
    handler: async (args, context) => {
      refuseUnlessSeesAll(runtime, context.state);
      const info = backend.datastorePools.getConnection(DATASTORE_CONNECTION);
      const target = { info, database: info.database, access: 'read' as const, writes: false };
      const { result } = await runGuarded({ ...runtime, pools: backend.datastorePools }, context, target, {
        tool: 'query_datastore',
        sql: args.query,
        limit: args.limit,
        offset: args.offset,
      });
      return {
        content: [
          {
            type: 'text',
            text: `${toTsv(result.columns, result.rows)}\n${resultFooter(result, runtime.limits.maxBytes)}`,
          },
        ],
        structuredContent: structuredResult(result),
      };
    },
  });
}
