/**
 * bench/collector/overhead: what the collector costs the database it monitors.
 *
 * A pgbench-like workload (TPC-B-like transactions from `--clients` sessions, driven in this
 * process) keeps the demo database busy while the collector runs every built-in probe at its
 * default interval (or compressed by `--scale`: 0.1 collects ten times as often, and the result is
 * scaled back) in a process of its own. The CPU time of each PostgreSQL process is read from
 * /proc/<pid>/stat (utime + stime) every 200 ms and attributed by application_name: the
 * collector's backends (`pgmcp-collector`), the workload's, the datastore's and the rest of the
 * cluster (background processes). Prints CPU seconds per hour of collection at default intervals,
 * the share of the busy database's own load (target ≤ 1 %), and the collector process's own CPU.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source collector/overhead.ts \
 *     [--duration 300] [--clients 4] [--scale 1]
 *
 * The server must run on this host (/proc); the default is a throwaway embedded PostgreSQL 18.
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_PROBES } from '@pgmcp/collector';
import pg from 'pg';
import {
  initPgbenchTables,
  log,
  machineLoad,
  procTimes,
  startBenchCluster,
  startWorkload,
  TICKS_PER_S,
  WORKLOAD_APP,
} from './setup.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    clients: { type: 'string', default: '4' },
    scale: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '5' },
  },
});
const DURATION_S = Number(args.duration);
const CLIENTS = Number(args.clients);
const SCALE = Number(args.scale);
const WARMUP_S = Number(args.warmup);
const here = path.dirname(fileURLToPath(import.meta.url));

type Kind = 'collector' | 'workload' | 'datastore' | 'bench' | 'other';
const KIND_BY_APP: Record<string, Kind> = {
  'pgmcp-collector': 'collector',
  [WORKLOAD_APP]: 'workload',
  'pgmcp-datastore': 'datastore',
  'pgmcp-bench-sampler': 'bench',
};

/** CPU ticks per PostgreSQL process, attributed by application_name, sampled until stopped. */
class ClusterCpu {
  readonly #baseline = new Map<number, number>();
  readonly #latest = new Map<number, number>();
  readonly #kinds = new Map<number, Kind>();
  readonly #sampler: pg.Client;
  readonly #postmaster: number;

  constructor(sampler: pg.Client, postmaster: number) {
    this.#sampler = sampler;
    this.#postmaster = postmaster;
  }

  /** Reads every process of the cluster; the first call sets the baseline. */
  async sample(): Promise<void> {
    const { rows } = await this.#sampler.query<{ pid: number; application_name: string }>(
      'select pid, application_name from pg_stat_activity',
    );
    for (const row of rows) this.#kinds.set(row.pid, KIND_BY_APP[row.application_name] ?? 'other');
    const baseline = this.#baseline.size === 0;
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const times = procTimes(pid);
      if (!times || (pid !== this.#postmaster && times.ppid !== this.#postmaster)) continue;
      if (baseline) this.#baseline.set(pid, times.ticks);
      this.#latest.set(pid, times.ticks);
    }
  }

