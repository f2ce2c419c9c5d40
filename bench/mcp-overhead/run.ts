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
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
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
    // Writes a CPU profile of every pgmcp server process into this directory (node --cpu-prof).
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const CLIENTS = Number(args.clients);
const POOL = Number(args.pool);
const ROWS = Number(args.rows);
const DBHUB_VERSION = '1.4.0';
const VARIANTS = new Set(args.variants.split(','));
/** The protocol eras the wire callers speak: 2025-11-25 (initialize first) and stateless 2026-07-28. */
const ERAS = ['2025-11-25', '2026-07-28'] as const;
type Era = (typeof ERAS)[number];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const lookup = () =>
  `SELECT id, name, price FROM bench_items WHERE id = ${1 + Math.floor(Math.random() * ROWS)}`;

interface Result {
  name: string;
  calls: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds (user + system) the server process spent in the measured window, when known. */
  serverCpu?: number;
  /** CPU seconds all of PostgreSQL's processes spent in the measured window, when known. */
  postgresCpu?: number;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere.
 * CPU per call hardly moves with the machine's load, unlike throughput, so it compares changes
 * made on a busy machine.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the command name (which may hold spaces) start at state; utime, stime are 14, 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** The postmaster's pid (the parent of a backend), to count PostgreSQL's CPU; Linux only. */
let postmasterPid: number | undefined;

function parentPid(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}

/** CPU seconds of the postmaster and every process it started (backends, workers) so far. */
function postgresCpuSeconds(): number | undefined {
  if (postmasterPid === undefined) return undefined;
  let total = cpuSeconds(postmasterPid) ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parentPid(Number(entry)) === postmasterPid) total += cpuSeconds(Number(entry)) ?? 0;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

/** Runs `workers` loops of `call` for WARMUP + SECONDS; only calls that start after the warm-up count. */
async function drive(
  name: string,
  workers: ((sql: string) => Promise<unknown>)[],
  serverPid?: number,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  let cpuFrom: number | undefined;
  let pgCpuFrom: number | undefined;
  const cpuTimer = setTimeout(() => {
    cpuFrom = cpuSeconds(serverPid);
    pgCpuFrom = postgresCpuSeconds();
  }, WARMUP * 1000);
  await Promise.all(
    workers.map(async (call) => {
      while (performance.now() < end) {
        const began = performance.now();
        try {
          await call(lookup());
          if (began >= measureFrom) latencies.push(performance.now() - began);
        } catch {
          if (began >= measureFrom) errors++;
        }
      }
    }),
  );
  clearTimeout(cpuTimer);
  const cpuTo = cpuSeconds(serverPid);
  const pgCpuTo = postgresCpuSeconds();
  return {
    name,
    calls: latencies.length,
    errors,
    seconds: SECONDS,
    latencies,
    ...(cpuFrom !== undefined && cpuTo !== undefined ? { serverCpu: cpuTo - cpuFrom } : {}),
    ...(pgCpuFrom !== undefined && pgCpuTo !== undefined ? { postgresCpu: pgCpuTo - pgCpuFrom } : {}),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** An official SDK client of `era` (2026-07-28 is pinned; 2025-11-25 is what the SDK negotiates without). */
async function sdkClient(
  url: string,
  headers: Record<string, string>,
  era: Era,
  name: string,
  fetch?: typeof globalThis.fetch,
): Promise<Client> {
  const client = new Client(
    { name, version: '1' },
    era === '2026-07-28' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers },
      ...(fetch ? { fetch } : {}),
    }),
  );
  return client;
}

async function mcpClients(url: string, headers: Record<string, string>): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(await sdkClient(url, headers, '2025-11-25', `bench-${i}`));
  return clients;
}

/**
 * The exact tools/call request (headers and body) an official client of `era` sends, recorded
 * once, so wire callers can replay it with other SQL: the 2026-07-28 envelope in `_meta`, the
 * protocol-version and method headers, whatever the SDK puts there.
 */
async function recordToolCall(
  url: string,
  headers: Record<string, string>,
  era: Era,
  tool: string,
  argument: string,
): Promise<{ headers: Record<string, string>; body: Record<string, unknown> }> {
  let recorded: { headers: Record<string, string>; body: Record<string, unknown> } | undefined;
  const recording: typeof globalThis.fetch = async (input, init) => {
    if (typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as Record<string, unknown>;
      if (body.method === 'tools/call') {
        recorded = { headers: Object.fromEntries(new Headers(init.headers).entries()), body };
      }
    }
    return fetch(input, init);
  };
  const client = await sdkClient(url, headers, era, `bench-wire-${era}`, recording);
  await client.callTool({ name: tool, arguments: { [argument]: lookup() } });
  await client.close();
  if (!recorded) throw new Error(`the ${era} client sent no tools/call`);
  return recorded;
}

function callTool(client: Client, tool: string, argument: string) {
  return async (sql: string) => {
    const result = await client.callTool({ name: tool, arguments: { [argument]: sql } }, { timeout: 10_000 });
    if (result.isError) throw new Error(JSON.stringify(result.content));
  };
}

/**
 * Callers that speak MCP's HTTP wire format directly (keep-alive, one connection each, pre-built
 * bodies): what the server can serve when the client library's own CPU cost is taken out. A
 * 2025-11-25 caller does the initialize handshake first, like a real client, and keeps the session
 * id and protocol version the server gave it; a 2026-07-28 caller is stateless and replays the
 * request an official client sends (envelope and headers), with its own id and SQL.
 */
