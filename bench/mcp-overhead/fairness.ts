/**
 * bench/mcp-overhead/fairness: do other tokens keep their latency while one token abuses pgmcp?
 *
 * Victims (their own users and tokens) run point lookups, first alone, then while one abusing
 * token runs more heavy statements at once than its limit allows: a query that sleeps through the
 * statement timeout, a result at the 1 MiB output cap, and a CPU-bound regular expression. Prints
 * the victims' latency in both phases (target p99 <= 50 ms under abuse), what the abuser got (ran,
 * refused by `limits.concurrent_statements_per_token`, failed) and one refusal as the model reads it.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source mcp-overhead/fairness.ts \
 *     [--seconds 20] [--victims 4] [--callers 4] [--abusers 16] [--per-token 8]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';
import {
  api,
  ADMIN_PASSWORD,
  bench,
  drive,
  log,
  login,
  percentile,
  type Result,
  seed,
  startPgmcp,
  stopProcess,
  tokenHeaders,
  wireCallers,
} from './harness.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    victims: { type: 'string', default: '4' },
    callers: { type: 'string', default: '4' },
    abusers: { type: 'string', default: '16' },
    'per-token': { type: 'string', default: '8' },
    // How long a refused abuser waits before trying again (0: at once, a CPU flood of refusals).
    'retry-ms': { type: 'string', default: '100' },
  },
});
const RETRY_MS = Number(args['retry-ms']);
const VICTIMS = Number(args.victims);
const ABUSERS = Number(args.abusers);
const PER_TOKEN = Number(args['per-token']);
Object.assign(bench, {
  seconds: Number(args.seconds),
  warmup: Number(args.warmup),
  clients: Number(args.callers),
  // The long query must be able to run to the statement timeout.
  requestTimeoutMs: 60_000,
});

/** The heavy statements, each with the arguments that make it heavy. */
const HEAVY = [
  // Sleeps past the 30 s statement timeout: holds a session for the whole phase.
  { kind: 'long query (30 s)', sql: 'SELECT pg_sleep(30)', extra: {} },
  // ~1.1 MB of row text: the answer stops at the 1 MiB cap.
  {
    kind: '1 MiB result',
    sql: "SELECT g, repeat('x', 1100) AS pad FROM generate_series(1, 5000) g",
    extra: { limit: 1000 },
  },
  // Backtracking regex on every row: CPU on the database server.
  {
    kind: 'CPU-bound regex',
    sql: "SELECT count(*) FROM generate_series(1, 300000) g WHERE repeat('a', 24) || g::text ~ '^(a|aa)+$'",
    extra: {},
  },
] as const;

/** What the abusing token got, by statement kind. */
type Tally = Record<
  string,
  { ran: number; refused: number; failed: number; example?: string; failure?: string }
>;

async function abuse(
  mcpUrl: string,
  headers: Record<string, string>,
  until: () => boolean,
): Promise<{ tally: Tally; stop: () => void }> {
  const tally: Tally = {};
  const closers: (() => void)[] = [];
  const loops: Promise<void>[] = [];
  for (const { kind, sql, extra } of HEAVY) {
    tally[kind] = { ran: 0, refused: 0, failed: 0 };
    const count = Math.ceil(ABUSERS / HEAVY.length);
    bench.clients = count;
    const wire = await wireCallers(mcpUrl, headers, 'query_database', 'query', '2025-11-25', extra);
    closers.push(wire.close);
    for (const call of wire.callers) {
      loops.push(
        (async () => {
          while (!until()) {
            const entry = tally[kind]!;
            try {
              await call(sql);
              entry.ran++;
            } catch (error) {
              const message = (error as Error).message;
              if (/concurrent_statements_per_token/.test(message)) {
                entry.refused++;
                entry.example ??= message.replace(/^tools\/call failed with HTTP \d+: /, '');
                await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
              } else {
                entry.failed++;
                entry.failure ??= message;
              }
            }
          }
        })(),
      );
    }
  }
  return {
    tally,
    stop: () => {
      for (const close of closers) close();
      void Promise.allSettled(loops);
    },
  };
}

