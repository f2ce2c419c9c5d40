import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type FakeProvider, startFakeProvider, textReply } from '@pgmcp/llm-clients/testing';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEB_CONTENT_SECURITY_POLICY } from '../../src/web-static.js';
import { freePort, type Proc, run, stop, waitForLine } from '../child-process.js';

// docker/nginx.conf in front of two `pgmcp serve` processes sharing one PostgreSQL store, as
// docker/docker-compose.yml runs them: the config file itself, with loopback addresses in place of
// the compose service names, port and paths. Every request goes through nginx; its access log
// (which names the replica that answered) shows that requests alternate.

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => existsSync(file));
if (!NGINX) {
  console.warn('nginx is not installed (apt-get install nginx): the nginx integration test is skipped.');
}

const store = useTestDatabase('server-nginx');
const ADMIN_PASSWORD = 'admin password behind nginx';
const CONFIG = path.join(import.meta.dirname, '../../../../docker/nginx.conf');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

let fake: FakeProvider;
const replicas: Proc[] = [];
const replicaPorts: number[] = [];
let nginx: Proc | undefined;
let base = '';
let accessLog = '';

beforeAll(async () => {
  if (!NGINX) return;
  fake = await startFakeProvider({ provider: 'anthropic', responder: () => textReply('pong') });
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  replicaPorts.push(ports[0], ports[1]);
  // Both replicas start at once on an empty store: its migrations must run once, safely.
  for (const port of replicaPorts) {
    const cwd = makeTempDir('pgmcp-replica-');
    writeFileSync(
      path.join(cwd, 'pgmcp.yaml'),
      `auth:
  bcrypt_cost: 4
  trusted_proxies: ["127.0.0.1"]
  ip_rate_limit: { max_failures: 4, window_minutes: 15 }
`,
    );
    replicas.push(
      run(
        process.execPath,
        [tsx, '--conditions=@pgmcp/source', path.join(import.meta.dirname, '../../src/main.ts')],
        {
          cwd,
          env: {
            PATH: process.env.PATH ?? '',
            TSX_DISABLE_CACHE: '1',
            PGMCP_HOST: '127.0.0.1',
            PGMCP_PORT: String(port),
            PGMCP_DATA_DIR: path.join(cwd, 'data'),
            PGMCP_AUTH: 'on',
            PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
            PGMCP_STORE_URL: store.url,
            PGMCP_DATABASE_URL: store.url,
            ANTHROPIC_API_KEY: 'sk-ant-api03-nginx-test',
            PGMCP_ANTHROPIC_BASE_URL: fake.url,
            PGMCP_LOG_LEVEL: 'info',
          },
        },
      ),
    );
  }
  await Promise.all(replicas.map((proc, i) => waitForLine(proc, /listening/, `replica ${i + 1}`)));

  const dir = makeTempDir('pgmcp-nginx-');
  await chmod(dir, 0o755); // nginx's workers run as an unprivileged user
  const web = path.join(dir, 'web');
  await mkdir(path.join(web, 'assets'), { recursive: true });
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>pgmcp</title>');
  writeFileSync(path.join(web, 'assets', 'index-abc123.js'), 'console.log(1);');
  const nginxPort = ports[2];
  accessLog = path.join(dir, 'access.log');
  const conf = readFileSync(CONFIG, 'utf8')
    .replace('server pgmcp-1:8080', `server 127.0.0.1:${replicaPorts[0]}`)
    .replace('server pgmcp-2:8080', `server 127.0.0.1:${replicaPorts[1]}`)
    .replace('listen 8081;', `listen 127.0.0.1:${nginxPort};`)
    .replace('root /usr/share/nginx/html;', `root ${web};`)
    .replaceAll('/tmp/nginx', `${dir}/nginx`)
    // Node gives children sockets for stdio, which /dev/stdout cannot reopen: log to files.
    .replace('error_log /dev/stderr', `error_log ${dir}/error.log`)
    .replace('access_log /dev/stdout', `access_log ${accessLog}`);
  const confFile = path.join(dir, 'nginx.conf');
  if (!conf.includes(accessLog) || conf.includes('pgmcp-1:8080'))
    throw new Error('docker/nginx.conf changed shape');
  writeFileSync(confFile, conf);
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', confFile], { stdio: 'pipe' });
  nginx = run(NGINX, ['-p', dir, '-c', confFile, '-g', 'daemon off;'], { cwd: dir, env: {} });
  base = `http://127.0.0.1:${nginxPort}`;
  // Ready once it answers; the first request may race its bind.
  await vi.waitFor(() => fetch(`${base}/health`).then((r) => expect(r.status).toBe(200)), {
    timeout: 30_000,
    interval: 50,
  });
}, 180_000);

