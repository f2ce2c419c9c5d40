/**
 * bench/collector/query-latency: how long query_metrics takes over 7 days of data at 150 buckets.
 *
 * Collects the demo database on a fake clock for `--hours` simulated hours (every probe at its
 * default interval, as in growth.ts), copies those samples forward in time until they fill 7 days,
 * runs the datastore's maintenance (hourly rollups of the 7 days), then times `queryMetrics` over
 * the last 1 h, 24 h and 7 d (raw samples) and 30 d (hourly rollups) for a few probes — what the
 * `query_metrics` tool and the Monitor view ask for. Prints p50/p95 (target ≤ 50 ms).
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source collector/query-latency.ts \
 *     [--hours 2] [--rounds 20]
 */
import { parseArgs } from 'node:util';
import type { Aggregation, Datastore } from '@pgmcp/datastore';
import pg from 'pg';
import { log, machineLoad, megabytes, procTimes, quantile, startBenchCluster, TICKS_PER_S } from './setup.js';
import { type FakeClock, openSimulation, simulateCollection, TARGET_ID } from './simulate.js';

const { values: args } = parseArgs({
  options: { hours: { type: 'string', default: '2' }, rounds: { type: 'string', default: '20' } },
});
const HOURS = Number(args.hours);
const ROUNDS = Number(args.rounds);
const DAY_MS = 86_400_000;
const DAYS = 7;
const DAY0 = Date.UTC(2026, 0, 5);

const QUERIES: { probe: string; metrics: string[]; aggregation: Aggregation }[] = [
  {
    probe: 'database_stats',
    metrics: ['xact_commit', 'xact_rollback', 'blks_hit', 'blks_read'],
    aggregation: 'avg',
  },
  { probe: 'activity_by_state', metrics: ['sessions'], aggregation: 'max' },
  { probe: 'table_stats', metrics: ['seq_scan', 'idx_scan', 'n_tup_upd', 'n_dead_tup'], aggregation: 'avg' },
  { probe: 'statements', metrics: ['query', 'total_exec_time', 'calls'], aggregation: 'sum' },
];
const RANGES: [string, number][] = [
  ['1h', 3_600_000],
  ['24h', DAY_MS],
  ['7d', DAYS * DAY_MS],
  ['30d', 30 * DAY_MS],
];

/** Copies the simulated hours forward until they fill `DAYS` days. */
async function fillDays(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copies = (DAYS * 24) / HOURS - 1;
    const { rowCount } = await client.query(
      `insert into metrics_samples (connection_id, probe, ts, database_name, schema_name, table_name,
         object_name, interval_s, "values")
       select connection_id, probe, ts + make_interval(hours => $1 * k), database_name, schema_name,
         table_name, object_name, interval_s, "values"
       from metrics_samples, generate_series(1, $2) k where connection_id = $3`,
      [HOURS, copies, TARGET_ID],
    );
    await client.query('vacuum analyze metrics_samples');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** CPU seconds used so far by the datastore's backends (the server's side of queryMetrics). */
async function datastoreCpuS(observer: pg.Client): Promise<number> {
  const { rows } = await observer.query<{ pid: number }>(
    "select pid from pg_stat_activity where application_name = 'pgmcp-datastore'",
  );
  return rows.reduce((sum, { pid }) => sum + (procTimes(pid)?.ticks ?? 0), 0) / TICKS_PER_S;
}

async function time(store: Datastore, query: (typeof QUERIES)[number], rangeMs: number, now: number) {
  const times: number[] = [];
  let last: Awaited<ReturnType<Datastore['queryMetrics']>> | undefined;
  for (let i = 0; i <= ROUNDS; i++) {
    const started = performance.now();
    last = await store.queryMetrics({
      connectionId: TARGET_ID,
      probe: query.probe,
      metrics: query.metrics,
      aggregation: query.aggregation,
      timeStart: new Date(now - rangeMs),
      timeEnd: new Date(now),
      buckets: 150,
    });
    // The first call warms the caches and the plan; it is not counted.
    if (i > 0) times.push(performance.now() - started);
  }
  return { times, result: last! };
}

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const clock: FakeClock = { ms: DAY0 };
    const sim = await openSimulation(cluster.url('metrics'), cluster.url('demo'), clock, DAYS + 1);
    await simulateCollection(sim.collector, cluster.url('demo'), clock, HOURS);
    const copied = await fillDays(cluster.url('metrics'));
    log(`${HOURS} h collected and copied forward into ${DAYS} days (${copied} rows copied)`);
    clock.ms = DAY0 + DAYS * DAY_MS;
    const maintenanceStarted = performance.now();
    const maintenance = await sim.store.runMaintenance();
    const maintenanceMs = performance.now() - maintenanceStarted;
    const metrics = new pg.Client({ connectionString: cluster.url('metrics') });
    await metrics.connect();
    await metrics.query('vacuum analyze metrics_samples, metrics_hourly');
    const { rows } = await metrics.query<{ n: string }>('select count(*) as n from metrics_samples');
    const [sizes] = (
      await metrics.query<{ bytes: string }>(
        `select sum(pg_total_relation_size(inhrelid)) as bytes from pg_inherits where inhparent = 'metrics_samples'::regclass`,
      )
    ).rows;
    await metrics.end();
    console.log(
      `PostgreSQL ${cluster.version} (${machineLoad()}); ${DAYS} days of raw samples: ${Number(rows[0]?.n).toLocaleString('en')} rows, ` +
        `${megabytes(Number(sizes?.bytes))}; first maintenance (${maintenance.hourlyRowsWritten} hourly rows) ` +
        `took ${(maintenanceMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `queryMetrics, 150 buckets, ${ROUNDS} rounds each (target p95 ≤ 50 ms); CPU per call on the ` +
        `server (datastore backends, /proc) and in this process, which a busy machine does not inflate:`,
    );
    const now = clock.ms;
    const observer = new pg.Client({ connectionString: cluster.url('metrics') });
    await observer.connect();
    for (const query of QUERIES) {
      for (const [label, rangeMs] of RANGES) {
        const serverBefore = await datastoreCpuS(observer);
        const clientBefore = process.cpuUsage();
        const { times, result } = await time(sim.store, query, rangeMs, now);
        const client = process.cpuUsage(clientBefore);
        const serverMs = ((await datastoreCpuS(observer)) - serverBefore) * 1000;
        const points = result.series.reduce((n, s) => n + s.points.length, 0);
        const perCall = (ms: number) => (ms / (ROUNDS + 1)).toFixed(0);
        console.log(
          `  ${query.probe.padEnd(18)} ${label.padStart(3)} (${result.source.padEnd(6)} ${String(result.series.length).padStart(3)} series, ` +
            `${String(points).padStart(5)} points): p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms; ` +
            `CPU ${perCall(serverMs)} ms server + ${perCall((client.user + client.system) / 1000)} ms client`,
        );
      }
    }
    await observer.end();
    await sim.close();
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
