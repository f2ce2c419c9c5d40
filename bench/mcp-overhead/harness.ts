/**
 * What the bench/mcp-overhead scripts share: callers (official SDK clients and wire callers of both
 * protocol eras), the timed drive with latencies and CPU per call, pgmcp server processes and the
 * bench table. Settings are set once by the script (see {@link bench}).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import pg from 'pg';

/** The run's settings: seconds measured, warm-up seconds, callers, rows of the bench table. */
export const bench = { seconds: 10, warmup: 2, clients: 32, rows: 100_000, requestTimeoutMs: 10_000 };

/** The protocol eras the wire callers speak: 2025-11-25 (initialize first) and stateless 2026-07-28. */
export const ERAS = ['2025-11-25', '2026-07-28'] as const;
export type Era = (typeof ERAS)[number];

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const lookup = () =>
  `SELECT id, name, price FROM bench_items WHERE id = ${1 + Math.floor(Math.random() * bench.rows)}`;

export interface Result {
  name: string;
  calls: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds (user + system) the server process spent in the measured window, when known. */
  serverCpu?: number;
  /** CPU seconds all of PostgreSQL's processes spent in the measured window, when known. */
  postgresCpu?: number;
  /** Seconds the server was ready to run but waited for a CPU (the kernel's run queue), when known. */
  serverQueued?: number;
}

