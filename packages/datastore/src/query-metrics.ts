import { type Kysely, type RawBuilder, sql } from 'kysely';
import { DatastoreError } from './errors.js';
import {
  AGGREGATIONS,
  type Aggregation,
  DIMENSIONS,
  type MetricSeries,
  type MetricValue,
  type MetricsQuery,
  type MetricsResult,
} from './types.js';

/** Bucket limits of `queryMetrics`. */
export const MIN_BUCKETS = 1;
export const MAX_BUCKETS = 500;
export const DEFAULT_BUCKETS = 150;

function invalid(field: string, message: string): DatastoreError {
  return new DatastoreError('INVALID_INPUT', message, { field });
}

function check(query: MetricsQuery): { buckets: number; aggregation: Aggregation } {
  const buckets = query.buckets ?? DEFAULT_BUCKETS;
  if (!Number.isInteger(buckets) || buckets < MIN_BUCKETS || buckets > MAX_BUCKETS)
    throw invalid(
      'buckets',
      `buckets must be a whole number from ${MIN_BUCKETS} to ${MAX_BUCKETS}; got ${buckets}.`,
    );
  const aggregation = query.aggregation ?? 'avg';
  if (!AGGREGATIONS.includes(aggregation))
    throw invalid(
      'aggregation',
      `aggregation must be one of ${AGGREGATIONS.join(', ')}; got "${String(aggregation)}".`,
    );
  for (const [field, time] of [
    ['time_start', query.timeStart],
    ['time_end', query.timeEnd],
  ] as const) {
    if (Number.isNaN(time.getTime())) throw invalid(field, `${field} is not a valid time.`);
  }
  if (query.timeStart.getTime() >= query.timeEnd.getTime())
    throw invalid(
      'time_start',
      `time_start (${query.timeStart.toISOString()}) must be before time_end (${query.timeEnd.toISOString()}).`,
    );
  if (query.metrics.length === 0) throw invalid('metrics', 'metrics: name at least one metric.');
  return { buckets, aggregation };
}

/** The SQL that combines one metric's values in a bucket, over raw samples or hourly rollups. */
function aggregate(aggregation: Aggregation, source: 'raw' | 'hourly'): RawBuilder<unknown> {
  if (source === 'raw') {
    const last = sql`(array_agg(m.value order by s.ts desc))[1]`;
    if (aggregation === 'last') return last;
    // Text metrics (a statement's text, a setting's value) have no average: they come as the last value.
    return sql`coalesce(to_jsonb(${sql.raw(aggregation)}(case when jsonb_typeof(m.value) = 'number'
      then (m.value)::float8 end)), ${last})`;
  }
  const field = (name: string) => sql`(m.value->>${sql.lit(name)})::float8`;
  switch (aggregation) {
    case 'avg':
      return sql`to_jsonb(sum(${field('sum')}) / nullif(sum(${field('n')}), 0))`;
    case 'sum':
      return sql`to_jsonb(sum(${field('sum')}))`;
    case 'min':
      return sql`to_jsonb(min(${field('min')}))`;
    case 'max':
      return sql`to_jsonb(max(${field('max')}))`;
    case 'last':
      return sql`(array_agg(m.value->'last' order by s.ts desc))[1]`;
  }
}

/**
 * The dimension sets with the highest average of `metric` over the range, best first, with their
 * rank: one more than `maxSeries`, so the caller can tell the answer was truncated.
 */
function rankedSeries(
  metric: string,
  source: 'raw' | 'hourly',
  where: RawBuilder<unknown>,
  maxSeries: number,
): RawBuilder<unknown> {
  const average =
    source === 'raw'
      ? sql`avg(case when jsonb_typeof(s."values"->${metric}::text) = 'number' then (s."values"->>${metric}::text)::float8 end)`
      : sql`sum((s.agg->${metric}::text->>'sum')::float8) / nullif(sum((s.agg->${metric}::text->>'n')::float8), 0)`;
  const table = source === 'raw' ? sql.table('metrics_samples') : sql.table('metrics_hourly');
  return sql`select s.database_name, s.schema_name, s.table_name, s.object_name,
      row_number() over (order by ${average} desc nulls last, s.database_name, s.schema_name,
        s.table_name, s.object_name) as rank
    from ${table} s where ${where}
    group by 1, 2, 3, 4
    order by rank limit ${maxSeries + 1}`;
}

