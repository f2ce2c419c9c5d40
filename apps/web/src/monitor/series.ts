// From the metrics route's series (one per dimension set, bucketed on the server) to the lines a
// chart draws: aligned on one time axis, with nulls where data is missing so gaps show as gaps.

/** The dimensions a series carries ('' when absent). */
export interface SeriesDims {
  database_name: string;
  schema_name: string;
  table_name: string;
  object_name: string;
}

/** One series of the metrics route. */
export interface MetricSeriesInput {
  dims: SeriesDims;
  points: readonly { time: string; values: Readonly<Record<string, number | string | null>> }[];
}

/** How a panel turns series into lines. */
export type LineRule =
  /** One line per metric, summed over every dimension set (e.g. commits and rollbacks of all databases). */
  | { kind: 'metrics'; labels: Readonly<Record<string, string>> }
  /** One line per value of a dimension, of the panel's first metric (e.g. sessions by state). */
  | { kind: 'dims'; dim: keyof SeriesDims; zeroWhenAbsent?: boolean; max?: number }
  /** blks_hit / (blks_hit + blks_read) as a percentage. */
  | { kind: 'hit_ratio'; hit: string; read: string; label: string };

/** Lines on one time axis: `xs` in seconds since the epoch, each line a value or null per x. */
export interface ChartLines {
  xs: number[];
  lines: { label: string; values: (number | null)[] }[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Adds `value` at `t` in `line` (lines that merge several series sum them). */
function add(line: Map<number, number>, t: number, value: number | undefined): void {
  if (value !== undefined) line.set(t, (line.get(t) ?? 0) + value);
}

function collect(series: readonly MetricSeriesInput[], metrics: readonly string[], rule: LineRule) {
  const lines = new Map<string, Map<number, number>>();
  const line = (label: string) => {
    let found = lines.get(label);
    if (!found) lines.set(label, (found = new Map<number, number>()));
    return found;
  };
  const times = new Set<number>();
  if (rule.kind === 'metrics') for (const m of metrics) line(rule.labels[m] ?? m);
  const hits = new Map<number, number>();
  const reads = new Map<number, number>();
  for (const s of series) {
    for (const p of s.points) {
      const t = Date.parse(p.time) / 1000;
      times.add(t);
      if (rule.kind === 'metrics')
        for (const m of metrics) add(line(rule.labels[m] ?? m), t, num(p.values[m]));
      else if (rule.kind === 'dims') add(line(s.dims[rule.dim] || '(none)'), t, num(p.values[metrics[0]!]));
      else {
        add(hits, t, num(p.values[rule.hit]));
        add(reads, t, num(p.values[rule.read]));
      }
    }
  }
  if (rule.kind === 'hit_ratio') {
    const ratio = line(rule.label);
    for (const [t, hit] of hits) {
      const total = hit + (reads.get(t) ?? 0);
      if (total > 0) ratio.set(t, (hit / total) * 100);
    }
  }
  return { lines, times };
}

/** The lines with the most total, first (`max` of them when the rule caps the count). */
function ranked(lines: Map<string, Map<number, number>>, rule: LineRule): [string, Map<number, number>][] {
  const entries = [...lines];
  if (rule.kind !== 'dims') return entries;
  const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + Math.abs(b), 0);
  entries.sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  return rule.max ? entries.slice(0, rule.max) : entries;
}

/**
 * Lines for a chart. `gapSeconds`: consecutive points further apart than this get a null between
 * them, so the chart shows the outage instead of a straight line across it.
 */
export function chartLines(
  series: readonly MetricSeriesInput[],
  metrics: readonly string[],
  rule: LineRule,
  options: { gapSeconds: number; scale?: number },
): ChartLines {
  const { lines, times } = collect(series, metrics, rule);
  const sorted = [...times].sort((a, b) => a - b);
  const xs: number[] = [];
  const gaps = new Set<number>();
  for (const t of sorted) {
    const previous = xs.at(-1);
    if (previous !== undefined && t - previous > options.gapSeconds) {
      const gap = previous + (t - previous) / 2;
      xs.push(gap);
      gaps.add(gap);
    }
    xs.push(t);
  }
  const scale = options.scale ?? 1;
  const zero = rule.kind === 'dims' && rule.zeroWhenAbsent === true;
  return {
    xs,
    lines: ranked(lines, rule).map(([label, values]) => ({
      label,
      values: xs.map((t) => {
        if (gaps.has(t)) return null;
        const v = values.get(t);
        return v === undefined ? (zero ? 0 : null) : v * scale;
      }),
    })),
  };
}

/** The last non-null value of a line, for legends when the cursor is away. */
export function lastValue(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

/** The latest value of `metric` per dimension set, largest first (largest tables, database sizes). */
export function latestBy(
  series: readonly MetricSeriesInput[],
  metric: string,
): { dims: SeriesDims; value: number; values: Readonly<Record<string, number | string | null>> }[] {
  return series
    .flatMap((s) => {
      const point = s.points.at(-1);
      const value = num(point?.values[metric]);
      return point && value !== undefined ? [{ dims: s.dims, value, values: point.values }] : [];
    })
    .sort((a, b) => b.value - a.value);
}
