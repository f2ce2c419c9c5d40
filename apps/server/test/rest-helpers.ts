import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { pino } from 'pino';
import type { Logger } from '../src/logger.js';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

type Json = Record<string, unknown>;

/** One answer: status, headers, raw text and the parsed JSON body (undefined when not JSON). */
export interface RestResponse {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

/** What {@link restClient} returns. */
export interface RestClient {
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<RestResponse>;
  login(username: string, password: string): Promise<string>;
  createUser(adminToken: string, username: string): Promise<{ id: string; token: string }>;
  /** Every status line, header and body the server sent, to check that no secret ever appears. */
  seen: string[];
}

/** A logger that keeps every line it writes (debug and up), to check what reaches the log. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A REST caller for the running server (in-process through app.request) that remembers every answer. */
export function restClient(server: RunningServer): RestClient {
  const seen: string[] = [];

  const call: RestClient['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.rawBody !== undefined)
      headers['content-type'] ??= 'application/json';
    const response = await server.app.request(`http://127.0.0.1${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.rawBody !== undefined ? { body: options.rawBody } : {}),
    });
    const text = await response.text();
    seen.push(`${response.status} ${JSON.stringify([...response.headers])}\n${text}`);
    let body: Json | undefined;
    try {
      body = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: body as Json };
  };

  async function login(username: string, password: string): Promise<string> {
    const response = await call('POST', '/api/v1/auth/login', { body: { username, password } });
    expect(response.status, response.text).toBe(200);
    return response.body.token as string;
  }

  /** Creates a user as `adminToken` and logs them in. */
  async function createUser(adminToken: string, username: string): Promise<{ id: string; token: string }> {
    const password = `${username} has a long password`;
    const created = await call('POST', '/api/v1/users', { token: adminToken, body: { username, password } });
    expect(created.status, created.text).toBe(201);
    return { id: created.body.id as string, token: await login(username, password) };
  }

  return { call, login, createUser, seen };
}

/** One server-sent event as it went over the wire. */
export interface SseMessage {
  event: string;
  data: unknown;
}

/** Splits an event stream into its events (data parsed as JSON) and its comment lines. */
export function parseSse(text: string): { events: SseMessage[]; comments: string[] } {
  const events: SseMessage[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
  }
  return { events, comments };
}

/** The admin password of {@link startAccountsServer}. */
export const ADMIN_PASSWORD = 'admin password for tests';

/**
 * The real server with accounts on and no PostgreSQL (its default connection refuses at once), a
 * REST caller for it, and a token of the admin's login.
 */
export async function startAccountsServer(
  env: Record<string, string> = {},
  options?: Parameters<typeof startTestServer>[1],
): Promise<{ server: RunningServer; api: RestClient; adminToken: string }> {
  const server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATABASE_URL: NO_DATABASE_URL, ...env },
    options,
  );
  const api = restClient(server);
  return { server, api, adminToken: await api.login('admin', ADMIN_PASSWORD) };
}
