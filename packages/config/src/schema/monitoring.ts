import { z } from 'zod';
import { positiveInt } from './common.js';

/**
 * `datastore:` — where the collector's metrics live (PostgreSQL). Default: the database
 * `pgmcp_metrics` in the embedded cluster, or the account store's PostgreSQL when `store_url` is one.
 */
export const DatastoreConfigSchema = z.strictObject({
  /** A `postgres://` URL (env `PGMCP_DATASTORE_URL`). */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//i, 'the datastore needs PostgreSQL: give a postgres:// URL')
    .optional(),
  /** Days raw samples are kept (whole day partitions are dropped). */
  raw_retention_days: positiveInt.max(365, 'at most 365 days').default(7),
  /** Days hourly rollups are kept. */
  hourly_retention_days: positiveInt.max(3650, 'at most 3650 days').default(90),
});
export type DatastoreFileConfig = z.infer<typeof DatastoreConfigSchema>;

/** `collector:` — the monitoring collector inside the server. */
export const CollectorConfigSchema = z.strictObject({
  /** Collect the connections marked `is_monitored` (env `PGMCP_COLLECTOR=on|off`). */
  enabled: z.boolean().default(true),
  /** Multiplies every probe's default interval (0.5 = twice as often). */
  interval_scale: z.number().positive().max(100).default(1),
  /** Interval in seconds per probe name, overriding its default (see `list_probes`). */
  intervals: z.record(z.string(), positiveInt).default({}),
  /** How often partitions, downsampling and retention run, in seconds. */
  maintenance_interval_s: positiveInt.default(300),
});
export type CollectorFileConfig = z.infer<typeof CollectorConfigSchema>;

/** `alerts:` — the alerter, run where each connection's collector leader runs. */
export const AlertsConfigSchema = z.strictObject({
  /** Evaluate the alert rules of the monitored connections (env `PGMCP_ALERTS=on|off`). */
  enabled: z.boolean().default(true),
  /** Seconds between evaluations of a connection's rules. */
  evaluation_interval_s: positiveInt.max(3600, 'at most 3600 s').default(30),
  /** A cleared alert that fires again within this many seconds re-opens instead of a new alert. */
  reopen_window_s: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400, 'at most 30 days')
    .default(3600),
  /** Seconds between recomputations of the anomaly baselines from hourly rollups. */
  baseline_interval_s: positiveInt.default(3600),
  /** Days of hourly rollups the baselines learn from. */
  baseline_lookback_days: positiveInt.max(365, 'at most 365 days').default(28),
  /** Days cleared alerts and timeline events are kept. */
  retention_days: positiveInt.max(3650, 'at most 3650 days').default(90),
});
export type AlertsFileConfig = z.infer<typeof AlertsConfigSchema>;
