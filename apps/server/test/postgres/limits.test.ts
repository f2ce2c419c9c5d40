import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

// `limits:` end to end on two replicas (two servers sharing one PostgreSQL account store, as behind
// a load balancer): MCP calls per token, REST requests per user, statements at once per token.

const store = useTestDatabase('server-limits-store');
const data = useTestDatabase('server-limits-data');
const ADMIN_PASSWORD = 'admin password for limits';
type Json = Record<string, unknown>;

let replicas: [RunningServer, RunningServer];
let admin: string;

async function call(
  replica: number,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${replicas[replica % 2]!.url}${route}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parse(text) };
}

/** A JSON body, or the messages of an SSE body (one JSON-RPC message per `data:` line). */
function parse(text: string): unknown {
  if (!text) return undefined;
  if (!/^(event|data|id):/m.test(text.slice(0, 20))) return JSON.parse(text);
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

/** One plain JSON-RPC request to /mcp/v1 as a legacy stateless client sends it. */
function mcp(replica: number, token: string, body: unknown, version = '2025-06-18') {
  return call(replica, 'POST', '/mcp/v1', {
    token,
    body,
    headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': version },
  });
}

const toolCall = (id: number, name: string, args: Json = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

async function newToken(note: string): Promise<string> {
  const created = await call(0, 'POST', '/api/v1/tokens', { token: admin, body: { note } });
  expect(created.status).toBe(201);
  return (created.body as Json).token as string;
}

beforeAll(async () => {
  const start = () =>
    startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_STORE_URL: store.url },
      {
        yaml: `auth:
  bcrypt_cost: 4
connections:
  - name: main
    url: ${data.url}
limits:
  mcp_calls_per_minute: 6
  concurrent_statements_per_token: 1
  groups:
    limited: { rest_requests_per_minute: 4 }
    unlimited: { mcp_calls_per_minute: 0 }
`,
      },
    );
  const first = await start();
  replicas = [first, await start()];
  const login = await call(0, 'POST', '/api/v1/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  admin = (login.body as Json).token as string;
}, 60_000);
afterAll(async () => {
  await Promise.all(replicas?.map((replica) => replica.close()) ?? []);
});

describe('limits on two replicas sharing a PostgreSQL store', () => {
  it('MCP calls per token: alternating replicas, the limit is the total; 429 with Retry-After', async () => {
    const token = await newToken('rate');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await mcp(i, token, toolCall(i, 'list_database_connections'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    const refused = await mcp(1, token, toolCall(9, 'list_database_connections'));
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({
      id: 9,
      error: { message: expect.stringMatching(/limits\.mcp_calls_per_minute\). Try again in \d+ s\./) },
    });
    // Lists are not calls, and another token has its own count.
    expect((await mcp(0, token, { jsonrpc: '2.0', id: 10, method: 'tools/list' })).status).toBe(200);
    const other = await newToken('other');
    expect((await mcp(1, other, toolCall(11, 'list_database_connections'))).status).toBe(200);
  });

  it('inside a batch, a refused call is a tool error and the others are answered', async () => {
    const token = await newToken('batch');
    const batch = Array.from({ length: 8 }, (_, i) => toolCall(i + 1, 'list_database_connections'));
    const answer = await mcp(0, token, batch, '2025-03-26');
    expect(answer.status).toBe(200);
    const results = answer.body as {
      id: number;
      result: { isError?: boolean; content: { text: string }[] };
    }[];
    expect(results).toHaveLength(8);
    const refused = results.filter((r) => r.result.isError);
    expect(refused).toHaveLength(2);
    for (const r of refused)
      expect(r.result.content[0]!.text).toMatch(
        /^Rate limit: .*limits\.mcp_calls_per_minute\). Try again in \d+ s\.$/,
      );
  });

  it('through the official client (streamed answers), the call over the limit is a tool error', async () => {
    const token = await newToken('client');
    const client = await mcpClient(replicas[1], { token, socket: true });
    try {
      for (let i = 0; i < 6; i++) {
        const ok = await client.callTool({ name: 'list_database_connections', arguments: {} });
        expect(ok.isError, `call ${i}`).toBeFalsy();
      }
      const refused = await client.callTool({ name: 'list_database_connections', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/limits\.mcp_calls_per_minute/);
      // A resource read over the limit is an error naming the limit too.
      await expect(client.readResource({ uri: 'pg://system_info' })).rejects.toThrow(
        /limits\.mcp_calls_per_minute/,
      );
    } finally {
      await client.close();
    }
  });

  it('statements at once per token: the second concurrent one is refused, another token is not', async () => {
    const busy = await newToken('busy');
    const calm = await newToken('calm');
    const slow = mcp(
      0,
      busy,
      toolCall(1, 'query_database', { query: "SELECT pg_sleep(30), 'busy-token-marker' AS marker" }),
    );
    await expect
      .poll(() =>
        adminQuery(
          data.url,
          "SELECT pid FROM pg_stat_activity WHERE query LIKE '%busy-token-marker%' AND pid <> pg_backend_pid()",
        ),
      )
      .toHaveLength(1);
    const refused = await mcp(0, busy, toolCall(2, 'query_database', { query: 'SELECT 1' }));
    expect(refused.status).toBe(200);
    const text = (refused.body as { result: { isError: boolean; content: { text: string }[] } }).result;
    expect(text.isError).toBe(true);
    expect(text.content[0]!.text).toMatch(
      /^This token already runs 1 statement at once \(limits\.concurrent_statements_per_token is 1\)\. Wait for one to finish/,
    );
    const fine = await mcp(0, calm, toolCall(3, 'query_database', { query: 'SELECT 1 AS one' }));
    expect((fine.body as { result: { isError?: boolean } }).result.isError).toBeFalsy();
    await adminQuery(
      data.url,
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%busy-token-marker%' AND pid <> pg_backend_pid()",
    );
    expect((await slow).status).toBe(200);
    // Once it ended, the token runs statements again.
    const after = await mcp(0, busy, toolCall(4, 'query_database', { query: 'SELECT 1 AS one' }));
    expect((after.body as { result: { isError?: boolean } }).result.isError).toBeFalsy();
  });

  it('REST requests per user: a group’s rate, shared by the replicas; 429 with Retry-After', async () => {
    const password = 'carol has a long password';
    const user = await call(0, 'POST', '/api/v1/users', {
      token: admin,
      body: { username: 'carol', password },
    });
    expect(user.status).toBe(201);
    const group = await call(0, 'POST', '/api/v1/groups', { token: admin, body: { name: 'limited' } });
    const groupId = (group.body as { id: string }).id;
    expect(
      (
        await call(1, 'POST', `/api/v1/groups/${groupId}/members`, {
          token: admin,
          body: { username: 'carol' },
        })
      ).status,
    ).toBe(200);
    const login = await call(0, 'POST', '/api/v1/auth/login', { body: { username: 'carol', password } });
    const carol = (login.body as Json).token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call(i, 'GET', '/api/v1/auth/me', { token: carol })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await call(1, 'GET', '/api/v1/tokens', { token: carol });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({
      error: { code: 'RATE_LIMITED', message: expect.stringMatching(/limits\.rest_requests_per_minute/) },
    });
    // The administrator (no group named under limits.groups) keeps the default rate.
    expect((await call(1, 'GET', '/api/v1/auth/me', { token: admin })).status).toBe(200);
  });
});
