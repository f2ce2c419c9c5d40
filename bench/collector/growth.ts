/**
 * bench/collector/growth: how much the datastore grows per monitored connection per day.
 *
 * Collects the demo database (packages/demo-data, plus pgbench's tables and a light workload) on a
 * fake clock for `--hours` simulated hours — every built-in probe at its default interval — then
 * runs the datastore's maintenance (hourly rollups) and reads pg_total_relation_size of the
 * partitions. Prints raw and rollup bytes per day (target: tens of MB), the steady state at the
 * default retention (raw 7 days, hourly 90 days), and rows and bytes per probe.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source collector/growth.ts [--hours 4]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { log, machineLoad, megabytes, startBenchCluster } from './setup.js';
import { type FakeClock, openSimulation, simulateCollection, TARGET_ID } from './simulate.js';

const { values: args } = parseArgs({ options: { hours: { type: 'string', default: '4' } } });
const HOURS = Number(args.hours);
const DAY0 = Date.UTC(2026, 0, 5);

/** Total size (heap, indexes, TOAST) of the partitions of `table`. */
async function partitionBytes(client: pg.Client, table: string): Promise<number> {
  const { rows } = await client.query<{ bytes: string }>(
    `select coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) as bytes
     from pg_inherits i where i.inhparent = $1::regclass`,
    [table],
  );
  return Number(rows[0]?.bytes);
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const clock: FakeClock = { ms: DAY0 };
    const sim = await openSimulation(cluster.url('metrics'), cluster.url('demo'), clock);
    const started = performance.now();
    const runs = await simulateCollection(sim.collector, cluster.url('demo'), clock, HOURS, (h) =>
      log(`${h} h simulated (${((performance.now() - started) / 1000).toFixed(0)} s)`),
    );
    await sim.store.runMaintenance();
    const statuses = await sim.store.listStatus([TARGET_ID]);
    await sim.close();

    const client = new pg.Client({ connectionString: cluster.url('metrics') });
    await client.connect();
    try {
      await client.query('vacuum analyze metrics_samples, metrics_hourly');
      const raw = await partitionBytes(client, 'metrics_samples');
      const hourly = await partitionBytes(client, 'metrics_hourly');
      const perDay = (bytes: number) => (bytes * 24) / HOURS;
      const failing = statuses.filter((s) => s.status === 'error').map((s) => s.probe);
      console.log(
        `PostgreSQL ${cluster.version} (${machineLoad()}); demo database, ${HOURS} simulated hours, ${runs} probe runs` +
          (failing.length ? `; failing: ${failing.join(', ')}` : ''),
      );
      console.log(
        `raw samples: ${megabytes(perDay(raw))} per connection per day (target: tens of MB); ` +
          `hourly rollups: ${megabytes(perDay(hourly))} per day`,
      );
      console.log(
        `at the default retention (raw 7 days, hourly 90 days): ` +
          `${megabytes(7 * perDay(raw) + 90 * perDay(hourly))} per connection`,
      );
      const { rows } = await client.query<{
        probe: string;
        n: string;
        bytes: string;
        hn: string;
        hbytes: string;
      }>(
        `select probe, r.n, r.bytes, coalesce(h.n, 0) as hn, coalesce(h.bytes, 0) as hbytes
         from (select probe, count(*) as n, sum(pg_column_size(s.*)) as bytes from metrics_samples s group by 1) r
         left join (select probe, count(*) as n, sum(pg_column_size(s.*)) as bytes from metrics_hourly s group by 1) h
           using (probe)
         order by r.bytes desc`,
      );
      console.log(
        'per probe and day (row data, without indexes): raw rows, raw bytes, hourly rows, hourly bytes',
      );
      const cell = (value: string, width: number) => value.padStart(width);
      for (const row of rows)
        console.log(
          `  ${row.probe.padEnd(24)}${cell(String(Math.round(perDay(Number(row.n)))), 8)}${cell(megabytes(perDay(Number(row.bytes))), 10)}` +
            `${cell(String(Math.round(perDay(Number(row.hn)))), 8)}${cell(megabytes(perDay(Number(row.hbytes))), 10)}`,
        );
    } finally {
      await client.end();
    }
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
