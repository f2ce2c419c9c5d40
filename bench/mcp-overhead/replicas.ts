/**
 * bench/mcp-overhead/replicas: does a second replica on its own core add throughput?
 *
 * Replicas share one PostgreSQL account store (`PGMCP_STORE_URL`), so one API token works on all of
 * them. First one replica pinned to core 0 (`taskset -c 0`) serves `--clients` wire callers (half
 * 2025-11-25, half 2026-07-28); then two replicas pinned to cores 0 and 1 serve the same callers,
 * half each. Prints both throughputs and their ratio (issue target: >= 1.7x). PostgreSQL and the
 * callers are not pinned: on a machine with two cores they compete with the replicas, so the ratio
 * shows what the machine allows, not what separate hosts would.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source mcp-overhead/replicas.ts \
 *     [--seconds 10] [--clients 32]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';
import {
  bench,
  drive,
  ERAS,
  log,
  login,
  percentile,
  type Pgmcp,
  type Result,
  seed,
  startPgmcp,
  stopProcess,
  tokenHeaders,
  wireCallers,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    clients: { type: 'string', default: '32' },
  },
});
const CLIENTS = Number(args.clients);
Object.assign(bench, { seconds: Number(args.seconds), warmup: Number(args.warmup) });
const LIMITS =
  'limits:\n  mcp_calls_per_minute: 0\n  rest_requests_per_minute: 0\n  concurrent_statements_per_token: 1000\n';

/** Wire callers spread over `replicas` (and over both eras), all with one token. */
async function callersOf(replicas: Pgmcp[], headers: Record<string, string>) {
  const perSet = Math.ceil(CLIENTS / (replicas.length * ERAS.length));
  bench.clients = perSet;
  const sets: Awaited<ReturnType<typeof wireCallers>>[] = [];
  for (const replica of replicas) {
    for (const era of ERAS) {
      sets.push(await wireCallers(replica.mcpUrl, headers, 'query_database', 'query', era));
    }
  }
  return {
    callers: sets.flatMap((set) => set.callers).slice(0, CLIENTS),
    close: () => sets.forEach((set) => set.close()),
  };
}

/** Server CPU of every replica in the window, summed, over the calls. */
async function measure(name: string, replicas: Pgmcp[], headers: Record<string, string>): Promise<Result> {
  const { callers, close } = await callersOf(replicas, headers);
  try {
    // drive() counts one process's CPU; the replicas' throughput is what this bench compares.
    return await drive(name, callers, replicas[0]!.child.pid);
  } finally {
    close();
  }
}

async function main(): Promise<void> {
  execFileSync('taskset', ['--version']);
  const work = mkdtempSync(path.join(tmpdir(), 'pgmcp-replicas-'));
  const local = await startLocalPostgres({
    dataDir: path.join(work, 'pg'),
    ephemeral: true,
    settings: { max_connections: '300' },
  });
  const url = local.url('postgres');
  const running: Pgmcp[] = [];
  try {
    await seed(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE DATABASE pgmcp_store');
    await admin.end();
    const storeUrl = local.url('pgmcp_store');
    const replica = async (core: number) => {
      const started = await startPgmcp({
        work,
        name: `replica-${core}`,
        databaseUrl: url,
        configYaml: LIMITS,
        env: { PGMCP_STORE_URL: storeUrl, PGMCP_COLLECTOR: 'off' },
        prefix: ['taskset', '-c', String(core)],
      });
      running.push(started);
      return started;
    };

    const first = await replica(0);
    const headers = await tokenHeaders(first.base, (await login(first.base)).token);
    log(`one replica on core 0, ${CLIENTS} callers, ${bench.seconds} s`);
    const one = await measure('one replica (core 0)', [first], headers);
    const second = await replica(1);
    log(`two replicas on cores 0 and 1, ${CLIENTS} callers, ${bench.seconds} s`);
    const two = await measure('two replicas (cores 0, 1)', [first, second], headers);

    const rows = [one, two].map((r) => {
      const sorted = [...r.latencies].sort((a, b) => a - b);
      return {
        setup: r.name,
        'calls/s': (r.calls / r.seconds).toFixed(0),
        'p50 ms': percentile(sorted, 50).toFixed(2),
        'p99 ms': percentile(sorted, 99).toFixed(2),
        errors: r.errors,
      };
    });
    console.log(
      `\nbench/mcp-overhead/replicas: ${CLIENTS} wire callers (both eras), one PostgreSQL store, ${availableParallelism()} cores (PostgreSQL and the callers unpinned), ${bench.seconds} s each, node ${process.version}`,
    );
    console.table(rows);
    console.log(
      `two replicas / one: ${(two.calls / one.calls).toFixed(2)}x (target >= 1.7x with a core each)`,
    );
  } finally {
    for (const server of running) await stopProcess(server.child);
    await local.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
