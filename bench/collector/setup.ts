/**
 * What the collector benchmarks share: a throwaway PostgreSQL with the demo database seeded and an
 * empty datastore database beside it, a pgbench-like workload, and small printing helpers.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { targetFromUrl } from '@pgmcp/collector';
import { isDemoSeeded, seedDemoDatabase } from '@pgmcp/demo-data';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The benchmark's server: `url(database)` for the demo (`demo`) and the datastore (`metrics`). */
export interface BenchCluster {
  readonly version: string;
  url(database: string): string;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A throwaway embedded PostgreSQL 18 with pg_stat_statements preloaded (`PGMCP_TEST_PG_BIN` names
 * another bin directory), or the server of `BENCH_DATABASE_URL` (a superuser URL; the databases
 * `demo` and `metrics` are created there when missing). The demo is seeded, pg_stat_statements
 * created in it, and `metrics` emptied.
 */
export async function startBenchCluster(): Promise<BenchCluster> {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let version = '';
  let stop = async (): Promise<void> => undefined;
  if (!adminUrl) {
    const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-collector-'));
    const server = await startLocalPostgres({
      dataDir: path.join(root, 'data'),
      binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
      ephemeral: true,
      settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: '200' },
    });
    adminUrl = server.url('postgres');
    version = server.version;
    stop = async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    };
  }
  const admin = adminUrl;
  version ||= String((await query(admin, 'show server_version')).rows[0]?.server_version);
  for (const name of ['demo', 'metrics']) {
    const { rowCount } = await query(admin, `select 1 from pg_database where datname = '${name}'`);
    if (!rowCount) await query(admin, `create database ${name}`);
  }
  await query(withDatabase(admin, 'metrics'), 'drop schema public cascade; create schema public');
  const demo = withDatabase(admin, 'demo');
  if (!(await isDemoSeeded(demo))) {
    const { durationMs } = await seedDemoDatabase(demo);
    log(`demo seeded in ${Math.round(durationMs)} ms`);
  }
  await query(demo, 'create extension if not exists pg_stat_statements');
  return { version, url: (database) => withDatabase(admin, database), close: stop };
}

/** The collector's target for a postgres:// URL. */
export const targetOf = targetFromUrl;

/** The application_name of the workload's sessions. */
export const WORKLOAD_APP = 'pgmcp-bench-workload';

/** Creates pgbench's four tables (scale 1: 100,000 accounts) in the database of `url`, unless there. */
export async function initPgbenchTables(url: string, scale = 1): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_class where relname = 'pgbench_accounts'");
    if (rowCount) return;
    await client.query(`
      create table pgbench_branches (bid int primary key, bbalance int, filler char(88));
      create table pgbench_tellers (tid int primary key, bid int, tbalance int, filler char(84));
      create table pgbench_accounts (aid int primary key, bid int, abalance int, filler char(84));
      create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
      insert into pgbench_branches select b, 0, '' from generate_series(1, ${scale}) b;
      insert into pgbench_tellers select t, (t - 1) / 10 + 1, 0, '' from generate_series(1, ${10 * scale}) t;
      insert into pgbench_accounts select a, (a - 1) / 100000 + 1, 0, '' from generate_series(1, ${100_000 * scale}) a;`);
    await client.query('vacuum analyze pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history');
  } finally {
    await client.end();
  }
}

/** pgbench's TPC-B-like transaction, in one round trip (the numbers are random integers). */
function tpcbTransaction(scale: number): string {
  const aid = 1 + Math.floor(Math.random() * 100_000 * scale);
  const tid = 1 + Math.floor(Math.random() * 10 * scale);
  const bid = 1 + Math.floor(Math.random() * scale);
  const delta = Math.floor(Math.random() * 10_001) - 5000;
  return `begin;
    update pgbench_accounts set abalance = abalance + ${delta} where aid = ${aid};
    select abalance from pgbench_accounts where aid = ${aid};
    update pgbench_tellers set tbalance = tbalance + ${delta} where tid = ${tid};
    update pgbench_branches set bbalance = bbalance + ${delta} where bid = ${bid};
    insert into pgbench_history (tid, bid, aid, delta, mtime) values (${tid}, ${bid}, ${aid}, ${delta}, current_timestamp);
    end;`;
}

/** A running workload: `clients` sessions doing TPC-B-like transactions back to back. */
export interface Workload {
  /** Backend process ids of the workload's sessions. */
  readonly pids: readonly number[];
  /** Transactions committed so far. */
  transactions(): number;
  /** Stops after the transactions in flight and closes the sessions. */
  stop(): Promise<void>;
}

export async function startWorkload(url: string, clients: number, scale = 1): Promise<Workload> {
  const sessions = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: url, application_name: WORKLOAD_APP });
      await client.connect();
      const pid = Number((await client.query('select pg_backend_pid() as pid')).rows[0]?.pid);
      return { client, pid };
    }),
  );
  let running = true;
  let done = 0;
  const loops = sessions.map(async ({ client }) => {
    while (running) {
      await client.query(tpcbTransaction(scale));
      done++;
    }
  });
  return {
    pids: sessions.map((s) => s.pid),
    transactions: () => done,
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(sessions.map((s) => s.client.end()));
    },
  };
}

/** p-quantile of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The machine's load when a figure was taken: figures from a busy machine are not comparable. */
export function machineLoad(): string {
  return `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
}

/** USER_HZ: utime and stime in /proc/<pid>/stat are in 1/100 s on Linux. */
export const TICKS_PER_S = 100;

/** ppid and utime+stime (ticks) of a process, or undefined when it is gone. */
export function procTimes(pid: number): { ppid: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state ppid … utime (14th overall) stime (15th).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return undefined;
  }
}
