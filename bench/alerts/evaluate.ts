/**
 * bench/alerts: what evaluating the default alert rules costs per monitored connection.
 *
 * Starts a throwaway embedded PostgreSQL holding a monitored database and the datastore, collects
 * every probe of the monitored database with the real collector a few times (so the rules read
 * real samples and statuses), then times `alerter.evaluate(connection)` — every default rule, the
 * blackout check and the timeline derivation — and prints median / p95 / max per evaluation and
 * the cost per connection per minute at the default `alerts.evaluation_interval_s` (30 s).
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source alerts/evaluate.ts [--rounds 200] [--connections 10]
 *
 * `--connections N` copies the collected samples to N connection ids (the datastore then holds N
 * connections' data, as on a larger install) and evaluates each. Set BENCH_DATASTORE_URL and
 * BENCH_DATABASE_URL to use existing databases instead of the embedded cluster.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAlerter, DEFAULT_RULES } from '@pgmcp/alerter';
import { createCollector } from '@pgmcp/collector';
import { createDatastore } from '@pgmcp/datastore';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '200' }, connections: { type: 'string', default: '10' } },
});
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const EVALUATIONS_PER_MINUTE = 60 / 30;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function summary(times: number[]): { text: string; median: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    median: at(0.5),
    text: `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`,
  };
}

async function databases(): Promise<{ monitored: string; store: string; cleanup: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL && process.env.BENCH_DATASTORE_URL)
    return {
      monitored: process.env.BENCH_DATABASE_URL,
      store: process.env.BENCH_DATASTORE_URL,
      cleanup: () => Promise.resolve(),
    };
  const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-alerts-'));
  const server = await startLocalPostgres({
    dataDir: path.join(root, 'data'),
    binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
    ephemeral: true,
    settings: { shared_preload_libraries: 'pg_stat_statements' },
  });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE shop');
  await admin.query('CREATE DATABASE metrics');
  await admin.end();
  log(`PostgreSQL ${server.version}`);
  return {
    monitored: server.url('shop'),
    store: server.url('metrics'),
    cleanup: async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const { monitored, store, cleanup } = await databases();
  try {
    const datastore = await createDatastore({ url: store });
    const parsed = new URL(monitored);
    const collector = createCollector({ datastore, schedule: false });
    await collector.setTargets([
      {
        id: 'c0',
        host: parsed.hostname,
        port: Number(parsed.port || 5432),
        database: decodeURIComponent(parsed.pathname.slice(1)),
        user: decodeURIComponent(parsed.username),
        ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      },
    ]);
    for (let i = 0; i < 3; i++) await collector.collectNow('c0');
    await collector.stop();
    const db = new pg.Client({ connectionString: store });
    await db.connect();
    for (let c = 1; c < CONNECTIONS; c++) {
      await db.query(`insert into metrics_samples select 'c${c}', probe, ts, database_name, schema_name, table_name,
        object_name, interval_s, "values" from metrics_samples where connection_id = 'c0'`);
      await db.query(`insert into metrics_status select 'c${c}', probe, status, message, now(), now()
        from metrics_status where connection_id = 'c0' on conflict do nothing`);
    }
    const samples = (await db.query<{ n: string }>('select count(*) as n from metrics_samples')).rows[0]!.n;
    await db.end();
    log(
      `${CONNECTIONS} connection(s), ${samples} samples in the datastore, ${DEFAULT_RULES.length} default rules`,
    );

    const alerter = await createAlerter({ database: datastore.database });
    const ids = Array.from({ length: CONNECTIONS }, (_, c) => `c${c}`);
    for (const id of ids) await alerter.evaluate(id); // warm-up (first timeline watermarks)
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const id = ids[round % ids.length]!;
      const started = performance.now();
      await alerter.evaluate(id);
      times.push(performance.now() - started);
    }
    const { text, median } = summary(times);
    process.stdout.write(
      `evaluate(connection), ${ROUNDS} rounds over ${CONNECTIONS} connection(s): ${text}\n`,
    );
    process.stdout.write(
      `cost per connection per minute at a 30 s interval: ${(median * EVALUATIONS_PER_MINUTE).toFixed(1)} ms (median × ${EVALUATIONS_PER_MINUTE})\n`,
    );
    await datastore.close();
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
