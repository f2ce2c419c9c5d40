import { type Kysely, sql } from 'kysely';
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

/**
 * Sums counters over a range per object (e.g. each statement's calls and execution time) from raw
 * samples, or hourly rollups when the range starts before raw retention ends, and keeps the
 * `limit` objects with the highest total of `orderBy`.
 */
export async function queryTotals(
  db: Kysely<unknown>,
  query: TotalsQuery,
  options: { now: Date; rawDays: number },
): Promise<TotalsResult> {
  check(query);
  const source =
    query.timeStart.getTime() >= options.now.getTime() - options.rawDays * 86_400_000 ? 'raw' : 'hourly';
  const texts = source === 'raw' ? (query.texts ?? []) : [];
  const filters = DIMENSIONS.flatMap((dim) => {
    const value = query.filters?.[dim];
    return value === undefined ? [] : [sql`and ${sql.ref(`s.${dim}`)} = ${value}`];
  });
  const total =
    source === 'raw'
      ? sql`sum(case when jsonb_typeof(m.value) = 'number'
          then (m.value)::float8 * coalesce(s.interval_s, ${query.intervalS}) end)`
      : sql`sum((m.value->>'sum')::float8 * ${query.intervalS})`;
  const text =
    source === 'raw'
      ? sql`(array_agg(m.value #>> '{}' order by s.ts desc) filter (where jsonb_typeof(m.value) = 'string'))[1]`
      : sql`null::text`;
  const { rows } = await sql<{
    database_name: string;
    schema_name: string;
    table_name: string;
    object_name: string;
    metric: string;
    total: number | null;
    text: string | null;
    grand: number | null;
  }>`
    with per_metric as (
      select s.database_name, s.schema_name, s.table_name, s.object_name, m.key as metric,
        ${total} as total, ${text} as text
      from ${sql.table(source === 'raw' ? 'metrics_samples' : 'metrics_hourly')} s
        cross join lateral jsonb_each(${sql.ref(source === 'raw' ? 's.values' : 's.agg')}) m
      where s.connection_id = ${query.connectionId} and s.probe = ${query.probe}
        and s.ts >= ${query.timeStart.toISOString()}::timestamptz
        and s.ts < ${query.timeEnd.toISOString()}::timestamptz
        and m.key = any(${[...query.counters, ...texts]}::text[])
        ${sql.join(filters, sql` `)}
      group by 1, 2, 3, 4, 5
    ), ranked as (
      select database_name, schema_name, table_name, object_name, total as rank_total,
        sum(total) over () as grand
      from per_metric where metric = ${query.orderBy}
      order by total desc nulls last, 1, 2, 3, 4
      limit ${query.limit}
    )
    select p.database_name, p.schema_name, p.table_name, p.object_name, p.metric, p.total, p.text, r.grand
    from per_metric p join ranked r using (database_name, schema_name, table_name, object_name)
    order by r.rank_total desc nulls last, 1, 2, 3, 4`.execute(db);
  const byObject = new Map<string, TotalsRow>();
  let grandTotal = 0;
  for (const row of rows) {
    const dims = {
      database_name: row.database_name,
      schema_name: row.schema_name,
      table_name: row.table_name,
      object_name: row.object_name,
    };
    const key = JSON.stringify(dims);
    let entry = byObject.get(key);
    if (!entry) {
      entry = {
        dims,
        totals: Object.fromEntries(query.counters.map((c) => [c, 0])),
        texts: Object.fromEntries(texts.map((t) => [t, null])),
      };
      byObject.set(key, entry);
    }
    grandTotal = Number(row.grand ?? 0);
    if (texts.includes(row.metric)) entry.texts[row.metric] = row.text;
    else entry.totals[row.metric] = Number(row.total ?? 0);
  }
  return { source, rows: [...byObject.values()], grandTotal };
}
