/** The dimensions a sample may carry; absent ones are stored as ''. */
export interface SampleDims {
  database_name?: string;
  schema_name?: string;
  table_name?: string;
  /** Any other object the row is about: a state, a wait event, a query id, a slot, a setting. */
  object_name?: string;
}

/** The dimension names, in the order results list them. */
export const DIMENSIONS = ['database_name', 'schema_name', 'table_name', 'object_name'] as const;

/** A metric value: numbers for charts; text for the few probes that record names (settings). */
export type MetricValue = number | string | null;

/** One probe snapshot of one object. */
export interface Sample {
  connectionId: string;
  probe: string;
  time: Date;
  dims?: SampleDims;
  values: Readonly<Record<string, MetricValue>>;
  /** Seconds since the snapshot the rates were computed against (rate × interval = delta). */
  intervalS?: number;
}

/** How values in one bucket are combined. */
export const AGGREGATIONS = ['avg', 'sum', 'min', 'max', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Arguments of `queryMetrics`. */
export interface MetricsQuery {
  probe: string;
  connectionId: string;
  timeStart: Date;
  timeEnd: Date;
  /** Number of time buckets, 1–500 (default 150). */
  buckets?: number;
  /** Metric names to return (at least one). */
  metrics: readonly string[];
  /** Exact-match dimension filters. */
  filters?: SampleDims;
  /** Default `avg`. */
  aggregation?: Aggregation;
  /** Most series (distinct dimension sets) returned; default 100. */
  maxSeries?: number;
  /**
   * Keep the series with the highest average of this metric over the range, best first (e.g. the
   * largest tables). Default: series in dimension order.
   */
  rankBy?: string;
}

/** One bucket of a series. */
export interface MetricPoint {
  /** Bucket start, ISO 8601. */
  time: string;
  values: Record<string, MetricValue>;
}

/** The points of one dimension set. */
export interface MetricSeries {
  dims: Required<SampleDims>;
  points: MetricPoint[];
}

/** What `queryMetrics` returns. */
export interface MetricsResult {
  probe: string;
  connectionId: string;
  timeStart: string;
  timeEnd: string;
  bucketSeconds: number;
  aggregation: Aggregation;
  /** `raw` samples, or `hourly` rollups when the range reaches past raw retention. */
  source: 'raw' | 'hourly';
  series: MetricSeries[];
  /** True when more than `maxSeries` dimension sets matched. */
  truncated: boolean;
}

/** The collector's latest outcome for one connection and probe (`probe` '*' = the connection). */
export interface CollectionStatus {
  connectionId: string;
  probe: string;
  status: 'ok' | 'error' | 'skipped';
  message?: string;
  lastRunAt: Date;
  lastOkAt?: Date;
}

/** Retention in days. */
export interface Retention {
  /** Raw samples (default 7). */
  rawDays: number;
  /** Hourly rollups (default 90). */
  hourlyDays: number;
}

export const DEFAULT_RETENTION: Retention = { rawDays: 7, hourlyDays: 90 };
