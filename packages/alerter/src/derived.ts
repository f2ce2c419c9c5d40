/** A metric computed from a probe's columns (ratios a DBA alerts on but no probe stores). */
export interface DerivedMetric {
  readonly probe: string;
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** The value, or null when there is too little activity for the ratio to mean anything. */
  readonly compute: (values: Readonly<Record<string, unknown>>) => number | null;
}

function num(values: Readonly<Record<string, unknown>>, key: string): number {
  const value = values[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** `100 × part / (part + rest)`, null below `minTotal`. */
function share(part: string, rest: string, minTotal: number) {
  return (values: Readonly<Record<string, unknown>>): number | null => {
    const total = num(values, part) + num(values, rest);
    return total < minTotal || total === 0 ? null : (100 * num(values, part)) / total;
  };
}

/** The derived metrics rules may name beside a probe's own columns. */
export const DERIVED_METRICS: readonly DerivedMetric[] = [
  {
    probe: 'database_stats',
    name: 'cache_hit_pct',
    unit: '%',
    description: 'blks_hit / (blks_hit + blks_read); null under 10 block reads/s',
    compute: share('blks_hit', 'blks_read', 10),
  },
  {
    probe: 'database_stats',
    name: 'rollback_pct',
    unit: '%',
    description: 'xact_rollback / (xact_commit + xact_rollback); null under 0.1 transactions/s',
    compute: share('xact_rollback', 'xact_commit', 0.1),
  },
  {
    probe: 'checkpointer',
    name: 'requested_pct',
    unit: '%',
    description: 'checkpoints_requested / all checkpoints; null when there was none',
    compute: share('checkpoints_requested', 'checkpoints_timed', 0),
  },
];

/** The derived metric `name` of `probe`, or undefined. */
export function findDerived(probe: string, name: string): DerivedMetric | undefined {
  return DERIVED_METRICS.find((d) => d.probe === probe && d.name === name);
}

/** The pseudo-probe of the collector's own status per connection (metrics_status probe '*'). */
export const COLLECTOR_PROBE = 'collector';
/** Its one metric: 1 while the collector cannot reach the database, else 0. */
export const UNREACHABLE_METRIC = 'unreachable';
