/**
 * How long an alert event takes from `notifier.dispatch(event)` to the receiver: a signed webhook
 * on 127.0.0.1, a fan-out to 10 webhooks, one webhook beside a channel that never answers, a burst
 * of events, and email over STARTTLS + AUTH to a local SMTP sink. Needs a PostgreSQL (the
 * datastore): BENCH_DATABASE_URL, or a throwaway embedded one.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source notifier/run.ts [--rounds 100]
 *
 * The notifier and its collaborators are workspace packages the bench does not depend on; they are
 * loaded by path (as guard/run.ts does), with their types.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';

// The slice of the notifier's API this bench uses (the packages are loaded by path, see above).
interface AlertEvent {
  kind: 'fired';
  alertId: string;
  ruleId: string;
  ruleName: string;
  connectionId: string;
  severity: 'critical';
  metric: string;
  value: number;
  threshold: number;
  message: string;
  at: Date;
}
interface Notifier {
  createChannel(input: Record<string, unknown>): Promise<{ id: string }>;
  updateChannel(id: string, patch: Record<string, unknown>): Promise<unknown>;
  listChannels(): Promise<{ id: string }[]>;
  dispatch(event: AlertEvent): void;
  close(): Promise<void>;
}
interface NotifierModule {
  createNotifier(config: {
    url: string;
    keyRing: unknown;
    hostGuard: unknown;
    timeoutMs: number;
  }): Promise<Notifier>;
}
interface ConnectionStoreModule {
  createHostGuard(policy: {
    allowedHosts: string[];
    blockedHosts: string[];
    allowInternalNetworks: boolean;
  }): unknown;
}
interface SecretsModule {
  openKeyRing(options: { file: string; createIfMissing: boolean }): unknown;
}
interface SmtpSink {
  listen(port: number, host: string, done: () => void): void;
  close(done: () => void): void;
  server: { address(): AddressInfo };
}

const load = <T>(file: string) => import(new URL(file, import.meta.url).href) as Promise<T>;
const { createNotifier } = await load<NotifierModule>('../../packages/notifier/src/index.ts');
const { createHostGuard } = await load<ConnectionStoreModule>('../../packages/connection-store/src/index.ts');
const { openKeyRing } = await load<SecretsModule>('../../packages/secrets/src/index.ts');
// smtp-server is the notifier's devDependency: resolved from its folder.
const notifierRequire = createRequire(new URL('../../packages/notifier/package.json', import.meta.url));
const { SMTPServer } = (await import(pathToFileURL(notifierRequire.resolve('smtp-server')).href)) as {
  SMTPServer: new (options: Record<string, unknown>) => SmtpSink;
};

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '100' } } });
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms, n=${times.length}`;
}

/** A webhook receiver that resolves the waiter of each alert id when its request arrives. */
async function receiver(options: { hang?: boolean } = {}) {
  const waiters = new Map<string, () => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (options.hang) return;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alert?: { id: string } };
      response.writeHead(200).end('ok');
      if (body.alert) waiters.get(body.alert.id)?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wait = (id: string) => new Promise<void>((resolve) => waiters.set(id, resolve));
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, wait, close };
}

