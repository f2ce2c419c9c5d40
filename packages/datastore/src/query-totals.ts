import { type Kysely, type RawBuilder, sql } from 'kysely';
import { DatastoreError } from './errors.js';
import { DIMENSIONS, type SampleDims } from './types.js';

/** Arguments of `queryTotals`: counters summed over a range, per object, ranked by one of them. */
export interface TotalsQuery {
  probe: string;
  connectionId: string;
  timeStart: Date;
  timeEnd: Date;
  /** Counter metrics (stored as per-second rates): each is summed as rate × seconds covered. */
  counters: readonly string[];
  /** Text metrics returned as their latest value in the range (raw samples only). */
  texts?: readonly string[];
  /** The counter to rank by, highest total first. */
  orderBy: string;
  /** Most objects returned. */
  limit: number;
  filters?: SampleDims;
  /**
   * Seconds one sample covers when the sample does not say (its first snapshot) and for hourly
   * rollups, which keep the sum of rates: usually the probe's interval.
   */
  intervalS: number;
}

/** One object's totals. */
export interface TotalsRow {
  dims: Required<SampleDims>;
  totals: Record<string, number>;
  texts: Record<string, string | null>;
}

/** What `queryTotals` returns. */
export interface TotalsResult {
  source: 'raw' | 'hourly';
  rows: TotalsRow[];
  /** The total of `orderBy` over every object in the range, listed or not. */
  grandTotal: number;
}

function check(query: TotalsQuery): void {
  if (query.timeStart.getTime() >= query.timeEnd.getTime())
    throw new DatastoreError(
      'INVALID_INPUT',
      `time_start (${query.timeStart.toISOString()}) must be before time_end (${query.timeEnd.toISOString()}).`,
      { field: 'time_start' },
    );
  if (!query.counters.includes(query.orderBy))
    throw new DatastoreError('INVALID_INPUT', `orderBy must be one of the counters.`, { field: 'orderBy' });
}

type DimsRow = { database_name: string; schema_name: string; table_name: string; object_name: string };

/** Sum of one counter as rate × seconds covered, straight from the row's jsonb (no per-metric rows). */
function totalOf(source: 'raw' | 'hourly', metric: string, intervalS: number): RawBuilder<unknown> {
  if (source === 'hourly') return sql`sum((s.agg->${metric}::text->>'sum')::float8 * ${intervalS})`;
  return sql`sum(case when jsonb_typeof(s."values"->${metric}::text) = 'number'
    then (s."values"->>${metric}::text)::float8 * coalesce(s.interval_s, ${intervalS}) end)`;
}

function dimsOf(row: DimsRow): Required<SampleDims> {
  return {
    database_name: row.database_name,
    schema_name: row.schema_name,
    table_name: row.table_name,
    object_name: row.object_name,
  };
}

/**
 * Sums counters over a range per object (e.g. each statement's calls and execution time) from raw
 * samples, or hourly rollups when the range starts before raw retention ends, and keeps the
 * `limit` objects with the highest total of `orderBy`. Text metrics are read afterwards for those
 * objects only (their latest value in the range).
 */
export async function queryTotals(
  db: Kysely<unknown>,
  query: TotalsQuery,
  options: { now: Date; rawDays: number },
): Promise<TotalsResult> {
  check(query);
  const source =
    query.timeStart.getTime() >= options.now.getTime() - options.rawDays * 86_400_000 ? 'raw' : 'hourly';
  const filters = DIMENSIONS.flatMap((dim) => {
    const value = query.filters?.[dim];
    return value === undefined ? [] : [sql`and ${sql.ref(`s.${dim}`)} = ${value}`];
  });
  const where = sql`s.connection_id = ${query.connectionId} and s.probe = ${query.probe}
    and s.ts >= ${query.timeStart.toISOString()}::timestamptz
    and s.ts < ${query.timeEnd.toISOString()}::timestamptz
    ${sql.join(filters, sql` `)}`;
  const table = sql.table(source === 'raw' ? 'metrics_samples' : 'metrics_hourly');
  const order = query.counters.indexOf(query.orderBy);
  const { rows } = await sql<DimsRow & { totals: (number | null)[]; grand: number | null }>`
    with per_object as (
      select s.database_name, s.schema_name, s.table_name, s.object_name,
        array[${sql.join(query.counters.map((c) => totalOf(source, c, query.intervalS)))}]::float8[] as totals
      from ${table} s where ${where}
      group by 1, 2, 3, 4
    )
    select *, sum(totals[${order + 1}]) over () as grand from per_object
    order by totals[${order + 1}] desc nulls last, 1, 2, 3, 4
    limit ${query.limit}`.execute(db);
  const texts = source === 'raw' ? (query.texts ?? []) : [];
  const latest = await latestTexts(db, where, texts, rows);
  return {
    source,
    rows: rows.map((row) => {
      const dims = dimsOf(row);
      return {
        dims,
        totals: Object.fromEntries(query.counters.map((c, i) => [c, Number(row.totals[i] ?? 0)])),
        texts: Object.fromEntries(texts.map((t) => [t, latest.get(JSON.stringify(dims))?.[t] ?? null])),
      };
    }),
    grandTotal: Number(rows[0]?.grand ?? 0),
  };
}

/** The latest value of each text metric in the range, for the given objects only. */
async function latestTexts(
  db: Kysely<unknown>,
  where: RawBuilder<unknown>,
  texts: readonly string[],
  objects: readonly DimsRow[],
): Promise<Map<string, Record<string, string | null>>> {
  const latest = new Map<string, Record<string, string | null>>();
  if (texts.length === 0 || objects.length === 0) return latest;
  const keys = objects.map(
    (o) => sql`(${o.database_name}, ${o.schema_name}, ${o.table_name}, ${o.object_name})`,
  );
  const { rows } = await sql<DimsRow & { texts: (string | null)[] }>`
    select distinct on (1, 2, 3, 4) s.database_name, s.schema_name, s.table_name, s.object_name,
      array[${sql.join(texts.map((t) => sql`s."values"->>${t}::text`))}] as texts
    from metrics_samples s
    where ${where}
      and (s.database_name, s.schema_name, s.table_name, s.object_name) in (${sql.join(keys)})
    order by 1, 2, 3, 4, s.ts desc`.execute(db);
  for (const row of rows)
    latest.set(
      JSON.stringify(dimsOf(row)),
      Object.fromEntries(texts.map((t, i) => [t, row.texts[i] ?? null])),
    );
  return latest;
}
