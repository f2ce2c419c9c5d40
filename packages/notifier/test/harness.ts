import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createHostGuard, type HostPolicy } from '@pgmcp/connection-store';
import { openKeyRing } from '@pgmcp/secrets';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach } from 'vitest';
import { createNotifier, type Notifier, type NotifierConfig, type NotifierTimers } from '../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Timers that run a retry at once and remember the delays asked for: no waiting in tests. */
export function instantTimers(): NotifierTimers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout(run, ms) {
      delays.push(ms);
      queueMicrotask(run);
      return ms;
    },
    clearTimeout() {},
  };
}

// One key ring per test file, as one server has one: the file's notifiers share the database.
const keyFile = path.join(makeTempDir('pgmcp-notifier-key-'), 'secret.key');
const keyRing = openKeyRing({ file: keyFile, createIfMissing: true });

/** A notifier on the test database: the file's key ring, the connections' SSRF guard (loopback allowed). */
export async function openNotifier(
  url: string,
  options: { policy?: Partial<HostPolicy>; more?: Partial<NotifierConfig> } = {},
): Promise<{ notifier: Notifier; timers: ReturnType<typeof instantTimers>; errors: string[] }> {
  const timers = instantTimers();
  const errors: string[] = [];
  const hostGuard = createHostGuard({
    allowedHosts: [],
    blockedHosts: [],
    allowInternalNetworks: true,
    ...options.policy,
  });
  const notifier = await createNotifier({
    url,
    keyRing,
    hostGuard,
    timers,
    timeoutMs: 5_000,
    retry: { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    onError: (message) => errors.push(message),
    ...options.more,
  });
  // Tests of a file share its database: each leaves no channel behind to receive the next one's events.
  cleanups.push(async () => {
    await notifier.idle();
    for (const channel of await notifier.listChannels()) await notifier.deleteChannel(channel.id);
    await notifier.close();
  });
  return { notifier, timers, errors };
}

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A webhook receiver on 127.0.0.1: answers each request with the next status of `statuses`
 * (then 200); `hold` keeps answers back until `release()`.
 */
export async function startReceiver(options: { statuses?: number[]; hold?: boolean } = {}) {
  const received: Received[] = [];
  const statuses = [...(options.statuses ?? [])];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  if (!options.hold) release();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = statuses.shift() ?? 200;
      void released.then(() =>
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status === 200 ? 'ok' : 'receiver down'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, received, release };
}

/** A self-signed certificate for 127.0.0.1, made with openssl at test time. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const directory = makeTempDir('pgmcp-notifier-tls-');
  const key = path.join(directory, 'key.pem');
  const cert = path.join(directory, 'cert.pem');
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
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

/** One message an SMTP sink accepted. */
export interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  data: string;
}

/**
 * An SMTP sink on 127.0.0.1 with STARTTLS (the given certificate) and AUTH PLAIN/LOGIN: logins
 * other than `credentials` get 535.
 */
export async function startSmtpSink(options: {
  tls: { key: string; cert: string };
  credentials: { user: string; password: string };
  /** Implicit TLS from the first byte (port 465 style) instead of STARTTLS. */
  secure?: boolean;
  /** Offer no STARTTLS (a server that only speaks in clear). */
  noStarttls?: boolean;
  /** Recipients answered with 550. */
  unknownRecipients?: string[];
}) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    key: options.tls.key,
    cert: options.tls.cert,
    secure: options.secure ?? false,
    allowInsecureAuth: options.noStarttls ?? false,
    authMethods: ['PLAIN', 'LOGIN'],
    disabledCommands: options.noStarttls ? ['STARTTLS'] : [],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.credentials.user && auth.password === options.credentials.password)
        callback(null, { user: auth.username });
      else
        callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (options.unknownRecipients?.includes(address.address))
        callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  } satisfies SMTPServerOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, mails };
}
