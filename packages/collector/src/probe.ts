import type { MetricValue } from '@pgmcp/datastore';

/** How a column's values behave: a gauge is stored as read; a counter as a per-second rate. */
export type ColumnKind = 'gauge' | 'counter';

/** One metric a probe returns. */
export interface ProbeColumn {
  readonly name: string;
  /** Unit as stored: counters are per second, e.g. `transactions/s`, `bytes/s`, `ms/s`. */
  readonly unit: string;
  readonly kind: ColumnKind;
  readonly description: string;
  /**
   * Holds statement text from any session (pg_stat_statements does not say whose): readers who may
   * not see other sessions' statements (`privacy.hide_other_sessions`) get null instead.
   */
  readonly sessionText?: boolean;
}

/** The dimensions a probe's rows may carry. */
export type ProbeDimension = 'database_name' | 'schema_name' | 'table_name' | 'object_name';

/** SQL for a range of server versions (`server_version_num`, bounds inclusive). */
export interface VersionedSql {
  readonly minVersion?: number;
  readonly maxVersion?: number;
  readonly sql: string;
}

/** A row of a probe's output: dimensions and metric values by column name. */
export type ProbeRow = Readonly<Record<string, MetricValue | undefined>>;

/** What a custom collect function gets. */
export interface ProbeContext {
  /** Runs one read-only query on the monitored server. */
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** One probe: what it reads, how often, and what it needs. */
export interface ProbeDefinition {
  readonly name: string;
  readonly description: string;
  /** Seconds between runs. */
  readonly intervalS: number;
  /** Statement timeout of one run, ms. */
  readonly timeoutMs: number;
  readonly dims: readonly ProbeDimension[];
  readonly columns: readonly ProbeColumn[];
  /** Lowest and highest server_version_num supported (inclusive). */
  readonly minVersion?: number;
  readonly maxVersion?: number;
  /** An extension that must be installed in the monitored database, and how to enable it. */
  readonly extension?: { readonly name: string; readonly howToEnable: string };
  /** Only when PostgreSQL runs on the collector's host (host is loopback or a socket). */
  readonly localOnly?: boolean;
  /** A privilege the monitoring role needs beyond pg_monitor; skipped with the reason without it. */
  readonly privilege?: string;
  /** The SQL per version range: the first whose range holds the server's version runs. */
  readonly sql?: readonly VersionedSql[];
  /** Instead of `sql`: collects rows itself (OS metrics). */
  readonly collect?: (context: ProbeContext) => Promise<ProbeRow[]>;
}

/** Short form of a version number: 170002 → "17". */
export function majorOf(versionNum: number): number {
  return Math.floor(versionNum / 10000);
}

/** The SQL for `versionNum`, or undefined when no range holds it. */
export function sqlFor(probe: ProbeDefinition, versionNum: number): string | undefined {
  return probe.sql?.find(
    (v) => (v.minVersion ?? 0) <= versionNum && versionNum <= (v.maxVersion ?? Number.MAX_SAFE_INTEGER),
  )?.sql;
}

/** Why a probe cannot run on a server of this version, or undefined. */
export function versionGap(probe: ProbeDefinition, versionNum: number): string | undefined {
  if (probe.minVersion !== undefined && versionNum < probe.minVersion)
    return `needs PostgreSQL ${majorOf(probe.minVersion)} or later (the server is ${majorOf(versionNum)})`;
  if (probe.maxVersion !== undefined && versionNum > probe.maxVersion)
    return `exists up to PostgreSQL ${majorOf(probe.maxVersion)} (the server is ${majorOf(versionNum)})`;
  if (probe.sql && !sqlFor(probe, versionNum)) return `has no query for PostgreSQL ${majorOf(versionNum)}`;
  return undefined;
}
