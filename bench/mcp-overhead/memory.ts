/**
 * bench/mcp-overhead/memory: the server's resident memory at idle, under 200 concurrent callers,
 * and over a soak (does it grow?).
 *
 * One pgmcp server (auth on, an API token) is measured idle, then under `--callers` wire callers
 * (half 2025-11-25, half 2026-07-28) for `--seconds`, then under 32 callers for `--soak-minutes`,
 * sampling RSS every `--sample-s` seconds. The soak prints the RSS slope (least squares, MiB per
 * minute) over its samples after the first fifth (warm-up: JIT, pools, caches filling).
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source mcp-overhead/memory.ts \
 *     [--callers 200] [--seconds 20] [--soak-minutes 2] [--sample-s 5]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import {
  bench,
  drive,
  ERAS,
  log,
  login,
  percentile,
  type Result,
  rssMiB,
  seed,
  startPgmcp,
  stopProcess,
  tokenHeaders,
  wireCallers,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    callers: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'soak-minutes': { type: 'string', default: '2' },
    'soak-callers': { type: 'string', default: '32' },
    'sample-s': { type: 'string', default: '5' },
  },
});
const CALLERS = Number(args.callers);
bench.seconds = Number(args.seconds);
const SOAK_MINUTES = Number(args['soak-minutes']);
const SOAK_CALLERS = Number(args['soak-callers']);
const SAMPLE_MS = Number(args['sample-s']) * 1000;

/** Least-squares slope of `samples` (minutes, MiB) in MiB per minute. */
function slope(samples: { minute: number; mib: number }[]): number {
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.minute, 0) / n;
  const my = samples.reduce((s, p) => s + p.mib, 0) / n;
  const sxy = samples.reduce((s, p) => s + (p.minute - mx) * (p.mib - my), 0);
  const sxx = samples.reduce((s, p) => s + (p.minute - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

/** Drives `callers` wire callers (the eras alternating) for bench.seconds, sampling the server's RSS. */
async function underLoad(
  name: string,
  mcpUrl: string,
  headers: Record<string, string>,
  pid: number,
  callers: number,
): Promise<{ result: Result; samples: { minute: number; mib: number }[] }> {
  bench.clients = Math.ceil(callers / ERAS.length);
  const sets = await Promise.all(
    ERAS.map((era) => wireCallers(mcpUrl, headers, 'query_database', 'query', era)),
  );
  const samples: { minute: number; mib: number }[] = [];
  const started = performance.now();
  const sampler = setInterval(() => {
    const mib = rssMiB(pid);
    if (mib !== undefined) samples.push({ minute: (performance.now() - started) / 60_000, mib });
  }, SAMPLE_MS);
  try {
    const result = await drive(name, sets.flatMap((set) => set.callers).slice(0, callers), pid);
    return { result, samples };
  } finally {
    clearInterval(sampler);
    for (const set of sets) set.close();
  }
}

function describe(result: Result, samples: { mib: number }[]) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const rss = samples.map((s) => s.mib);
  return {
    phase: result.name,
    'calls/s': (result.calls / result.seconds).toFixed(0),
    'p50 ms': percentile(sorted, 50).toFixed(1),
    'p99 ms': percentile(sorted, 99).toFixed(1),
    errors: result.errors,
    'RSS mean MiB': rss.length ? (rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(1) : '',
    'RSS max MiB': rss.length ? Math.max(...rss).toFixed(1) : '',
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'pgmcp-memory-'));
  const local = await startLocalPostgres({
    dataDir: path.join(work, 'pg'),
    ephemeral: true,
    settings: { max_connections: '300' },
  });
  const url = local.url('postgres');
  let server;
  try {
    await seed(url);
    server = await startPgmcp({
      work,
      name: 'pgmcp',
      databaseUrl: url,
      configYaml:
        'limits:\n  mcp_calls_per_minute: 0\n  rest_requests_per_minute: 0\n  concurrent_statements_per_token: 1000\n',
    });
    const pid = server.child.pid!;
    const headers = await tokenHeaders(server.base, (await login(server.base)).token);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle = rssMiB(pid);
    log(`idle RSS ${idle?.toFixed(1)} MiB; ${CALLERS} callers for ${bench.seconds} s`);
    const busy = await underLoad(`${CALLERS} callers`, server.mcpUrl, headers, pid, CALLERS);
    bench.seconds = SOAK_MINUTES * 60;
    log(`soak: ${SOAK_CALLERS} callers for ${SOAK_MINUTES} min`);
    const soak = await underLoad(`soak, ${SOAK_CALLERS} callers`, server.mcpUrl, headers, pid, SOAK_CALLERS);
    const steady = soak.samples.slice(Math.floor(soak.samples.length / 5));

    console.log(
      `\nbench/mcp-overhead/memory: pgmcp (auth on, one API token), point lookups, both protocol eras, node ${process.version}`,
    );
    console.log(`idle RSS: ${idle?.toFixed(1)} MiB`);
    console.table([describe(busy.result, busy.samples), describe(soak.result, soak.samples)]);
    console.log(
      `soak RSS slope: ${slope(steady).toFixed(2)} MiB/min over ${steady.length} samples (${steady[0]?.mib.toFixed(1)} -> ${steady.at(-1)?.mib.toFixed(1)} MiB); target: no growth`,
    );
  } finally {
    if (server) await stopProcess(server.child);
    await local.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