  /** CPU seconds since the baseline, per kind (a process that exited counts up to its last sample). */
  seconds(): Record<Kind | 'cluster', number> {
    const out = { collector: 0, workload: 0, datastore: 0, bench: 0, other: 0, cluster: 0 };
    for (const [pid, ticks] of this.#latest) {
      const used = (ticks - (this.#baseline.get(pid) ?? 0)) / TICKS_PER_S;
      out[this.#kinds.get(pid) ?? 'other'] += used;
      out.cluster += used;
    }
    return out;
  }
}

interface Stopped {
  type: 'stopped';
  cpuUs: number;
  wallMs: number;
  statuses: { ok: number; skipped: number; error: number };
}

function startCollectorProcess(datastoreUrl: string, monitoredUrl: string) {
  const child = fork(path.join(here, 'collector-process.ts'), [datastoreUrl, monitoredUrl, String(SCALE)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the collector process exited (${code})`)));
    child.on('message', (m: { type?: string }) => m.type === 'started' && resolve());
  });
  return {
    started,
    stop: () =>
      new Promise<Stopped>((resolve) => {
        child.on('message', (m: Stopped) => m.type === 'stopped' && resolve(m));
        child.send({ type: 'stop' });
      }),
  };
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;
const perHour = (seconds: number, windowS: number, scale = 1) => (seconds * scale * 3600) / windowS;

async function main(): Promise<void> {
  const cluster = await startBenchCluster();
  try {
    const demo = cluster.url('demo');
    await initPgbenchTables(demo);
    const sampler = new pg.Client({ connectionString: demo, application_name: 'pgmcp-bench-sampler' });
    await sampler.connect();
    const [own] = (await sampler.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
    const postmaster = procTimes(own!.pid)!.ppid;
    const cpu = new ClusterCpu(sampler, postmaster);

    const workload = await startWorkload(demo, CLIENTS);
    log(`PostgreSQL ${cluster.version}: workload of ${CLIENTS} clients warming up for ${WARMUP_S} s`);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    await cpu.sample();
    const tx0 = workload.transactions();
    const t0 = performance.now();
    const collector = startCollectorProcess(cluster.url('metrics'), demo);
    await collector.started;
    log(`collecting for ${DURATION_S} s at interval scale ${SCALE}`);
    const timer = setInterval(() => void cpu.sample(), 200);
    await new Promise((r) => setTimeout(r, DURATION_S * 1000));
    clearInterval(timer);
    await cpu.sample();
    const windowS = (performance.now() - t0) / 1000;
    const tps = (workload.transactions() - tx0) / windowS;
    const stopped = await collector.stop();
    await workload.stop();
    await sampler.end();

    const used = cpu.seconds();
    const collectorPerHour = perHour(used.collector, windowS, SCALE);
    const workloadPerHour = perHour(used.workload, windowS);
    const loadPerHour = perHour(used.cluster - used.collector - used.bench - used.datastore, windowS);
    const simulatedMin = windowS / SCALE / 60;
    console.log(
      `PostgreSQL ${cluster.version} (${machineLoad()}); ${BUILTIN_PROBES.length} probes at default intervals × ${SCALE} ` +
        `for ${windowS.toFixed(0)} s (= ${simulatedMin.toFixed(0)} min of default-interval collection); ` +
        `probes ok ${stopped.statuses.ok}, skipped ${stopped.statuses.skipped}, error ${stopped.statuses.error}`,
    );
    console.log(
      `workload: ${CLIENTS} clients, ${tps.toFixed(0)} TPC-B-like tx/s; its backends used ${used.workload.toFixed(1)} CPU-s ` +
        `(${(used.workload / windowS).toFixed(2)} cores), the whole cluster ${used.cluster.toFixed(1)} CPU-s`,
    );
    console.log(
      `collector backends: ${collectorPerHour.toFixed(1)} CPU-s per hour of collection ` +
        `(${used.collector.toFixed(2)} CPU-s measured)`,
    );
    console.log(
      `  = ${pct(collectorPerHour, workloadPerHour)} of the workload backends' CPU, ` +
        `${pct(collectorPerHour, loadPerHour)} of the busy cluster's own load (target ≤ 1 %)`,
    );
    const processS = stopped.cpuUs / 1e6;
    console.log(
      `collector process (node): ${perHour(processS, stopped.wallMs / 1000, SCALE).toFixed(1)} CPU-s per hour ` +
        `(${processS.toFixed(2)} CPU-s measured)`,
    );
    console.log(
      `datastore backends (writes, maintenance; not on the monitored database in production): ` +
        `${perHour(used.datastore, windowS, SCALE).toFixed(1)} CPU-s per hour`,
    );
  } finally {
    await cluster.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
