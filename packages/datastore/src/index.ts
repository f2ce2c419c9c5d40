export {
  createDatastore,
  type Datastore,
  type DatastoreConfig,
  type MaintenanceReport,
} from './datastore.js';
export { createLeaderLocks, type LeaderLocks, type LeaderLocksConfig } from './leader-locks.js';
export { DEFAULT_BUCKETS, MAX_BUCKETS, MIN_BUCKETS } from './query-metrics.js';
export { type TotalsQuery, type TotalsResult, type TotalsRow } from './query-totals.js';
export {
  AGGREGATIONS,
  DEFAULT_RETENTION,
  DIMENSIONS,
  type Aggregation,
  type CollectionStatus,
  type MetricPoint,
  type MetricSeries,
  type MetricValue,
  type MetricsQuery,
  type MetricsResult,
  type Retention,
  type Sample,
  type SampleDims,
} from './types.js';
export { DatastoreError, type DatastoreErrorCode } from './errors.js';
export { datastoreMigrations } from './migrations/index.js';
