import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

// Security issue 11 §13: an early answer (413 before the body is read, 401, 415) sometimes never
// reached a client that writes its whole body before reading: the connection was closed under it
// (EPIPE/ECONNRESET, no HTTP answer at all). The server now reads and discards what is in flight,
// within a bound, before it closes, as nginx does with a lingering close.

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({
    PGMCP_DATABASE_URL: NO_DATABASE_URL,
    PGMCP_AUTH: 'on',
    PGMCP_ADMIN_PASSWORD: 'early answers admin pw',
  });
});
afterAll(async () => {
  await server?.close();
});

/** Sends a whole request (headers and body) on a raw socket, then reads the answer's status line. */
async function sendWholeThenRead(head: string, bodyBytes: number): Promise<string> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let error: Error | undefined;
  socket.on('error', (e) => (error = e));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const write = (data: Buffer | string) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed || socket.write(data)) resolve();
      else socket.once('drain', () => resolve());
    });
  await write(`${head}Content-Length: ${bodyBytes}\r\n\r\n`);
  const chunk = Buffer.alloc(256 * 1024, 'x');
  for (let sent = 0; sent < bodyBytes && !socket.destroyed; sent += chunk.length) {
    await write(sent + chunk.length > bodyBytes ? chunk.subarray(0, bodyBytes - sent) : chunk);
  }
  socket.end();
  await closed;
  const text = Buffer.concat(received).toString('latin1');
  if (!text) throw new Error(`no HTTP answer at all (${error?.message ?? 'connection closed'})`);
  return text.split('\r\n')[0]!;
}

describe('early answers reach a client that sends its whole body first', () => {
  it.each([1, 2, 3, 4, 5, 6])('413 for a 24 MiB body (run %i)', async () => {
    const status = await sendWholeThenRead(
      'POST /mcp/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n',
      24 * 1024 * 1024,
    );
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('401 for a request without credentials, before its 4 MiB body is read', async () => {
    const status = await sendWholeThenRead(
      'POST /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n',
      4 * 1024 * 1024,
    );
    expect(status).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('415 for a body that is not JSON', async () => {
    const status = await sendWholeThenRead(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n',
      2 * 1024 * 1024,
    );
    expect(status).toBe('HTTP/1.1 415 Unsupported Media Type');
  });
});
