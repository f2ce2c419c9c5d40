import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pgmcp/config';
import type { RunningServer } from '../src/start.js';
import { toErrorResponse } from '../src/errors/to-error-response.js';
import { WEB_CONTENT_SECURITY_POLICY, webStatic } from '../src/web-static.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

/** A stand-in for apps/web/dist: index.html, a hashed script, an unhashed icon, a file outside. */
function builtWebDir(): string {
  const root = makeTempDir('pgmcp-web-');
  const dir = path.join(root, 'dist');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'index-AbC123xy.js'), 'console.log("app")');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(root, 'secret.txt'), 'not for the web');
  return dir;
}

describe('webStatic', () => {
  const dir = builtWebDir();
  const app = new Hono();
  app.get('/api/v1/ping', (c) => c.json({ ok: true }));
  app.use(webStatic({ dir }));
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: 'no route' } }, 404));
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.request(`http://127.0.0.1${url}`, { headers });

  it('serves index.html at / with the strict CSP, revalidated on every visit', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('id="root"');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toBe(WEB_CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('caches hashed assets for a year and other files only with revalidation', async () => {
    const script = await get('/assets/index-AbC123xy.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log("app")');
    const icon = await get('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await get('/assets/index-AbC123xy.js');
    const again = await get('/assets/index-AbC123xy.js', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('falls back to index.html for client routes, but not for missing assets or the API', async () => {
    const route = await get('/conversations/42', { accept: 'text/html' });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('id="root"');
    expect((await get('/settings')).status).toBe(200);

    const missing = await get('/assets/gone-XyZ98765.js');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const api = await get('/api/v1/unknown', { accept: 'text/html' });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/);
    expect((await get('/mcp/v2', { accept: 'text/html' })).status).toBe(404);
    expect(await (await get('/api/v1/ping')).json()).toEqual({ ok: true });
  });

  it('sends the smallest precompressed copy the client accepts, varying on Accept-Encoding', async () => {
    const script = `console.log(${JSON.stringify('rows and columns '.repeat(200))});`;
    writeFileSync(path.join(dir, 'assets', 'big-Zz98765x.js'), script);
    writeFileSync(path.join(dir, 'assets', 'big-Zz98765x.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dir, 'assets', 'big-Zz98765x.js.gz'), gzipSync(script));
    const url = '/assets/big-Zz98765x.js';

    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(script);

    const gz = await get(url, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(script);
    expect(gz.headers.get('etag')).not.toBe(br.headers.get('etag'));

    const plain = await get(url);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    expect(await plain.text()).toBe(script);
    // A revalidation matches only the copy it was given.
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': br.headers.get('etag')! });
    expect(again.status).toBe(304);
    // Files without a compressed copy do not vary.
    expect((await get('/favicon.svg', { 'accept-encoding': 'br' })).headers.get('vary')).toBeNull();
  });

  it('leaves /.well-known/ to the app: a discovery document is never the web page', async () => {
    const discovery = await get('/.well-known/oauth-authorization-server', { accept: 'text/html' });
    expect(discovery.status).toBe(404);
    expect(discovery.headers.get('content-type')).toMatch(/json/);
  });

  it('never serves a file outside its directory', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await get(url);
      expect(await response.text()).not.toContain('not for the web');
    }
  });

  it('leaves other methods to the app', async () => {
    const response = await app.request('http://127.0.0.1/', { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('says how to build the client when it is not built', async () => {
    const bare = new Hono();
    // Behind the server's one error edge, as in createApp.
    bare.onError((error) => toErrorResponse(error));
    const missing = path.join(tmpdir(), 'pgmcp-no-such-web-dir');
    bare.use(webStatic({ dir: missing }));
    const page = await bare.request('http://127.0.0.1/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('The web client is not built');
    const json = await bare.request('http://127.0.0.1/');
    expect(await json.json()).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('pnpm build') },
    });
  });
});

describe('web_dir configuration', () => {
  it('defaults to apps/web/dist of this checkout and follows PGMCP_WEB_DIR', () => {
    const cwd = makeTempDir('pgmcp-web-config-');
    const expected = path.resolve(import.meta.dirname, '..', '..', 'web', 'dist');
    expect(loadConfig({}, {}, cwd).webDir).toBe(expected);
    expect(loadConfig({}, { PGMCP_WEB_DIR: 'public' }, cwd).webDir).toBe(path.join(cwd, 'public'));
  });
});

describe('the server serves the web client', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ PGMCP_DATABASE_URL: NO_DATABASE_URL, PGMCP_WEB_DIR: builtWebDir() });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('at / over its socket, with the CSP and the usual security headers, next to the API', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('id="root"');

    const health = await fetch(`${server.url}/health`, { headers: { accept: 'text/html' } });
    expect(health.headers.get('content-type')).toMatch(/json/);
    const unknown = await fetch(`${server.url}/api/v1/nothing`, { headers: { accept: 'text/html' } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