function summary(result: Result) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  return {
    phase: result.name,
    'calls/s': (result.calls / result.seconds).toFixed(0),
    'p50 ms': percentile(sorted, 50).toFixed(2),
    'p99 ms': percentile(sorted, 99).toFixed(2),
    'max ms': (sorted.at(-1) ?? NaN).toFixed(2),
    errors: result.errors,
    // Under abuse this includes the abuser's work: the server's CPU per victim call.
    'server CPU ms/call':
      result.serverCpu !== undefined ? ((1000 * result.serverCpu) / result.calls).toFixed(3) : '',
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'pgmcp-fairness-'));
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
      // No call rate limit: this measures the concurrency limit, not the rate limit.
      configYaml: `limits:\n  mcp_calls_per_minute: 0\n  rest_requests_per_minute: 0\n  concurrent_statements_per_token: ${PER_TOKEN}\n`,
    });
    const admin = (await login(server.base)).token;
    const abuserHeaders = await tokenHeaders(server.base, admin, 'abuser');
    // Each victim is a user of their own: the per-user session cap must not be shared with the abuser.
    const victimHeaders: Record<string, string>[] = [];
    for (let i = 0; i < VICTIMS; i++) {
      const username = `victim${i}`;
      await api(server.base, admin, '/api/v1/users', { username, password: ADMIN_PASSWORD, superuser: true });
      victimHeaders.push(
        await tokenHeaders(server.base, (await login(server.base, username)).token, username),
      );
    }
    const victimCallers = async () => {
      const all: ((sql: string) => Promise<void>)[] = [];
      const closers: (() => void)[] = [];
      bench.clients = Number(args.callers);
      for (const headers of victimHeaders) {
        const wire = await wireCallers(server!.mcpUrl, headers, 'query_database', 'query', '2025-11-25');
        all.push(...wire.callers);
        closers.push(wire.close);
      }
      return { all, close: () => closers.forEach((close) => close()) };
    };

    log(`victims alone: ${VICTIMS} tokens x ${args.callers} callers, ${bench.seconds} s`);
    let victims = await victimCallers();
    const alone = await drive('victims alone', victims.all, server.child.pid);
    victims.close();

    log(`victims while one token runs ${ABUSERS} heavy statements at once (limit ${PER_TOKEN})`);
    let stopped = false;
    const abuser = await abuse(server.mcpUrl, abuserHeaders, () => stopped);
    // Let the abuser take every session it can before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    victims = await victimCallers();
    const abused = await drive('victims under abuse', victims.all, server.child.pid);
    victims.close();
    stopped = true;
    abuser.stop();

    console.log(
      `\nbench/mcp-overhead/fairness: ${VICTIMS} victim tokens x ${args.callers} callers (point lookups), one abusing token with ${ABUSERS} callers (retrying ${RETRY_MS} ms after a refusal), limits.concurrent_statements_per_token ${PER_TOKEN}, ${bench.seconds} s per phase, node ${process.version}`,
    );
    console.table([summary(alone), summary(abused)]);
    console.log('victims p99 under abuse target: <= 50 ms');
    console.log('abusing token:');
    console.table(
      Object.entries(abuser.tally).map(([kind, t]) => ({
        statement: kind,
        ran: t.ran,
        refused: t.refused,
        failed: t.failed,
      })),
    );
    const example = Object.values(abuser.tally).find((t) => t.example)?.example;
    if (example) console.log(`a refusal, as the model reads it: ${example}`);
    for (const [kind, t] of Object.entries(abuser.tally)) {
      if (t.failure) console.log(`a failure of ${kind}: ${t.failure.slice(0, 300)}`);
    }
  } finally {
    if (server) await stopProcess(server.child);
    // Sessions still sleeping would hold the cluster's shutdown.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect().catch(() => undefined);
    await admin
      .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgmcp'")
      .catch(() => undefined);
    await admin.end().catch(() => undefined);
    await local.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
