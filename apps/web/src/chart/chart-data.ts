import { isNumericType } from '../console/result-values.js';

export type ChartKind = 'line' | 'bar' | 'scatter';

/** What to draw: the x column and the y columns, by index. */
export interface ChartSpec {
  kind: ChartKind;
  x: number;
  ys: number[];
}

/** Series ready for uPlot: x values (numbers; categories by position) and one array per y. */
export interface ChartData {
  xs: number[];
  /** Labels for category x axes (text columns), else undefined. */
  categories?: string[];
  time: boolean;
  series: { name: string; values: (number | null)[] }[];
}

const TIME_TYPES = /^(date|timestamp|timestamptz)/i;

const toNumber = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Columns that can be a y series: numeric types, or columns whose values all parse as numbers. */
export function numericColumns(
  columns: readonly { name: string; type?: string }[],
  rows: readonly (readonly unknown[])[],
): number[] {
  return columns.flatMap((c, i) =>
    isNumericType(c.type) ||
    (rows.length > 0 && rows.slice(0, 50).every((r) => r[i] === null || toNumber(r[i]) !== null))
      ? [i]
      : [],
  );
}

/** A first guess that is usually right: x is the first non-numeric column (or the first), y the numeric rest. */
export function defaultSpec(
  columns: readonly { name: string; type?: string }[],
  rows: readonly (readonly unknown[])[],
): ChartSpec | undefined {
  const numeric = numericColumns(columns, rows);
  const x = columns.findIndex((_, i) => !numeric.includes(i));
  const xIndex = x === -1 ? 0 : x;
  const ys = numeric.filter((i) => i !== xIndex).slice(0, 4);
  if (ys.length === 0) return undefined;
  const time = TIME_TYPES.test(columns[xIndex]?.type ?? '');
  return { kind: time ? 'line' : x === -1 ? 'scatter' : 'bar', x: xIndex, ys };
}

/** The series for a spec; time columns become seconds since the epoch, text columns categories. */
export function chartData(
  columns: readonly { name: string; type?: string }[],
  rows: readonly (readonly unknown[])[],
  spec: ChartSpec,
): ChartData {
  const type = columns[spec.x]?.type ?? '';
  const time = TIME_TYPES.test(type);
  const numericX = !time && numericColumns(columns, rows).includes(spec.x);
  let order = rows.map((_, i) => i);
  let xs: number[];
  let categories: string[] | undefined;
  if (time) {
    xs = rows.map((r) => Date.parse(String(r[spec.x]).replace(' ', 'T')) / 1000);
  } else if (numericX) {
    xs = rows.map((r) => toNumber(r[spec.x]) ?? Number.NaN);
  } else {
    categories = rows.map((r) => (r[spec.x] === null ? 'NULL' : String(r[spec.x])));
    xs = rows.map((_, i) => i);
  }
  // uPlot needs ascending x; categories keep the result's order.
  if (!categories) {
    order = order.filter((i) => Number.isFinite(xs[i]!)).sort((a, b) => xs[a]! - xs[b]!);
    xs = order.map((i) => xs[i]!);
  }
  return {
    xs,
    ...(categories ? { categories } : {}),
    time,
    series: spec.ys.map((y) => ({
      name: columns[y]?.name ?? '',
      values: order.map((i) => toNumber(rows[i]![y])),
    })),
  };
}
