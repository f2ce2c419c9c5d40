import { type Kysely, sql } from 'kysely';
import { createDayPartitions, dayStart } from './partitions.js';

const HOUR_MS = 3_600_000;
/** The metrics_state key holding the end of the last hour rolled up (ISO time). */
export const ROLLUP_WATERMARK = 'rollup_done_until';
/** Hours before the watermark rolled again, for samples that were written late. */
const LATE_HOURS = 2;

/**
 * Rolls the raw samples of every complete hour before `now` into `metrics_hourly`
 * ({metric: {avg, min, max, sum, n, last}} per hour and object; a text metric such as a
 * statement's text as {text} with its last value), from where the last run stopped
 * (less a little, for late writes; rolling an hour again replaces it). Returns the hours written.
 */
export async function downsample(db: Kysely<unknown>, now: Date): Promise<number> {
  const until = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const state = await sql<{
    value: string;
  }>`select value from metrics_state where key = ${ROLLUP_WATERMARK}`.execute(db);
  let from: number;
  const mark = state.rows[0]?.value;
  if (mark) {
    from = Math.min(Date.parse(mark), until - LATE_HOURS * HOUR_MS);
  } else {
    const oldest = await sql<{ ts: Date | null }>`select min(ts) as ts from metrics_samples`.execute(db);
    const ts = oldest.rows[0]?.ts;
    if (!ts) return 0;
    from = Math.floor(new Date(ts).getTime() / HOUR_MS) * HOUR_MS;
  }
  if (from >= until) return 0;
  const days = new Set<number>();
  for (let day = dayStart(from); day < until; day += 86_400_000) days.add(day);
  await createDayPartitions(db, 'metrics_hourly', days);
  const start = new Date(from).toISOString();
  const end = new Date(until).toISOString();
  const result = await sql`
    insert into metrics_hourly
      (connection_id, probe, ts, database_name, schema_name, table_name, object_name, agg)
    select connection_id, probe, hour, database_name, schema_name, table_name, object_name,
      jsonb_object_agg(metric, case when n > 0 then jsonb_build_object(
        'avg', avg_v, 'min', min_v, 'max', max_v, 'sum', sum_v, 'n', n, 'last', last_v)
        else jsonb_build_object('text', last_text) end)
    from (
      select s.connection_id, s.probe, date_trunc('hour', s.ts) as hour, s.database_name,
        s.schema_name, s.table_name, s.object_name, m.key as metric,
        avg(m.value::float8) filter (where is_number) as avg_v,
        min(m.value::float8) filter (where is_number) as min_v,
        max(m.value::float8) filter (where is_number) as max_v,
        sum(m.value::float8) filter (where is_number) as sum_v,
        count(*) filter (where is_number) as n,
        (array_agg(m.value::float8 order by s.ts desc) filter (where is_number))[1] as last_v,
        (array_agg(m.value order by s.ts desc) filter (where not is_number))[1] as last_text
      from metrics_samples s cross join lateral jsonb_each(s."values") m
        cross join lateral (select jsonb_typeof(m.value) = 'number' as is_number) t
      where s.ts >= ${start}::timestamptz and s.ts < ${end}::timestamptz
        and jsonb_typeof(m.value) in ('number', 'string')
      group by 1, 2, 3, 4, 5, 6, 7, 8
    ) per_metric
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict (connection_id, probe, ts, database_name, schema_name, table_name, object_name)
      do update set agg = excluded.agg`.execute(db);
  await sql`insert into metrics_state (key, value) values (${ROLLUP_WATERMARK}, ${end})
    on conflict (key) do update set value = excluded.value`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