/** Seconds a process has spent waiting on a run queue so far (/proc/PID/schedstat), or undefined. */
export function queuedSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/schedstat`)) return undefined;
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere.
 * CPU per call hardly moves with the machine's load, unlike throughput, so it compares changes
 * made on a busy machine.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the command name (which may hold spaces) start at state; utime, stime are 14, 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** The postmaster's pid (the parent of a backend), to count PostgreSQL's CPU; Linux only. */
let postmasterPid: number | undefined;

export function parentPid(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}

/** CPU seconds of the postmaster and every process it started (backends, workers) so far. */
export function postgresCpuSeconds(): number | undefined {
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

/** Runs `workers` loops of `call` for bench.warmup + bench.seconds; only calls that start after the warm-up count. */
export async function drive(
  name: string,
  workers: ((sql: string) => Promise<unknown>)[],
  serverPid?: number,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + bench.warmup * 1000;
  const end = measureFrom + bench.seconds * 1000;
  let cpuFrom: number | undefined;
  let pgCpuFrom: number | undefined;
  let queuedFrom: number | undefined;
  const cpuTimer = setTimeout(() => {
    cpuFrom = cpuSeconds(serverPid);
    queuedFrom = queuedSeconds(serverPid);
    pgCpuFrom = postgresCpuSeconds();
  }, bench.warmup * 1000);
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
  const queuedTo = queuedSeconds(serverPid);
  return {
    name,
    calls: latencies.length,
    errors,
    seconds: bench.seconds,
    latencies,
    ...(cpuFrom !== undefined && cpuTo !== undefined ? { serverCpu: cpuTo - cpuFrom } : {}),
    ...(pgCpuFrom !== undefined && pgCpuTo !== undefined ? { postgresCpu: pgCpuTo - pgCpuFrom } : {}),
    ...(queuedFrom !== undefined && queuedTo !== undefined ? { serverQueued: queuedTo - queuedFrom } : {}),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** An official SDK client of `era` (2026-07-28 is pinned; 2025-11-25 is what the SDK negotiates without). */
export async function sdkClient(
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

export async function mcpClients(url: string, headers: Record<string, string>): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < bench.clients; i++)
    clients.push(await sdkClient(url, headers, '2025-11-25', `bench-${i}`));
  return clients;
}

/**
 * The exact tools/call request (headers and body) an official client of `era` sends, recorded
 * once, so wire callers can replay it with other SQL: the 2026-07-28 envelope in `_meta`, the
 * protocol-version and method headers, whatever the SDK puts there.
 */
export async function recordToolCall(
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

export function callTool(client: Client, tool: string, argument: string) {
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
export async function wireCallers(
  url: string,
  headers: Record<string, string>,
  tool: string,
  argument: string,
  era: Era,
  extraArguments: Record<string, unknown> = {},
): Promise<{ callers: ((sql: string) => Promise<void>)[]; close: () => void }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: bench.clients });
  const post = (body: unknown, extra: Record<string, string>) =>
    new Promise<{ status: number; session?: string; message?: JsonRpcAnswer }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const request = http.request(
        url,
        {
          method: 'POST',
          agent,
          timeout: bench.requestTimeoutMs,
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
  for (let i = 0; i < bench.clients; i++) {
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
          params: { ...params, arguments: { ...extraArguments, [argument]: sql } },
        },
        session,
      );
      const result = answer.message?.result as
        { isError?: boolean; content?: { text?: string }[] } | undefined;
      if (answer.status !== 200 || !result || result.isError) {
        const reason = result?.content?.[0]?.text ?? answer.message?.error?.message ?? '';
        throw new Error(`tools/call failed with HTTP ${answer.status}: ${reason}`);
      }
    });
  }
  return { callers, close: () => agent.destroy() };
}

export interface JsonRpcAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

export function startProcess(
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

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  // Not every server stops on SIGTERM; do not wait for ever.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  // Only for the throwaway local cluster: BENCH_DATABASE_URL may name another machine's server.
  if (!process.env.BENCH_DATABASE_URL) postmasterPid = parentPid(rows[0]!.pid);
  await client.query(`
    DROP TABLE IF EXISTS bench_items;
    CREATE TABLE bench_items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, note text);
    INSERT INTO bench_items SELECT g, 'item ' || g, (g % 1000) / 10.0, repeat('x', 40) FROM generate_series(1, ${bench.rows}) g;
    ANALYZE bench_items;`);
  await client.end();
}

/** A running pgmcp server process. */
export interface Pgmcp {
  child: ChildProcess;
  base: string;
  mcpUrl: string;
}

/**
 * Starts `pgmcp serve` from the build in its own process, with `configYaml` as its config file and
 * `env` over the bench's defaults; `prefix` runs it under another command (e.g. `taskset -c 0`),
 * `nodeOptions` adds node flags (e.g. --cpu-prof).
 */
export async function startPgmcp(options: {
  work: string;
  name: string;
  databaseUrl: string;
  configYaml: string;
  env?: Record<string, string>;
  prefix?: string[];
  nodeOptions?: string[];
}): Promise<Pgmcp> {
  const cli = path.join(repo, 'apps', 'cli', 'bin', 'pgmcp.js');
  if (!existsSync(path.join(repo, 'apps', 'cli', 'dist', 'index.js'))) {
    throw new Error('pgmcp is not built: run `pnpm exec turbo run build --filter=@pgmcp/cli...` first.');
  }
  const port = await freePort();
  const config = path.join(options.work, `${options.name}.yaml`);
  writeFileSync(config, options.configYaml);
  const argv = [...(options.nodeOptions ?? []), cli, 'serve'];
  const [command, ...prefixArgs] = options.prefix ?? [];
  const child = await startProcess(
    command ?? process.execPath,
    command ? [...prefixArgs, process.execPath, ...argv] : argv,
    {
      PGMCP_CONFIG: config,
      PGMCP_DATABASE_URL: options.databaseUrl,
      PGMCP_PORT: String(port),
      PGMCP_DATA_DIR: path.join(options.work, options.name),
      PGMCP_AUTH: 'on',
      PGMCP_AUDIT: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_LOG_LEVEL: 'warn',
      ...options.env,
    },
    /Press Ctrl-C to stop/,
  );
  const base = `http://127.0.0.1:${port}`;
  return { child, base, mcpUrl: `${base}/mcp/v1` };
}

export const ADMIN_PASSWORD = 'bench admin password';

/** Signs in (bcrypt cost 12: slow on purpose) and returns the session token and how long it took. */
export async function login(
  base: string,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<{ token: string; ms: number }> {
  const began = performance.now();
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login of ${username} failed with HTTP ${response.status}`);
  const ms = performance.now() - began;
  return { token: ((await response.json()) as { token: string }).token, ms };
}

/** Calls the REST API as `session` and returns the JSON answer (fails on an error status). */
export async function api<T>(base: string, session: string, route: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`POST ${route} failed with HTTP ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** An API token of the signed-in `session`'s user, as the Authorization header of its callers. */
export async function tokenHeaders(
  base: string,
  session: string,
  note = 'bench',
): Promise<Record<string, string>> {
  const { token } = await api<{ token: string }>(base, session, '/api/v1/tokens', { note });
  return { authorization: `Bearer ${token}` };
}

/** Resident set size of a process in MiB (Linux), or undefined. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return undefined;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : undefined;
}
