import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { captureLogger } from './rest-helpers.js';

// TLS in process (http.tls) for deployments without a proxy: HTTPS with the configured pair, HSTS,
// a Secure session cookie, SIGHUP re-reads the files; a pair that does not belong together stops
// the start (exit 1 from `node main.js`) or, on reload, leaves the serving pair in place.

const dir = makeTempDir('pgmcp-tls-');
const ADMIN_PASSWORD = 'admin password for tls tests';

/** A self-signed certificate for 127.0.0.1 and its key, made by openssl. */
function makePair(name: string): { cert: string; key: string; fingerprint: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=pgmcp-${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}

const a = makePair('a');
const b = makePair('b');
// The files the server is configured with; the test swaps their contents.
const served = { cert: path.join(dir, 'served.crt'), key: path.join(dir, 'served.key') };
const ca = [readFileSync(a.cert), readFileSync(b.cert)];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint: string;
}

/** One request on a new TLS connection that trusts only the two test certificates. */
function call(url: string, method: string, route: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${route}`,
      { method, ca, agent: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerX509Certificate()!.fingerprint256;
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: text, fingerprint }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

const tlsEnv = (cert: string, key: string) => ({
  PGMCP_DATABASE_URL: NO_DATABASE_URL,
  PGMCP_TLS_CERT_FILE: cert,
  PGMCP_TLS_KEY_FILE: key,
});

describe('a certificate and key that do not belong together', () => {
  it('stop the start, naming both files and the setting', async () => {
    const error = await startTestServer(tlsEnv(a.cert, b.key)).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `The TLS key ${b.key} does not match the certificate ${a.cert} (http.tls.key_file, http.tls.cert_file): give the key the certificate was issued for.`,
    );
  });

  it('a missing key file is named', async () => {
    const missing = path.join(dir, 'nowhere.key');
    await expect(startTestServer(tlsEnv(a.cert, missing))).rejects.toThrow(
      `Cannot read the TLS key (http.tls.key_file) ${missing}: it does not exist.`,
    );
  });

  it('`node main.js` exits 1 with the message, nothing else', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const child = spawn(
      process.execPath,
      [tsx, '--conditions=@pgmcp/source', path.join(import.meta.dirname, '../src/main.ts')],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '',
          TSX_DISABLE_CACHE: '1',
          PGMCP_PORT: '0',
          PGMCP_DATA_DIR: path.join(dir, 'data'),
          ...tlsEnv(a.cert, b.key),
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `pgmcp cannot start: The TLS key ${b.key} does not match the certificate ${a.cert} (http.tls.key_file, http.tls.cert_file): give the key the certificate was issued for.`,
    );
  });
});

describe('serving over TLS', () => {
  let server: RunningServer;
  const logs = captureLogger();

  beforeAll(async () => {
    copyFileSync(a.cert, served.cert);
    copyFileSync(a.key, served.key);
    server = await startTestServer(
      { ...tlsEnv(served.cert, served.key), PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD },
      { logger: logs.logger },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers HTTPS only, with HSTS, and logs in with a Secure session cookie', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await call(server.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.fingerprint).toBe(a.fingerprint);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    const login = await call(server.url, 'POST', '/api/v1/auth/login', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    // Plain HTTP on the same port is not served.
    await expect(fetch(server.url.replace('https:', 'http:') + '/health')).rejects.toThrow();
  });

  it('re-reads the pair on SIGHUP; a bad pair is refused and the serving one kept', async () => {
    copyFileSync(b.cert, served.cert);
    copyFileSync(b.key, served.key);
    process.kill(process.pid, 'SIGHUP');
    await vi.waitFor(
      async () => expect((await call(server.url, 'GET', '/health')).fingerprint).toBe(b.fingerprint),
      {
        timeout: 30_000,
      },
    );
    expect(logs.lines.some((line) => line.includes('TLS certificate reloaded'))).toBe(true);

    copyFileSync(a.cert, served.cert); // B's key stays: a pair that does not belong together
    process.kill(process.pid, 'SIGHUP');
    await vi.waitFor(() => expect(logs.lines.join('\n')).toContain('TLS reload failed'), { timeout: 30_000 });
    expect(logs.lines.join('\n')).toContain(
      `The TLS key ${served.key} does not match the certificate ${served.cert}`,
    );
    expect((await call(server.url, 'GET', '/health')).fingerprint).toBe(b.fingerprint);
  });
});