/**
 * Buckets a probe's metrics over a time range on the server (date_bin): one series per dimension
 * set, each with a value per metric and bucket. Reads raw samples, or hourly rollups when the range
 * starts before raw retention ends.
 */
export async function queryMetrics(
  db: Kysely<unknown>,
  query: MetricsQuery,
  options: { now: Date; rawDays: number },
): Promise<MetricsResult> {
  const { buckets, aggregation } = check(query);
  const span = query.timeEnd.getTime() - query.timeStart.getTime();
  const rawFrom = options.now.getTime() - options.rawDays * 86_400_000;
  const source = query.timeStart.getTime() >= rawFrom ? 'raw' : 'hourly';
  const minWidth = source === 'raw' ? 1 : 3600;
  const bucketSeconds = Math.max(minWidth, Math.ceil(span / buckets / 1000));
  const maxSeries = query.maxSeries ?? 100;
  const table = source === 'raw' ? sql.table('metrics_samples') : sql.table('metrics_hourly');
  const column = source === 'raw' ? sql.ref('s.values') : sql.ref('s.agg');
  const filters = DIMENSIONS.flatMap((dim) => {
    const value = query.filters?.[dim];
    return value === undefined ? [] : [sql`and ${sql.ref(`s.${dim}`)} = ${value}`];
  });
  const start = query.timeStart.toISOString();
  const where = sql`s.connection_id = ${query.connectionId} and s.probe = ${query.probe}
      and s.ts >= ${start}::timestamptz and s.ts < ${query.timeEnd.toISOString()}::timestamptz
      ${sql.join(filters, sql` `)}`;
  const ranked =
    query.rankBy === undefined ? undefined : rankedSeries(query.rankBy, source, where, maxSeries);
  const { rows } = await sql<{
    bucket: Date;
    database_name: string;
    schema_name: string;
    table_name: string;
    object_name: string;
    metric: string;
    value: MetricValue;
  }>`
    ${ranked ? sql`with ranked as (${ranked})` : sql``}
    select date_bin(make_interval(secs => ${bucketSeconds}), s.ts, ${start}::timestamptz) as bucket,
      s.database_name, s.schema_name, s.table_name, s.object_name, m.key as metric,
      ${aggregate(aggregation, source)} as value
    from ${table} s cross join lateral jsonb_each(${column}) m
      ${ranked ? sql`join ranked r using (database_name, schema_name, table_name, object_name)` : sql``}
    where ${where} and m.key = any(${[...query.metrics]}::text[])
    group by 1, 2, 3, 4, 5, 6 ${ranked ? sql`, r.rank` : sql``}
    order by ${ranked ? sql`r.rank, 1` : sql`2, 3, 4, 5, 1`}`.execute(db);
  const series = new Map<string, MetricSeries>();
  let truncated = false;
  for (const row of rows) {
    const dims = {
      database_name: row.database_name,
      schema_name: row.schema_name,
      table_name: row.table_name,
      object_name: row.object_name,
    };
    const key = JSON.stringify(dims);
    let entry = series.get(key);
    if (!entry) {
      if (series.size >= maxSeries) {
        truncated = true;
        continue;
      }
      entry = { dims, points: [] };
      series.set(key, entry);
    }
    const time = new Date(row.bucket).toISOString();
    let point = entry.points.at(-1);
    if (point?.time !== time) {
      point = { time, values: {} };
      entry.points.push(point);
    }
    point.values[row.metric] = row.value;
  }
  return {
    probe: query.probe,
    connectionId: query.connectionId,
    timeStart: query.timeStart.toISOString(),
    timeEnd: query.timeEnd.toISOString(),
    bucketSeconds,
    aggregation,
    source,
    series: [...series.values()],
    truncated,
  };
}
