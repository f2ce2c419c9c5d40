import type { MetricSeriesInput } from './series.js';

// What the Monitor view reads, in the shapes it draws from. `createMonitorSource` (monitor-api.ts)
// answers these from the REST routes; component tests pass their own.

/** A probe's interval and the units of its metrics. */
export interface ProbeInfo {
  name: string;
  intervalS: number;
  units: Readonly<Record<string, string>>;
}

/** A probe that failed or was skipped on the last run, with why. */
export interface ProbeProblem {
  probe: string;
  status: 'error' | 'skipped';
  message: string;
}

/** A monitored connection the caller may use, and how its collection goes. */
export interface MonitoredConnection {
  id: string;
  name: string;
  /** `ok`, `error` (the database did not answer; see `message`) or `pending` (not collected yet). */
  status: string;
  message: string | null;
  lastCollectedAt: string | null;
  probesOk: number;
  problems: readonly ProbeProblem[];
}

/** One probe's series over a range. */
export interface MetricsAnswer {
  bucketSeconds: number;
  series: readonly MetricSeriesInput[];
}

/** A statement's totals over a range. */
export interface TopQuery {
  /** Null when the server withholds other sessions' statement texts. */
  query: string | null;
  database: string;
  calls: number;
  totalMs: number;
  meanMs: number | null;
  rows: number;
  /** Share of the range's execution time, 0–1. */
  share: number;
}

/** The range of one load: absolute times, so every request of it reads the same window. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

/** A connection and a fixed window to open the Monitor view on (e.g. around an alert). */
export interface MonitorFocus extends TimeWindow {
  connection: string;
}

/** An alert or another timeline event (setting changed, restart …), marked on the charts. */
export interface ChartEvent {
  at: string;
  /** A timeline type: `alert_fired`, `setting_changed`, `server_restarted` … */
  type: string;
  title: string;
}

/** The reads of the Monitor view. */
export interface MonitorSource {
  probes(): Promise<ProbeInfo[]>;
  connections(): Promise<MonitoredConnection[]>;
  metrics(
    connection: string,
    probe: string,
    options: {
      window: TimeWindow;
      buckets: number;
      metrics: readonly string[];
      aggregation?: 'avg' | 'last';
      /** Keep the `maxSeries` series with the highest average of this metric (largest tables). */
      rankBy?: string;
      maxSeries?: number;
    },
  ): Promise<MetricsAnswer>;
  topQueries(connection: string, options: { window: TimeWindow; limit: number }): Promise<TopQuery[]>;
  /** The connection's alerts and timeline events in the window, oldest first. */
  events(connection: string, window: TimeWindow): Promise<ChartEvent[]>;
}
