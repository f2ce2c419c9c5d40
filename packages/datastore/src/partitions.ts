import { type Kysely, sql } from 'kysely';

/** The two partitioned tables. */
export type PartitionedTable = 'metrics_samples' | 'metrics_hourly';

const DAY_MS = 86_400_000;
const SUFFIX = /_p(\d{4})(\d{2})(\d{2})$/;

/** Start of the UTC day holding `time`, in ms. */
export function dayStart(time: Date | number): number {
  const ms = typeof time === 'number' ? time : time.getTime();
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function partitionName(table: PartitionedTable, day: number): string {
  return `${table}_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/**
 * Creates the day partition of `table` for each day in `days` (ms, UTC day starts) unless it
 * exists. Two writers creating the same one race harmlessly.
 */
export async function createDayPartitions(
  db: Kysely<unknown>,
  table: PartitionedTable,
  days: Iterable<number>,
): Promise<void> {
  for (const day of days) {
    const name = partitionName(table, day);
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    try {
      await sql`create table if not exists ${sql.table(name)} partition of ${sql.table(table)}
        for values from (${sql.lit(from)}) to (${sql.lit(to)})`.execute(db);
    } catch (error) {
      // Another writer created it between the check and the create: 42P07, or 23505 when both
      // inserted the catalog row at once.
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
  }
}

/** Day starts from `now`'s day through `aheadDays` later. */
export function daysAhead(now: Date, aheadDays: number): number[] {
  const today = dayStart(now);
  return Array.from({ length: aheadDays + 1 }, (_, i) => today + i * DAY_MS);
}

/** The day partitions of `table` with their day start (ms), oldest first. */
export async function listDayPartitions(
  db: Kysely<unknown>,
  table: PartitionedTable,
): Promise<{ name: string; day: number }[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = ${table} and p.relnamespace = to_regnamespace(current_schema())::oid
    order by 1`.execute(db);
  return rows.flatMap(({ name }) => {
    const m = SUFFIX.exec(name);
    return m ? [{ name, day: Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) }] : [];
  });
}

/**
 * Drops the day partitions of `table` whose whole day is older than `keepDays` before `now`
 * (dropping a partition is instant and leaves no bloat, unlike DELETE). Returns the dropped names.
 */
export async function dropExpiredPartitions(
  db: Kysely<unknown>,
  table: PartitionedTable,
  now: Date,
  keepDays: number,
): Promise<string[]> {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  const dropped: string[] = [];
  for (const { name, day } of await listDayPartitions(db, table)) {
    if (day + DAY_MS > cutoff) continue;
    await sql`drop table if exists ${sql.table(name)}`.execute(db);
    dropped.push(name);
  }
  return dropped;
}