function event(id: string): AlertEvent {
  return {
    kind: 'fired',
    alertId: id,
    ruleId: 'bench',
    ruleName: 'Bench rule',
    connectionId: 'bench',
    severity: 'critical',
    metric: 'm',
    value: 1,
    threshold: 0,
    message: 'bench',
    at: new Date(),
  };
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-bench-notifier-'));
  let url = process.env.BENCH_DATABASE_URL;
  let stopPostgres = async () => undefined as unknown;
  if (!url) {
    const server = await startLocalPostgres({
      dataDir: path.join(root, 'data'),
      binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
      ephemeral: true,
    });
    stopPostgres = () => server.stop();
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('create database bench_notifier');
    await admin.end();
    url = server.url('bench_notifier');
  }
  const notifier = await createNotifier({
    url,
    keyRing: openKeyRing({ file: path.join(root, 'secret.key'), createIfMissing: true }),
    hostGuard: createHostGuard({ allowedHosts: [], blockedHosts: [], allowInternalNetworks: true }),
    timeoutMs: 10_000,
  });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let n = 0;
    const timeOne = async (wait: (id: string) => Promise<void>[]) => {
      const id = `e${++n}`;
      const started = performance.now();
      const arrived = Promise.all(wait(id));
      notifier.dispatch(event(id));
      await arrived;
      return performance.now() - started;
    };
    const rounds = async (wait: (id: string) => Promise<void>[], count = ROUNDS) => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) times.push(await timeOne(wait));
      return times;
    };
    const only = async (ids: string[]) => {
      for (const channel of await notifier.listChannels())
        if (!ids.includes(channel.id)) await notifier.updateChannel(channel.id, { enabled: false });
    };

    const one = await receiver();
    cleanups.push(one.close);
    const signed = await notifier.createChannel({
      kind: 'webhook',
      name: 'signed',
      url: one.url,
      secret: 'bench-secret-0123456789',
      min_severity: 'info',
    });
    await rounds((id) => [one.wait(id)], 10); // warm-up
    console.log(`dispatch → signed webhook received        ${summary(await rounds((id) => [one.wait(id)]))}`);

    const many = await Promise.all(Array.from({ length: 10 }, () => receiver()));
    for (const r of many) cleanups.push(r.close);
    for (const [i, r] of many.entries())
      await notifier.createChannel({ kind: 'webhook', name: `fan-${i}`, url: r.url, min_severity: 'info' });
    await notifier.updateChannel(signed.id, { enabled: false });
    console.log(
      `dispatch → all 10 webhooks received        ${summary(await rounds((id) => many.map((r) => r.wait(id)), Math.ceil(ROUNDS / 2)))}`,
    );

    const hanging = await receiver({ hang: true });
    cleanups.push(hanging.close);
    const stuck = await notifier.createChannel({
      kind: 'webhook',
      name: 'hanging',
      url: hanging.url,
      min_severity: 'info',
    });
    await only([signed.id, stuck.id]);
    await notifier.updateChannel(signed.id, { enabled: true });
    console.log(
      `… beside a channel that never answers      ${summary(await rounds((id) => [one.wait(id)]))}`,
    );
    await notifier.updateChannel(stuck.id, { enabled: false });

    const burst = ROUNDS * 5;
    const started = performance.now();
    const all = Array.from({ length: burst }, (_, i) => one.wait(`burst-${i}`));
    for (let i = 0; i < burst; i++) notifier.dispatch(event(`burst-${i}`));
    await Promise.all(all);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `burst of ${burst} events → 1 webhook          ${(burst / seconds).toFixed(0)} deliveries/s (${(seconds * 1000).toFixed(0)} ms in all)`,
    );

    const tls = path.join(root, 'tls');
    execFileSync('mkdir', ['-p', tls]);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(tls, 'key.pem'),
        '-out',
        path.join(tls, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = await readFile(path.join(tls, 'cert.pem'), 'utf8');
    const mailWaiters = new Map<string, () => void>();
    const sink = new SMTPServer({
      key: await readFile(path.join(tls, 'key.pem'), 'utf8'),
      cert,
      logger: false,
      onAuth: (_auth: unknown, _session: unknown, done: (e: null, r: { user: string }) => void) =>
        done(null, { user: 'bench' }),
      onData(stream: NodeJS.ReadableStream, _session: unknown, done: () => void) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        stream.on('end', () => {
          done();
          const id = /Bench alert (\S+)/.exec(data)?.[1];
          if (id) mailWaiters.get(id)?.();
        });
      },
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => sink.close(resolve)));
    const mail = await notifier.createChannel({
      kind: 'email',
      name: 'mail',
      min_severity: 'info',
      smtp: {
        host: '127.0.0.1',
        port: sink.server.address().port,
        user: 'bench',
        password: 'bench-password',
        ca: cert,
      },
      from: 'pgmcp@example.com',
      to: ['dba@example.com'],
    });
    await only([mail.id]);
    const mailRound = async () => {
      const id = `m${++n}`;
      const arrived = new Promise<void>((resolve) => mailWaiters.set(id, resolve));
      const started = performance.now();
      notifier.dispatch({ ...event(id), message: `Bench alert ${id}` });
      await arrived;
      return performance.now() - started;
    };
    const mails: number[] = [];
    for (let i = 0; i < Math.ceil(ROUNDS / 2); i++) mails.push(await mailRound());
    console.log(`dispatch → mail accepted (STARTTLS + AUTH) ${summary(mails)}`);
  } finally {
    await notifier.close();
    for (const cleanup of cleanups) await cleanup();
    await stopPostgres();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
