import { z } from 'zod';
import type { RouteContract } from './route-contract.js';

// Monitoring over REST: the probe catalogue, the monitored connections with their collection
// status, a probe's metrics bucketed over time for charts, and the top statements of a range.
// Shapes are for chart clients: numbers (never numeric strings), ISO 8601 times, units beside values.

const Timestamp = z.string().describe('ISO 8601 timestamp');

/** Bucket limits of a metrics query. */
export const METRICS_MIN_BUCKETS = 1;
export const METRICS_MAX_BUCKETS = 500;
export const METRICS_DEFAULT_BUCKETS = 150;
/** Series limits of a metrics query (distinct objects: databases, tables, statements, ...). */
export const METRICS_MAX_SERIES = 100;
export const METRICS_DEFAULT_MAX_SERIES = 50;

/** How values in one time bucket combine. */
export const METRIC_AGGREGATIONS = ['avg', 'sum', 'min', 'max', 'last'] as const;
export const MetricAggregationSchema = z.enum(METRIC_AGGREGATIONS);
export type MetricAggregation = z.infer<typeof MetricAggregationSchema>;

/** The dimensions a series may carry ('' when the probe has no such dimension). */
export const METRIC_DIMENSIONS = ['database_name', 'schema_name', 'table_name', 'object_name'] as const;
export const MetricDimensionSchema = z.enum(METRIC_DIMENSIONS);
export type MetricDimension = z.infer<typeof MetricDimensionSchema>;

/** One metric of a probe. */
export const ProbeColumnSchema = z.object({
  name: z.string(),
  /** `gauge`: stored as read; `counter`: stored as a per-second rate (its unit ends in `/s`). */
  kind: z.enum(['counter', 'gauge']),
  /** e.g. `transactions/s`, `bytes`, `ms/s`, `%`; `text` for the few text metrics (a statement, a setting). */
  unit: z.string(),
  description: z.string(),
});
export type ProbeColumn = z.infer<typeof ProbeColumnSchema>;

/** What a probe needs to run; a probe whose needs are not met is skipped with the reason recorded. */
export const ProbeRequirementsSchema = z.object({
  /** Lowest PostgreSQL major version, e.g. 16; null: any. */
  min_version: z.number().int().nullable(),
  /** Highest PostgreSQL major version; null: any. */
  max_version: z.number().int().nullable(),
  /** An extension that must be installed in the monitored database, and how to enable it. */
  extension: z.string().nullable(),
  how_to_enable: z.string().nullable(),
  /** A privilege beyond pg_monitor, e.g. "superuser (pg_hba_file_rules)"; null: none. */
  privilege: z.string().nullable(),
  /** Only when PostgreSQL runs on the same host as the collector (OS metrics). */
  local_only: z.boolean(),
  /** All of the above in one phrase, e.g. "PostgreSQL 16+, extension pg_stat_statements"; null: none. */
  summary: z.string().nullable(),
});
export type ProbeRequirements = z.infer<typeof ProbeRequirementsSchema>;

/** One probe of the collector. */
export const ProbeSchema = z.object({
  name: z.string(),
  description: z.string(),
  /** Seconds between runs. */
  interval_s: z.number(),
  /** Dimensions its series carry (the others are ''). */
  dims: z.array(MetricDimensionSchema),
  columns: z.array(ProbeColumnSchema),
  requirements: ProbeRequirementsSchema,
});
export type Probe = z.infer<typeof ProbeSchema>;

/** Answer of `GET /api/v1/probes`: every probe, by name. */
export const ProbeListSchema = z.object({ probes: z.array(ProbeSchema) });
export type ProbeList = z.infer<typeof ProbeListSchema>;

/** A probe that failed on its last run, or is skipped, and why. */
export const ProbeProblemSchema = z.object({ probe: z.string(), message: z.string() });
export type ProbeProblem = z.infer<typeof ProbeProblemSchema>;

