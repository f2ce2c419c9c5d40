/**
 * bench/mcp-overhead: what pgmcp costs over a direct PostgreSQL query.
 *
 * 32 concurrent callers run an indexed single-row lookup for a fixed time against
 *   1. a plain pg.Pool (the floor),
 *   2. pgmcp over HTTP (query_database through the official MCP client), auth off,
 *   3. pgmcp with authentication on (an API token per client),
 *   4. DBHub (@bytebase/dbhub, HTTP mode, execute_sql read-only) on the same database,
 * and prints throughput, latency percentiles and the ratios. Each MCP server is driven twice: by
 * official SDK clients (what an assistant sees, but the client library's CPU cost shares the
 * machine) and by wire callers that post the same JSON-RPC over keep-alive HTTP (what the server
 * can serve). Also reports pgmcp's login latency (bcrypt cost 12). Servers run in their own
 * processes; the callers share this one.
 *
 *   pnpm exec turbo run build --filter=@pgmcp/cli...   # pgmcp runs from its build
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source mcp-overhead/run.ts [--seconds 10] [--clients 32]
 *
 * Set BENCH_DATABASE_URL to use an existing database instead of a throwaway embedded one.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';
import {
  bench,
  callTool,
  drive,
  type Era,
  ERAS,
  freePort,
  log,
  login,
  mcpClients,
  percentile,
  repo,
  type Result,
  seed,
  startPgmcp,
  startProcess,
  stopProcess,
  tokenHeaders,
  wireCallers,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    clients: { type: 'string', default: '32' },
    pool: { type: 'string', default: '10' },
    rows: { type: 'string', default: '100000' },
    'skip-dbhub': { type: 'boolean', default: false },
    // Only the wire callers of both eras (no SDK clients): the quick way to compare changes.
    'wire-only': { type: 'boolean', default: false },
    // Which pgmcp variants to run (comma-separated names below); default all.
    variants: { type: 'string', default: 'pgmcp,auth,no-audit,limits' },
    // Seconds each pgmcp server is driven (both eras, not measured) before its first phase:
    // without it the first phase pays for the JIT and comes out slower whichever era it is.
    'server-warmup': { type: 'string', default: '6' },
    // The wire callers' protocol eras, in the order they run (comma-separated).
    eras: { type: 'string', default: ERAS.join(',') },
    // Writes a CPU profile of every pgmcp server process into this directory (node --cpu-prof).
    'cpu-prof': { type: 'string' },
  },
});
Object.assign(bench, {
  seconds: Number(args.seconds),
  warmup: Number(args.warmup),
  clients: Number(args.clients),
  rows: Number(args.rows),
});
const { seconds: SECONDS, warmup: WARMUP, clients: CLIENTS, rows: ROWS } = bench;
const POOL = Number(args.pool);
const DBHUB_VERSION = '1.4.0';
const VARIANTS = new Set(args.variants.split(','));
const RUN_ERAS = args.eras.split(',').filter((era): era is Era => (ERAS as readonly string[]).includes(era));

/** DBHub declares Node >= 22.5, so it is installed on demand outside the workspace (it runs on 20 for PostgreSQL). */
function ensureDbhub(): string {
  const prefix = path.join(repo, 'bench', '.cache', 'dbhub');
  const entry = path.join(prefix, 'node_modules', '@bytebase', 'dbhub', 'dist', 'index.js');
  if (!existsSync(entry)) {
    log(`installing @bytebase/dbhub@${DBHUB_VERSION} into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--engine-strict=false',
        '--no-audit',
        '--no-fund',
        `@bytebase/dbhub@${DBHUB_VERSION}`,
      ],
      {
        stdio: 'inherit',
      },
    );
  }
  return entry;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'pgmcp-bench-'));
  const local = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startLocalPostgres({
        dataDir: path.join(work, 'pg'),
        ephemeral: true,
        settings: { max_connections: '300' },
      });
  const url = process.env.BENCH_DATABASE_URL ?? local!.url('postgres');
  const children: ChildProcess[] = [];
  const results: Result[] = [];
  let loginMs: number[] = [];
  /** One MCP server, driven first by official SDK clients, then by wire callers. */
  const measureMcp = async (
    name: string,
    url: string,
    headers: Record<string, string>,
    tool: string,
    argument: string,
    serverPid: number | undefined,
    eras: readonly Era[] = RUN_ERAS,
  ) => {
    if (serverPid !== undefined && Number(args['server-warmup']) > 0) {
      const warm = await Promise.all(eras.map((era) => wireCallers(url, headers, tool, argument, era)));
      log(`${name}: warming up for ${args['server-warmup']} s`);
      const measured = { seconds: bench.seconds, warmup: bench.warmup };
      Object.assign(bench, { seconds: 0, warmup: Number(args['server-warmup']) });
      await drive('warm-up', warm.flatMap((w) => w.callers).slice(0, CLIENTS));
      Object.assign(bench, measured);
      for (const w of warm) w.close();
    }
    if (!args['wire-only']) {
      const clients = await mcpClients(url, headers);
      log(`${name}: ${CLIENTS} SDK clients, ${SECONDS} s`);
      results.push(
        await drive(
          `${name} (SDK client)`,
          clients.map((c) => callTool(c, tool, argument)),
          serverPid,
        ),
      );
      // Closing sessions is not what is measured; do not let a slow close hold the run.
      await Promise.race([
        Promise.all(clients.map((c) => c.close())),
        new Promise((r) => setTimeout(r, 5_000)),
      ]);
    }
    for (const era of eras) {
      const wire = await wireCallers(url, headers, tool, argument, era);
      log(`${name}: ${CLIENTS} wire callers (${era}), ${SECONDS} s`);
      results.push(await drive(`${name} (wire ${era})`, wire.callers, serverPid));
      wire.close();
    }
  };
  try {
    log(`seeding bench_items (${ROWS.toLocaleString('en-US')} rows)`);
    await seed(url);

    const direct = new pg.Pool({ connectionString: url, max: POOL });
    log(`direct pg.Pool (max ${POOL}), ${CLIENTS} callers, ${SECONDS} s`);
    results.push(
      await drive(
        'direct pg.Pool',
        Array.from({ length: CLIENTS }, () => (sql: string) => direct.query(sql)),
      ),
    );
    await direct.end();

    // The authenticated server with the activity log (the default) and without, for its cost; and
    // with the per-token limits counting (a rate no caller reaches) against none, for theirs.
    const variants = [
      { key: 'pgmcp', auth: 'off', audit: 'on', limits: 'off', name: 'pgmcp' },
      { key: 'auth', auth: 'on', audit: 'on', limits: 'off', name: 'pgmcp auth' },
      { key: 'no-audit', auth: 'on', audit: 'off', limits: 'off', name: 'pgmcp auth, no audit' },
      { key: 'limits', auth: 'on', audit: 'on', limits: 'on', name: 'pgmcp auth, limits' },
    ] as const;
    for (const { key, auth, audit, limits, name } of variants) {
      if (!VARIANTS.has(key)) continue;
      const server = await startPgmcp({
        work,
        name: `pgmcp-${auth}-${audit}-${limits}`,
        databaseUrl: url,
        configYaml:
          limits === 'on'
            ? `limits:\n  mcp_calls_per_minute: 1000000\n  rest_requests_per_minute: 1000000\n  concurrent_statements_per_token: ${CLIENTS}\n`
            : 'limits:\n  mcp_calls_per_minute: 0\n  rest_requests_per_minute: 0\n  concurrent_statements_per_token: 1000\n',
        env: { PGMCP_AUTH: auth, PGMCP_AUDIT: audit },
        ...(args['cpu-prof']
          ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] }
          : {}),
      });
      children.push(server.child);
      let headers: Record<string, string> = {};
      if (auth === 'on') {
        const logins = [];
        for (let i = 0; i < 5; i++) logins.push(await login(server.base));
        loginMs = logins.map((l) => l.ms);
        headers = await tokenHeaders(server.base, logins[0]!.token);
      }
      await measureMcp(name, server.mcpUrl, headers, 'query_database', 'query', server.child.pid);
      await stopProcess(server.child);
    }

    if (!args['skip-dbhub']) {
      const entry = ensureDbhub();
      const port = await freePort();
      const toml = path.join(work, 'dbhub.toml');
      writeFileSync(
        toml,
        `[[sources]]\nid = "bench"\ndsn = "${url.includes('?') ? url : `${url}?sslmode=disable`}"\n\n[[tools]]\nname = "execute_sql"\nsource = "bench"\nreadonly = true\nmax_rows = 100\n`,
      );
      const dbhub = await startProcess(
        process.execPath,
        [entry, '--transport', 'http', '--port', String(port), '--config', toml],
        {},
        /listening|running|http:\/\//i,
      );
      children.push(dbhub);
      await new Promise((r) => setTimeout(r, 500));
      await measureMcp('DBHub', `http://127.0.0.1:${port}/mcp`, {}, 'execute_sql', 'sql', dbhub.pid, [
        '2025-11-25',
      ]);
      await stopProcess(dbhub);
    }
  } finally {
    for (const child of children) await stopProcess(child).catch(() => undefined);
    await local?.stop();
  }

  const throughput = (r: Result) => r.calls / r.seconds;
  const rows = results.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return {
      target: r.name,
      'calls/s': throughput(r).toFixed(0),
      'p50 ms': percentile(sorted, 50).toFixed(2),
      'p95 ms': percentile(sorted, 95).toFixed(2),
      'p99 ms': percentile(sorted, 99).toFixed(2),
      'PG CPU ms/call':
        r.postgresCpu !== undefined && r.calls > 0 ? ((1000 * r.postgresCpu) / r.calls).toFixed(3) : '',
      'server CPU ms/call':
        r.serverCpu !== undefined && r.calls > 0 ? ((1000 * r.serverCpu) / r.calls).toFixed(3) : '',
      // Share of the measured time the server was ready to run but waited for a core.
      'server queued %': r.serverQueued !== undefined ? ((100 * r.serverQueued) / r.seconds).toFixed(0) : '',
      errors: r.errors,
    };
  });
  console.log(
    `\nbench/mcp-overhead: ${CLIENTS} concurrent callers, indexed single-row lookup on ${ROWS.toLocaleString('en-US')} rows, ${SECONDS} s each (after ${WARMUP} s warm-up), pool ${POOL}, node ${process.version}`,
  );
  console.table(rows);
  const find = (name: string) => results.find((r) => r.name === name);
  const ratio = (a?: Result, b?: Result) => (a && b ? (throughput(a) / throughput(b)).toFixed(2) : ' n/a');
  const directR = find('direct pg.Pool');
  const drivers = ['SDK client', ...ERAS.map((era) => `wire ${era}`)];
  console.log(`ratios (throughput)          ${drivers.map((d) => d.padStart(16)).join(' ')}   target`);
  for (const [label, a, b, target] of [
    ['pgmcp auth / direct pg', 'pgmcp auth', undefined, '>= 0.50'],
    ['pgmcp / direct pg', 'pgmcp', undefined, '>= 0.25'],
    ['pgmcp / DBHub', 'pgmcp', 'DBHub', '>= 2'],
    ['pgmcp auth / pgmcp', 'pgmcp auth', 'pgmcp', '>= 0.90'],
    ['audit on / audit off', 'pgmcp auth', 'pgmcp auth, no audit', '>= 0.95'],
    ['limits on / limits off', 'pgmcp auth, limits', 'pgmcp auth', '>= 0.95'],
  ] as const) {
    const of = (driver: string) => ratio(find(`${a} (${driver})`), b ? find(`${b} (${driver})`) : directR);
    console.log(`  ${label.padEnd(26)} ${drivers.map((d) => of(d).padStart(16)).join(' ')}   ${target}`);
  }
  if (loginMs.length > 0) {
    const sorted = [...loginMs].sort((a, b) => a - b);
    console.log(
      `login (bcrypt cost 12): median ${percentile(sorted, 50).toFixed(0)} ms over ${sorted.length} logins`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
