import type { ApiClient, MetricSeries } from '@pgmcp/api-contract';
import type { MonitorSource } from './monitor-source.js';
import type { MetricSeriesInput } from './series.js';

const dimsOf = (series: MetricSeries): MetricSeriesInput['dims'] => ({
  database_name: series.dims.database_name ?? '',
  schema_name: series.dims.schema_name ?? '',
  table_name: series.dims.table_name ?? '',
  object_name: series.dims.object_name ?? '',
});

/** Events marked on the charts of one window, at most (the newest). */
const MAX_EVENTS = 200;

/** The Monitor view's reads over the REST routes (`/api/v1/probes`, `/api/v1/metrics/...`). */
export function createMonitorSource(api: ApiClient): MonitorSource {
  return {
    async probes() {
      const { probes } = await api.listProbes();
      return probes.map((p) => ({
        name: p.name,
        intervalS: p.interval_s,
        units: Object.fromEntries(p.columns.map((c) => [c.name, c.unit])),
      }));
    },
    async connections() {
      const { connections } = await api.listMetricsConnections();
      return connections.map((c) => ({
        id: c.name,
        name: c.name,
        status: c.status,
        message: c.message,
        lastCollectedAt: c.last_collected_at,
        probesOk: c.probes.ok,
        problems: [
          ...c.failing.map((p) => ({ ...p, status: 'error' as const })),
          ...c.skipped.map((p) => ({ ...p, status: 'skipped' as const })),
        ],
      }));
    },
    async metrics(connection, probe, options) {
      const result = await api.queryMetrics({
        params: { connection, probe },
        query: {
          time_start: options.window.start.toISOString(),
          time_end: options.window.end.toISOString(),
          buckets: options.buckets,
          metrics: options.metrics.join(','),
          ...(options.aggregation ? { aggregation: options.aggregation } : {}),
          ...(options.rankBy ? { rank_by: options.rankBy, max_series: options.maxSeries ?? 10 } : {}),
        },
      });
      return {
        bucketSeconds: result.bucket_seconds,
        series: result.series.map((s) => ({ dims: dimsOf(s), points: s.points })),
      };
    },
    async topQueries(connection, options) {
      const result = await api.topQueries({
        params: { connection },
        query: {
          time_start: options.window.start.toISOString(),
          time_end: options.window.end.toISOString(),
          limit: options.limit,
        },
      });
      return result.queries.map((q) => ({
        query: q.query,
        database: q.database_name,
        calls: q.calls,
        totalMs: q.total_time_ms,
        meanMs: q.mean_time_ms,
        rows: q.rows,
        share: q.share,
      }));
    },
    async events(connection, window) {
      const { events } = await api.getTimeline({
        query: {
          connection,
          start: window.start.toISOString(),
          end: window.end.toISOString(),
          limit: MAX_EVENTS,
        },
      });
      return events.map((e) => ({ at: e.at, type: e.type, title: e.title })).reverse();
    },
  };
}