/** A monitored connection the caller may use, with the collector's latest outcome on it. */
export const MetricsConnectionSchema = z.object({
  /** The connection's name: the `{connection}` of the metrics routes. */
  name: z.string(),
  description: z.string().nullable(),
  /** `pending`: not collected yet; `error`: the database did not answer on the last run (see `message`). */
  status: z.enum(['ok', 'error', 'pending']),
  message: z.string().nullable(),
  /** When any probe last collected successfully; null: never. */
  last_collected_at: Timestamp.nullable(),
  probes: z.object({
    ok: z.number().int(),
    failing: z.number().int(),
    skipped: z.number().int(),
  }),
  failing: z.array(ProbeProblemSchema),
  skipped: z.array(ProbeProblemSchema),
});
export type MetricsConnection = z.infer<typeof MetricsConnectionSchema>;

/** Answer of `GET /api/v1/metrics/connections`, by name. */
export const MetricsConnectionListSchema = z.object({ connections: z.array(MetricsConnectionSchema) });
export type MetricsConnectionList = z.infer<typeof MetricsConnectionListSchema>;

const TimeArg = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .describe('a span back from now (30s, 15m, 1h, 7d, 2w), "now", or an ISO 8601 time');
const Name = z.string().trim().min(1).max(200);
const bucketsMessage = `must be a whole number from ${METRICS_MIN_BUCKETS} to ${METRICS_MAX_BUCKETS}`;
const maxSeriesMessage = `must be a whole number from 1 to ${METRICS_MAX_SERIES}`;

/** Query of `GET /api/v1/metrics/{connection}/{probe}`. */
export const MetricsQuerySchema = z.object({
  /** Default `1h`. */
  time_start: TimeArg.optional(),
  /** Default `now`. */
  time_end: TimeArg.optional(),
  /** Default 150. */
  buckets: z.coerce
    .number()
    .int(bucketsMessage)
    .min(METRICS_MIN_BUCKETS, bucketsMessage)
    .max(METRICS_MAX_BUCKETS, bucketsMessage)
    .optional(),
  /** Comma-separated metric names; default: every numeric metric of the probe. */
  metrics: z.string().trim().min(1).max(2000).optional(),
  database_name: Name.optional(),
  schema_name: Name.optional(),
  table_name: Name.optional(),
  /** Default `avg`. */
  aggregation: MetricAggregationSchema.optional(),
  /** Most series returned (default 50); `truncated` says when more matched. */
  max_series: z.coerce
    .number()
    .int(maxSeriesMessage)
    .min(1, maxSeriesMessage)
    .max(METRICS_MAX_SERIES, maxSeriesMessage)
    .optional(),
  /**
   * A metric to rank series by: those with the highest average of it over the range come first and
   * `max_series` of them are kept (e.g. the 10 largest tables: probe table_sizes, rank_by
   * total_bytes, max_series 10). Default: series in dimension order.
   */
  rank_by: Name.optional(),
});
export type MetricsQuery = z.infer<typeof MetricsQuerySchema>;

/** A metric value: a number, text for text metrics asked for by name, null when absent in the bucket. */
export const MetricValueSchema = z.union([z.number(), z.string(), z.null()]);

