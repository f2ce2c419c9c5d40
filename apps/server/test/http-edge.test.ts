import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer(
    { PGMCP_DATABASE_URL: NO_DATABASE_URL, PGMCP_ALLOWED_ORIGINS: 'https://console.example.com' },
    { yaml: 'http:\n  request_timeout_ms: 1500\n  headers_timeout_ms: 1000\n' },
  );
});
afterAll(async () => {
  await server?.close();
});

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
});

function mcpPost(body: string, headers: Record<string, string> = {}) {
  return server.app.request('http://127.0.0.1/mcp/v1', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });
}

describe('HTTP edge', () => {
  it('answers a bad Origin with 403 and a JSON error, and admits its own and allowed origins', async () => {
    const evil = await mcpPost(initialize, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toEqual({
      error: {
        code: 'FORBIDDEN_ORIGIN',
        message: expect.stringContaining('Origin "https://evil.example" is not allowed'),
      },
    });
    // A page on another loopback port is another site (SameSite would treat it as the same one).
    expect((await mcpPost(initialize, { origin: 'http://localhost:5173' })).status).toBe(403);
    expect((await mcpPost(initialize, { origin: 'http://127.0.0.1' })).status).toBe(200);
    expect((await mcpPost(initialize, { origin: 'https://console.example.com' })).status).toBe(200);
    expect((await mcpPost(initialize, { origin: 'null' })).status).toBe(403);
  });

  it('refuses a Host that is not this server (DNS rebinding)', async () => {
    const response = await server.app.request('http://rebind.attacker.example/health');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } });
  });

  it('answers an oversized body with 413 and a JSON error', async () => {
    const big = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'x'.repeat(11 * 1024 * 1024)}"}}`;
    const response = await mcpPost(big);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('larger than 10 MiB') },
    });
  });

  it('counts a chunked body without Content-Length and refuses it past the limit', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // Its own connection, not fetch's keep-alive pool: the server closes it after refusing.
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/mcp/v1',
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(1024 * 1024);
      let sent = 0;
      const write = () => {
        while (sent < 12) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers malformed JSON with JSON-RPC -32700', async () => {
    const response = await mcpPost('{"jsonrpc": "2.0", "id": 1, "method": "initialize", ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  it('answers a wrong content type with a clear error', async () => {
    const response = await mcpPost(initialize, { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/Content-Type/i);
  });

  it('answers unknown routes with a JSON 404 and sets security headers everywhere', async () => {
    // Unknown pages of the web client fall back to the app; unknown API routes are JSON 404s.
    const response = await server.app.request('http://127.0.0.1/api/v1/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route GET /api/v1/nope. The MCP endpoint is /mcp/v1.' },
    });
    const post = await server.app.request('http://127.0.0.1/nope', { method: 'POST' });
    expect(post.status).toBe(404);
    for (const res of [response, await server.app.request('http://127.0.0.1/health')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('drops a slowloris request after the request timeout and keeps serving others', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /mcp/v1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":`,
    );
    // While the slow client holds its connection, others are served.
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(Buffer.concat(received).toString('utf8')).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
