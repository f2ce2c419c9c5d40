/**
 * bench/alerts: time from a threshold crossing to a delivered webhook, through the whole server.
 *
 * Starts a throwaway embedded PostgreSQL (a monitored database and the datastore), a webhook
 * receiver on 127.0.0.1 and the real pgmcp server with its collector, alerter and notifier on their
 * own timers. Each round opens extra sessions on the monitored database (the crossing of a rule
 * `connection_usage.connections > baseline + 5`), waits for the signed `alert.fired` (or
 * `alert.reopened`) at the receiver, then closes them and waits for `alert.cleared`.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source alerts/webhook-latency.ts [--rounds 3] [--scale 0.1] [--evaluate-every 3]
 *
 * `--scale` is `collector.interval_scale` (connection_usage is collected every 60 s × scale);
 * `--evaluate-every` is `alerts.evaluation_interval_s`. The target is one collection
 * interval + 5 s; the figure printed beside each round is that bound for the chosen scale.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyWebhookSignature } from '@pgmcp/notifier';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import { createLogger, startServer } from '@pgmcp/server';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    scale: { type: 'string', default: '0.1' },
    'evaluate-every': { type: 'string', default: '3' },
  },
});
const ROUNDS = Number(args.rounds);
const SCALE = Number(args.scale);
const EVALUATE_EVERY_S = Number(args['evaluate-every']);
const COLLECT_EVERY_S = 60 * SCALE;
const SECRET = 'bench webhook signing secret';
const EXTRA_SESSIONS = 10;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The receiver: resolves the next delivery of one event type for the bench rule, signature checked. */
function startReceiver() {
  const waiting: { type: string; resolve: (at: number) => void }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(204).end();
      const header = request.headers['x-pgmcp-signature'] as string | undefined;
      if (!verifyWebhookSignature({ secret: SECRET, body, header })) throw new Error('bad signature');
      const event = JSON.parse(body) as { type: string; alert?: { rule_id: string } };
      if (event.alert?.rule_id !== 'bench_sessions') return;
      const index = waiting.findIndex((w) => w.type.split('|').includes(event.type));
      if (index >= 0) waiting.splice(index, 1)[0]!.resolve(at);
    });
  });
  return {
    server,
    next: (type: string) => new Promise<number>((resolve) => waiting.push({ type, resolve })),
  };
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-webhook-'));
  const postgres = await startLocalPostgres({
    dataDir: path.join(root, 'pg'),
    binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
    ephemeral: true,
  });
  const admin = new pg.Client({ connectionString: postgres.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE shop');
  await admin.query('CREATE DATABASE metrics');
  const baseline = Number(
    (
      await admin.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where backend_type = 'client backend'`,
      )
    ).rows[0]!.n,
  );
  const receiver = startReceiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.server.address() as { port: number };
  await writeFile(
    path.join(root, 'pgmcp.yaml'),
    [
      'connections:',
      '  - name: shop',
      `    url: ${postgres.url('shop')}`,
      '    is_monitored: true',
      `datastore: { url: "${postgres.url('metrics')}" }`,
      `collector: { interval_scale: ${SCALE} }`,
      `alerts: { evaluation_interval_s: ${EVALUATE_EVERY_S} }`,
    ].join('\n'),
  );
  const server = await startServer({
    env: { PGMCP_PORT: '0', PGMCP_DATA_DIR: path.join(root, 'data'), PGMCP_AUTH: 'off' },
    cwd: root,
    banner: false,
    logger: createLogger('warn', { pretty: false }),
  });
  const sessions: pg.Client[] = [];
  try {
    const { alerter } = server.monitoring!;
    await server.notifier!.createChannel({
      kind: 'webhook',
      name: 'bench',
      url: `http://127.0.0.1:${port}/hook`,
      secret: SECRET,
      min_severity: 'critical',
    });
    // The server's own sessions and the collector's count too: the threshold sits above today's count.
    const threshold = baseline + 5;
    await alerter.createRule({
      id: 'bench_sessions',
      name: 'Bench: many sessions',
      probe: 'connection_usage',
      metric: 'connections',
      threshold,
      clearThreshold: threshold,
      severity: 'critical',
    });
    log(
      `PostgreSQL ${postgres.version}; connection_usage every ${COLLECT_EVERY_S} s, evaluation every ${EVALUATE_EVERY_S} s; target: within ${COLLECT_EVERY_S + 5} s`,
    );
    const times: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const fired = receiver.next('alert.fired|alert.reopened');
      const crossed = performance.now();
      for (let i = 0; i < EXTRA_SESSIONS; i++) {
        const client = new pg.Client({ connectionString: postgres.url('shop') });
        await client.connect();
        sessions.push(client);
      }
      const ms = (await fired) - crossed;
      times.push(ms);
      process.stdout.write(
        `round ${round}: crossing → delivered webhook ${(ms / 1000).toFixed(2)} s (bound ${COLLECT_EVERY_S + 5} s)\n`,
      );
      const cleared = receiver.next('alert.cleared');
      await Promise.all(sessions.splice(0).map((c) => c.end()));
      await cleared;
    }
    const sorted = [...times].sort((a, b) => a - b);
    process.stdout.write(
      `median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(2)} s, max ${(sorted.at(-1)! / 1000).toFixed(2)} s over ${ROUNDS} rounds\n`,
    );
  } finally {
    await Promise.all(sessions.map((c) => c.end()));
    await server.close();
    receiver.server.close();
    await admin.end();
    await postgres.stop();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