afterAll(async () => {
  await stop(nginx);
  await Promise.all(replicas.map(stop));
  await fake?.close();
});

/** Which replica (1 or 2) answered each logged request for `route`, in order. */
function upstreamsOf(route: string): number[] {
  const lines = existsSync(accessLog) ? readFileSync(accessLog, 'utf8').split('\n') : [];
  return lines
    .filter((line) => line.includes(` ${route} `) || line.includes(`"${route} `))
    .map((line) => /upstream=127\.0\.0\.1:(\d+)/.exec(line)?.[1])
    .filter((port): port is string => port !== undefined)
    .map((port) => replicaPorts.indexOf(Number(port)) + 1);
}

async function api(
  method: string,
  route: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text.startsWith('{') ? JSON.parse(text) : text,
  };
}

async function login(): Promise<string> {
  const response = await api('POST', '/api/v1/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  expect(response.status).toBe(200);
  return response.body.token as string;
}

describe.runIf(NGINX)('nginx in front of two replicas on one PostgreSQL store', () => {
  it('serves the web client with the server’s CSP and caching', async () => {
    const page = await fetch(`${base}/some/client/route`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>pgmcp</title>');
    expect(page.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/assets/missing-000.js`)).status).toBe(404);
  });

  it('a login answered by one replica is honoured by the other', async () => {
    const token = await login();
    for (let i = 0; i < 4; i++) expect((await api('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    await vi.waitFor(() => expect(new Set(upstreamsOf('/api/v1/auth/me'))).toEqual(new Set([1, 2])));
  });

  it('MCP calls through nginx alternate between the replicas', async () => {
    const token = await login();
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp/v1`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'nginx-test', version: '1' });
    await client.connect(transport);
    for (let i = 0; i < 4; i++) {
      const result = await client.callTool({
        name: 'query_database',
        arguments: { query: `SELECT ${i} AS n` },
      });
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toMatchObject({ rows: [[i]] });
    }
    await client.close();
    await vi.waitFor(() => {
      const served = upstreamsOf('/mcp/v1');
      expect(served.length).toBeGreaterThanOrEqual(4);
      expect(new Set(served)).toEqual(new Set([1, 2]));
    });
  });

  it('streams LLM proxy SSE unbuffered: the first text arrives while the provider still holds the stream', async () => {
    const token = await login();
    // The provider sends its first chunks, then writes nothing more and keeps the stream open:
    // only an unbuffered proxy lets the client see the text so far.
    fake.script(
      textReply('Streaming through nginx, bit by bit.', { stream: { textChunkSize: 6, hangAfterChunks: 4 } }),
    );
    const abort = new AbortController();
    const response = await fetch(`${base}/api/v1/llm/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('event: text')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    expect(received).toContain('event: text');
    expect(received).toContain('"text":"Stream"');
    expect(received).not.toContain('event: done');
    abort.abort();
  });

  it('a token revoked on one replica is refused by both', async () => {
    const admin = await login();
    const created = await api('POST', '/api/v1/tokens', { token: admin, body: { note: 'revoke me' } });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    for (let i = 0; i < 2; i++)
      expect((await api('GET', '/api/v1/auth/me', { token: secret })).status).toBe(200);
    expect(
      (await api('DELETE', `/api/v1/tokens/${created.body.api_token.id}`, { token: admin })).status,
    ).toBe(204);
    // The other replica hears of it through the store (NOTIFY) within milliseconds; from then on
    // both refuse it, whichever nginx picks.
    await vi.waitFor(
      async () => {
        const after: number[] = [];
        for (let i = 0; i < 4; i++)
          after.push((await api('GET', '/api/v1/auth/me', { token: secret })).status);
        expect(after).toEqual([401, 401, 401, 401]);
      },
      { timeout: 10_000, interval: 20 },
    );
  });

  it('the failed-login limit per client IP is shared; a spoofed X-Forwarded-For does not escape it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await api('POST', '/api/v1/auth/login', {
        body: { username: `ghost-${i}`, password: 'wrong wrong wrong' },
        // nginx replaces this with the real peer address.
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    await vi.waitFor(() => expect(new Set(upstreamsOf('/api/v1/auth/login'))).toEqual(new Set([1, 2])));
  });

  it('keeps serving when one replica is down, and says so clearly when both are', async () => {
    await stop(replicas[1]);
    for (let i = 0; i < 3; i++) expect((await api('GET', '/health')).status).toBe(200);
    await stop(replicas[0]);
    const down = await api('GET', '/api/v1/auth/me');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: { code: 'UPSTREAM_DOWN' } });
    expect(down.body.error.message).toContain('docker compose ps');
  });
});
