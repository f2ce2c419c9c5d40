/**
 * bench/metrics-rest: how long the monitoring REST routes' reads take over 7 days of collected data,
 * and how much room those days take in the datastore.
 *
 * Fills a datastore in a throwaway embedded PostgreSQL with 7 days of one connection's samples at
 * the probes' default intervals — database_stats (4 databases), table_sizes (200 tables) and
 * statements (the probe's 100) — then times the reads behind GET /api/v1/metrics/{connection}/{probe}
 * (pg-tools `readMetrics`, bucketed, ranked) and /top-queries (`topStatements`), the same code the
 * route handlers call, without HTTP. Prints median / p95 / max per reading and the size per day.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source metrics-rest/run.ts [--rounds 20] [--days 7]
 *
 * Set BENCH_DATABASE_URL to an empty database to use another server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_PROBES, type ProbeDefinition } from '@pgmcp/collector';
import { createDatastore, type Datastore, type Sample } from '@pgmcp/datastore';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import { type MonitoringBackend, readMetrics, topStatements } from '@pgmcp/pg-tools';
import { createPoolManager } from '@pgmcp/pool-manager';
import pg from 'pg';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '20' }, days: { type: 'string', default: '7' } },
});
const ROUNDS = Number(args.rounds);
const DAYS = Number(args.days);
const CONNECTION = 'bench';
/** Objects per probe: databases, tables, statements. */
const OBJECTS: Record<string, number> = { database_stats: 4, table_sizes: 200, statements: 100 };

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}

function probe(name: string): ProbeDefinition {
  return BUILTIN_PROBES.find((p) => p.name === name)!;
}

/** One object's sample: every column, numbers (text for text columns). */
function sampleOf(p: ProbeDefinition, index: number, time: Date): Sample {
  const dims =
    p.name === 'database_stats'
      ? { database_name: `db${index}` }
      : p.name === 'table_sizes'
        ? { database_name: 'db0', schema_name: 'public', table_name: `table_${index}` }
        : { database_name: `db${index % 4}`, object_name: String(1_000_000 + index) };
  const values = Object.fromEntries(
    p.columns.map((c) => [
      c.name,
      c.unit === 'text'
        ? `select * from table_${index} where id = $1`
        : Math.round(Math.random() * 1000 * (index + 1)),
    ]),
  );
  return { connectionId: CONNECTION, probe: p.name, time, dims, values, intervalS: p.intervalS };
}

async function fill(datastore: Datastore, now: Date): Promise<number> {
  const start = now.getTime() - DAYS * 86_400_000;
  let written = 0;
  for (const [name, objects] of Object.entries(OBJECTS)) {
    const p = probe(name);
    let batch: Sample[] = [];
    for (let t = start; t < now.getTime(); t += p.intervalS * 1000) {
      for (let i = 0; i < objects; i++) batch.push(sampleOf(p, i, new Date(t)));
      if (batch.length >= 10_000) {
        written += await datastore.insertSamples(batch);
        batch = [];
      }
    }
    written += await datastore.insertSamples(batch);
    log(`${name}: ${objects} objects every ${p.intervalS} s`);
  }
  return written;
}

async function main(): Promise<void> {
  let url = process.env.BENCH_DATABASE_URL;
  let cleanup = async () => undefined as unknown;
  if (!url) {
    const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-metrics-'));
    const server = await startLocalPostgres({
      dataDir: path.join(root, 'data'),
      binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
      ephemeral: true,
    });
    cleanup = async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    };
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_metrics');
    await admin.end();
    url = server.url('bench_metrics');
    log(`PostgreSQL ${server.version}`);
  }
  const now = new Date();
  const datastore = await createDatastore({ url, now: () => now });
  try {
    const began = performance.now();
    const rows = await fill(datastore, now);
    log(
      `${rows.toLocaleString('en')} samples over ${DAYS} days written in ${Math.round((performance.now() - began) / 1000)} s`,
    );
    const maintenance = await datastore.runMaintenance();
    log(`hourly rollups: ${maintenance.hourlyRowsWritten.toLocaleString('en')} rows`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('ANALYZE');
    const { rows: sizes } = await client.query<{ raw: string; hourly: string }>(
      `select (select coalesce(sum(pg_total_relation_size(inhrelid)), 0) from pg_inherits
                where inhparent = 'metrics_samples'::regclass) as raw,
              (select coalesce(sum(pg_total_relation_size(inhrelid)), 0) from pg_inherits
                where inhparent = 'metrics_hourly'::regclass) as hourly`,
    );
    await client.end();
    const mb = (bytes: string) => Number(bytes) / 1024 / 1024;
    console.log(
      `datastore: raw ${mb(sizes[0]!.raw).toFixed(1)} MB (${(mb(sizes[0]!.raw) / DAYS).toFixed(1)} MB/day), hourly ${mb(sizes[0]!.hourly).toFixed(1)} MB, for these three probes`,
    );

    const backend: MonitoringBackend = {
      datastore,
      probes: BUILTIN_PROBES,
      datastorePools: createPoolManager({ connections: [] }),
      now: () => now,
    };
    // Just inside raw retention: "7 days" reads raw samples, as a 7-day chart does.
    const week = `${DAYS * 24 * 60 - 1}m`;
    const readings: [string, () => Promise<unknown>][] = [
      ['database_stats, 1 h, 150 buckets, every numeric metric', () => metrics('database_stats', '1h')],
      ['database_stats, 24 h, 150 buckets', () => metrics('database_stats', '24h')],
      [`database_stats, ${DAYS} d, 150 buckets`, () => metrics('database_stats', week)],
      [`database_stats, ${DAYS + 1} d (hourly rollups)`, () => metrics('database_stats', `${DAYS + 1}d`)],
      [
        `table_sizes, ${DAYS} d, 10 largest (rank_by)`,
        () =>
          metrics('table_sizes', week, { metrics: ['total_bytes'], rankBy: 'total_bytes', maxSeries: 10 }),
      ],
      [
        'statements, 1 h, calls and time, 20 series',
        () => metrics('statements', '1h', { metrics: ['calls', 'total_exec_time'], maxSeries: 20 }),
      ],
      ['top-queries, 1 h', () => top('1h')],
      ['top-queries, 24 h', () => top('24h')],
      [`top-queries, ${DAYS} d`, () => top(week)],
    ];
    function metrics(
      name: string,
      since: string,
      more: { metrics?: string[]; rankBy?: string; maxSeries?: number } = {},
    ) {
      return readMetrics(backend, {
        probe: name,
        connectionId: CONNECTION,
        timeStart: since,
        buckets: 150,
        maxSeries: more.maxSeries ?? 50,
        numericByDefault: true,
        hideSessionText: false,
        ...(more.metrics ? { metrics: more.metrics } : {}),
        ...(more.rankBy ? { rankBy: more.rankBy } : {}),
      });
    }
    function top(since: string) {
      return topStatements(backend, {
        connectionId: CONNECTION,
        timeStart: since,
        limit: 10,
        hideSessionText: false,
      });
    }
    for (const [name, read] of readings) {
      await read();
      const times: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const at = performance.now();
        await read();
        times.push(performance.now() - at);
      }
      console.log(`${name}: ${summary(times)}`);
    }
  } finally {
    await datastore.close();
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