async function wireCallers(
  url: string,
  headers: Record<string, string>,
  tool: string,
  argument: string,
  era: Era,
): Promise<{ callers: ((sql: string) => Promise<void>)[]; close: () => void }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const post = (body: unknown, extra: Record<string, string>) =>
    new Promise<{ status: number; session?: string; message?: JsonRpcAnswer }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          timeout: 10_000,
          headers: {
            ...headers,
            ...extra,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const session = response.headers['mcp-session-id'];
            // An SSE answer carries the JSON-RPC message in its last data line.
            const json = response.headers['content-type']?.startsWith('text/event-stream')
              ? text
                  .split('\n')
                  .filter((line) => line.startsWith('data:'))
                  .pop()
                  ?.slice(5)
              : text;
            resolve({
              status: response.statusCode ?? 0,
              ...(typeof session === 'string' ? { session } : {}),
              ...(json ? { message: JSON.parse(json) as JsonRpcAnswer } : {}),
            });
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(payload);
    });
  const template = era === '2026-07-28' ? await recordToolCall(url, headers, era, tool, argument) : undefined;
  const callers: ((sql: string) => Promise<void>)[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    let session: Record<string, string>;
    let params: Record<string, unknown> = { name: tool };
    if (template) {
      const {
        authorization: _,
        'content-type': __,
        accept: ___,
        'content-length': ____,
        ...rest
      } = template.headers;
      session = rest;
      params = template.body.params as Record<string, unknown>;
    } else {
      const init = await post(
        {
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: {
            protocolVersion: era,
            capabilities: {},
            clientInfo: { name: `bench-wire-${i}`, version: '1' },
          },
        },
        {},
      );
      const version = (init.message?.result as { protocolVersion?: string } | undefined)?.protocolVersion;
      if (init.status !== 200 || !version) throw new Error(`initialize failed with HTTP ${init.status}`);
      session = {
        'mcp-protocol-version': version,
        ...(init.session ? { 'mcp-session-id': init.session } : {}),
      };
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    }
    let id = 1;
    callers.push(async (sql) => {
      const answer = await post(
        {
          jsonrpc: '2.0',
          id: id++,
          method: 'tools/call',
          params: { ...params, arguments: { [argument]: sql } },
        },
        session,
      );
      const result = answer.message?.result as { isError?: boolean } | undefined;
      if (answer.status !== 200 || !result || result.isError) {
        throw new Error(`tools/call failed with HTTP ${answer.status}`);
      }
    });
  }
  return { callers, close: () => agent.destroy() };
}

interface JsonRpcAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

function startProcess(
  command: string,
  argv: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${path.basename(argv[0] ?? command)} exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // Not every server stops on SIGTERM; do not wait for ever.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

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

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  // Only for the throwaway local cluster: BENCH_DATABASE_URL may name another machine's server.
  if (!process.env.BENCH_DATABASE_URL) postmasterPid = parentPid(rows[0]!.pid);
  await client.query(`
    DROP TABLE IF EXISTS bench_items;
    CREATE TABLE bench_items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, note text);
    INSERT INTO bench_items SELECT g, 'item ' || g, (g % 1000) / 10.0, repeat('x', 40) FROM generate_series(1, ${ROWS}) g;
    ANALYZE bench_items;`);
  await client.end();
}

async function main(): Promise<void> {
  const cli = path.join(repo, 'apps', 'cli', 'bin', 'pgmcp.js');
  if (!existsSync(path.join(repo, 'apps', 'cli', 'dist', 'index.js'))) {
    throw new Error('pgmcp is not built: run `pnpm exec turbo run build --filter=@pgmcp/cli...` first.');
  }
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
    eras: readonly Era[] = ERAS,
  ) => {
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
      const port = await freePort();
      const config = path.join(work, `pgmcp-${auth}-${audit}-${limits}.yaml`);
      writeFileSync(
        config,
        limits === 'on'
          ? `limits:\n  mcp_calls_per_minute: 1000000\n  rest_requests_per_minute: 1000000\n  concurrent_statements_per_token: ${CLIENTS}\n`
          : 'limits:\n  mcp_calls_per_minute: 0\n  rest_requests_per_minute: 0\n  concurrent_statements_per_token: 1000\n',
      );
      const env = {
        PGMCP_CONFIG: config,
        PGMCP_DATABASE_URL: url,
        PGMCP_PORT: String(port),
        PGMCP_DATA_DIR: path.join(work, `pgmcp-${auth}-${audit}-${limits}`),
        PGMCP_AUTH: auth,
        PGMCP_AUDIT: audit,
        PGMCP_ADMIN_PASSWORD: 'bench admin password',
        PGMCP_LOG_LEVEL: 'warn',
      };
      const profile = args['cpu-prof']
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`]
        : [];
      const server = await startProcess(
        process.execPath,
        [...profile, cli, 'serve'],
        env,
        /Press Ctrl-C to stop/,
      );
      children.push(server);
      const base = `http://127.0.0.1:${port}`;
      let headers: Record<string, string> = {};
      if (auth === 'on') {
        loginMs = [];
        let token = '';
        for (let i = 0; i < 5; i++) {
          const began = performance.now();
          const response = await fetch(`${base}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password: 'bench admin password' }),
          });
          loginMs.push(performance.now() - began);
          token = ((await response.json()) as { token: string }).token;
        }
        const created = await fetch(`${base}/api/v1/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ note: 'bench' }),
        });
        headers = { authorization: `Bearer ${((await created.json()) as { token: string }).token}` };
      }
      await measureMcp(name, `${base}/mcp/v1`, headers, 'query_database', 'query', server.pid);
      await stopProcess(server);
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
