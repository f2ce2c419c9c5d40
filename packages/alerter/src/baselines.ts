import { type Kysely, sql } from 'kysely';
import { baselineFromRow, DIMS_KEY_SQL, type Row } from './rows.js';
import type { AlertRule, MetricBaseline } from './types.js';

/** Hour of the week in UTC: 0 = Sunday 00:00–01:00 … 167 = Saturday 23:00–24:00. */
export function hourOfWeek(at: Date): number {
  return at.getUTCDay() * 24 + at.getUTCHours();
}

/**
 * Learns the baselines the anomaly rules need from the hourly rollups of the last `lookbackDays`:
 * per connection, metric, object and hour of week the mean and standard deviation of the hourly
 * averages and how many hours they rest on. Returns the rows written.
 */
export async function recomputeBaselines(
  db: Kysely<unknown>,
  connectionId: string,
  rules: readonly AlertRule[],
  at: Date,
  lookbackDays: number,
): Promise<number> {
  const wanted = new Map<string, { probe: string; metric: string }>();
  for (const rule of rules)
    if (rule.kind === 'anomaly' && rule.enabled) wanted.set(`${rule.probe}\u0000${rule.metric}`, rule);
  let written = 0;
  const from = new Date(at.getTime() - lookbackDays * 86_400_000).toISOString();
  for (const { probe, metric } of wanted.values()) {
    const result = await sql`
      insert into metric_baselines (connection_id, probe, metric, dims_key, dims, hour_of_week, mean, stddev, n,
        updated_at)
      select connection_id, probe, ${metric}, dims_key, min(dims::text)::jsonb, how, avg(v),
        coalesce(stddev_samp(v), 0), count(*), ${at.toISOString()}::timestamptz
      from (
        select connection_id, probe, ${sql.raw(DIMS_KEY_SQL)} as dims_key,
          jsonb_strip_nulls(jsonb_build_object('database_name', nullif(database_name, ''),
            'schema_name', nullif(schema_name, ''), 'table_name', nullif(table_name, ''),
            'object_name', nullif(object_name, ''))) as dims,
          (extract(dow from ts at time zone 'UTC') * 24 + extract(hour from ts at time zone 'UTC'))::int as how,
          (agg -> ${metric} ->> 'avg')::float8 as v
        from metrics_hourly
        where connection_id = ${connectionId} and probe = ${probe} and ts >= ${from}::timestamptz
          and ts < ${at.toISOString()}::timestamptz and agg ? ${metric}
      ) h
      where v is not null
      group by connection_id, probe, dims_key, how
      on conflict (connection_id, probe, metric, dims_key, hour_of_week) do update set dims = excluded.dims,
        mean = excluded.mean, stddev = excluded.stddev, n = excluded.n, updated_at = excluded.updated_at`.execute(
      db,
    );
    written += Number(result.numAffectedRows ?? 0);
  }
  return written;
}

/** Filters of {@link listBaselines}. */
export interface BaselineQuery {
  connectionId: string;
  metric?: string;
  probe?: string;
  hourOfWeek?: number;
  limit?: number;
}

export async function listBaselines(db: Kysely<unknown>, query: BaselineQuery): Promise<MetricBaseline[]> {
  const { rows } = await sql<Row>`select * from metric_baselines where connection_id = ${query.connectionId}
    ${query.metric ? sql`and metric = ${query.metric}` : sql``}
    ${query.probe ? sql`and probe = ${query.probe}` : sql``}
    ${query.hourOfWeek === undefined ? sql`` : sql`and hour_of_week = ${query.hourOfWeek}`}
    order by probe, metric, dims_key, hour_of_week limit ${query.limit ?? 1000}`.execute(db);
  return rows.map(baselineFromRow);
}