/** One time bucket of a series. */
export const MetricPointSchema = z.object({
  /** Bucket start. */
  time: Timestamp,
  /** By metric name; a metric with no sample in the bucket is left out. */
  values: z.record(z.string(), MetricValueSchema),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

/** The points of one object (a database, a table, a statement, a state, ...). */
export const MetricSeriesSchema = z.object({
  dims: z.record(MetricDimensionSchema, z.string()),
  /** Buckets with data only, oldest first (a gap in collection is a gap here). */
  points: z.array(MetricPointSchema),
});
export type MetricSeries = z.infer<typeof MetricSeriesSchema>;

/** Answer of `GET /api/v1/metrics/{connection}/{probe}`. */
export const MetricsResultSchema = z.object({
  connection: z.string(),
  probe: z.string(),
  time_start: Timestamp,
  time_end: Timestamp,
  bucket_seconds: z.number().int(),
  aggregation: MetricAggregationSchema,
  /** `raw` samples, or `hourly` rollups when the range reaches past raw retention. */
  source: z.enum(['raw', 'hourly']),
  /** The metrics returned, in order, with their units (for chart axes). */
  metrics: z.array(ProbeColumnSchema),
  series: z.array(MetricSeriesSchema),
  /** More series matched than `max_series`. */
  truncated: z.boolean(),
  /**
   * Statement texts were withheld (the `query` metric is null): pg_stat_statements does not record
   * whose session ran a statement, and `privacy.hide_other_sessions` shows other sessions' statements
   * to administrators only.
   */
  query_text_hidden: z.boolean(),
});
export type MetricsResult = z.infer<typeof MetricsResultSchema>;

/** Query of `GET /api/v1/metrics/{connection}/top-queries`. */
export const TopQueriesQuerySchema = z.object({
  /** Default `1h`. */
  time_start: TimeArg.optional(),
  /** Default `now`. */
  time_end: TimeArg.optional(),
  /** Default 10. */
  limit: z.coerce
    .number()
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .optional(),
  database_name: Name.optional(),
});
export type TopQueriesQuery = z.infer<typeof TopQueriesQuerySchema>;

/** One statement's totals over the range (from the `statements` probe: the heaviest 100 per snapshot). */
export const TopQuerySchema = z.object({
  /** pg_stat_statements queryid. */
  queryid: z.string(),
  database_name: z.string(),
  /** Normalised text (first 300 characters); null when withheld (`query_text_hidden`). */
  query: z.string().nullable(),
  calls: z.number(),
  total_time_ms: z.number(),
  /** total_time_ms / calls over the range; null without calls. */
  mean_time_ms: z.number().nullable(),
  rows: z.number(),
  /** Share of the total execution time of the statements listed by the probe in the range, 0–1. */
  share: z.number(),
});
export type TopQuery = z.infer<typeof TopQuerySchema>;

/** Answer of `GET /api/v1/metrics/{connection}/top-queries`: by total time, highest first. */
export const TopQueriesSchema = z.object({
  connection: z.string(),
  time_start: Timestamp,
  time_end: Timestamp,
  source: z.enum(['raw', 'hourly']),
  queries: z.array(TopQuerySchema),
  query_text_hidden: z.boolean(),
});
export type TopQueries = z.infer<typeof TopQueriesSchema>;

/**
 * The monitoring routes. Metrics of a connection are visible only to callers who may use that
 * connection (others get the same 404 as for a connection that does not exist). Without a metrics
 * datastore the routes that read it answer 503 saying how to configure one.
 */
export const METRICS_ROUTES = {
  listProbes: {
    method: 'get',
    path: '/api/v1/probes',
    summary: 'Every monitoring probe: interval, dimensions, metrics with units and kinds, and what it needs',
    tag: 'metrics',
    auth: 'user',
    scope: 'metrics',
    response: ProbeListSchema,
  },
  listMetricsConnections: {
    method: 'get',
    path: '/api/v1/metrics/connections',
    summary:
      'The monitored connections the caller may use: last collection time, status, failing and skipped probes',
    tag: 'metrics',
    auth: 'user',
    scope: 'metrics',
    response: MetricsConnectionListSchema,
    errors: [503],
  },
  // Before queryMetrics: "top-queries" is not a probe.
  topQueries: {
    method: 'get',
    path: '/api/v1/metrics/{connection}/top-queries',
    summary:
      'The statements with the most total execution time over a range: calls, total and mean time, rows',
    tag: 'metrics',
    auth: 'user',
    scope: 'metrics',
    query: TopQueriesQuerySchema,
    response: TopQueriesSchema,
    errors: [503],
  },
  queryMetrics: {
    method: 'get',
    path: '/api/v1/metrics/{connection}/{probe}',
    summary: "A probe's metrics over a time range, bucketed on the server: one series per object",
    tag: 'metrics',
    auth: 'user',
    scope: 'metrics',
    query: MetricsQuerySchema,
    response: MetricsResultSchema,
    errors: [503],
  },
} as const satisfies Record<string, RouteContract>;
