import type { MetricValue, SampleDims } from '@pgmcp/datastore';
import type { ProbeDefinition, ProbeRow } from './probe.js';

/** The previous snapshot of one probe's rows, by dimension key. */
export interface Snapshot {
  time: number;
  rows: Map<string, Readonly<Record<string, number>>>;
}

/** A row turned into what the datastore keeps. */
export interface ConvertedRow {
  dims: SampleDims;
  values: Record<string, MetricValue>;
  intervalS?: number;
}

function toNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function dimsOf(probe: ProbeDefinition, row: ProbeRow): SampleDims {
  const dims: Record<string, string> = {};
  for (const dim of probe.dims) dims[dim] = String(row[dim] ?? '');
  return dims;
}

/**
 * Turns a probe's rows into stored rows: gauges as read, counters as per-second rates against the
 * previous snapshot of the same object. A counter that went down (statistics reset, server
 * restart) or has no previous value yields no rate rather than a negative or a spike. With
 * `omitIdleRows`, a row whose rates are all zero is left out. Returns the rows and the snapshot to
 * keep for next time.
 */
export function convertRows(
  probe: ProbeDefinition,
  rows: readonly ProbeRow[],
  time: number,
  previous: Snapshot | undefined,
): { rows: ConvertedRow[]; snapshot: Snapshot } {
  const snapshot: Snapshot = { time, rows: new Map() };
  const elapsedS = previous ? (time - previous.time) / 1000 : 0;
  const out: ConvertedRow[] = [];
  for (const row of rows) {
    const dims = dimsOf(probe, row);
    const key = JSON.stringify(dims);
    const before = previous?.rows.get(key);
    const counters: Record<string, number> = {};
    const values: Record<string, MetricValue> = {};
    for (const column of probe.columns) {
      const raw = row[column.name];
      if (column.kind === 'gauge') {
        if (raw === undefined || raw === null) continue;
        values[column.name] = column.unit === 'text' ? String(raw) : (toNumber(raw) ?? String(raw));
        continue;
      }
      const current = toNumber(raw);
      if (current === undefined) continue;
      counters[column.name] = current;
      const prior = before?.[column.name];
      if (prior === undefined || elapsedS <= 0 || current < prior) continue;
      values[column.name] = (current - prior) / elapsedS;
    }
    snapshot.rows.set(key, counters);
    if (Object.keys(values).length === 0) continue;
    const rates = probe.columns.filter((c) => c.kind === 'counter' && c.name in values);
    const hasRate = rates.length > 0;
    if (probe.omitIdleRows && hasRate && rates.every((c) => values[c.name] === 0)) continue;
    out.push({ dims, values, ...(hasRate ? { intervalS: elapsedS } : {}) });
  }
  return { rows: out, snapshot };
}
