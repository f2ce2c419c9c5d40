import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

const db = useTestDatabase('server-accounts');
const ADMIN_PASSWORD = 'admin password for tests';
let server: RunningServer;

beforeAll(async () => {
  await adminQuery(
    db.url,
    "CREATE TABLE public.notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'first')",
  );
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD },
    {
      yaml: `auth:
  bcrypt_cost: 4
  lockout: { max_failures: 3, minutes: 15 }
  ip_rate_limit: { max_failures: 4, window_minutes: 15 }
connections:
  - name: main
    url: ${db.url}
  - name: writer
    url: ${db.url}
    allow_writes: true
`,
    },
  );
});
afterAll(async () => {
  await server?.close();
});

type Json = Record<string, unknown>;

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; cookie?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await server.app.request(`http://127.0.0.1${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

async function login(username: string, password: string): Promise<string> {
  const response = await call('POST', '/api/v1/auth/login', { body: { username, password } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.token as string;
}

let adminToken: string;
beforeAll(async () => {
  adminToken = await login('admin', ADMIN_PASSWORD);
});

async function createUser(username: string, groups: string[] = []) {
  const password = `${username} has a long password`;
  const created = await call('POST', '/api/v1/users', { token: adminToken, body: { username, password } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const group of groups) {
    const added = await call('POST', `/api/v1/groups/${await groupId(group)}/members`, {
      token: adminToken,
      body: { username },
    });
    expect(added.status).toBe(200);
  }
  return { password, token: await login(username, password) };
}

async function groupId(name: string): Promise<string> {
  const list = await call('GET', '/api/v1/groups', { token: adminToken });
  const found = (list.body.groups as { id: string; name: string }[]).find((g) => g.name === name);
  if (found) return found.id;
  const created = await call('POST', '/api/v1/groups', { token: adminToken, body: { name } });
  return created.body.id as string;
}

async function grant(group: string, privilege: Json) {
  const response = await call('POST', '/api/v1/privileges', {
    token: adminToken,
    body: { group, privilege },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

describe('login, sessions and the cookie', () => {
  it('refuses MCP and REST without a token, with a message that says how to log in', async () => {
    const mcp = await server.app.request('http://127.0.0.1/mcp/v1', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(401);
    // The MCP challenge points OAuth-capable clients at the resource metadata (issue 17).
    expect(mcp.headers.get('www-authenticate')).toContain(
      'resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp/v1"',
    );
    expect(await mcp.json()).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('POST /api/v1/auth/login') },
    });
    expect((await call('GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', { token: 'pgmcp_forged' })).status).toBe(401);
    await expect(mcpClient(server, { token: 'not-a-token' })).rejects.toThrow();
  });

  it('logs in: returns a token and sets an httpOnly, SameSite=Strict session cookie', async () => {
    const response = await server.app.request('http://127.0.0.1/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ADMIN', password: ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expires_at: string; user: Json };
    expect(body.user).toMatchObject({ username: 'admin', superuser: true });
    expect(new Date(body.expires_at).getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pgmcp_session=[^;]+; /);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const session = cookie.split(';')[0]!;
    const me = await call('GET', '/api/v1/auth/me', { cookie: session });
    expect(me.body).toMatchObject({
      user: { username: 'admin' },
      credential: { kind: 'session' },
      auth_enabled: true,
    });
    expect((me.body.access as Json).tools).toContain('query_database');
  });

  it('logs out server-side: the token stops working and the cookie is cleared', async () => {
    const token = await login('admin', ADMIN_PASSWORD);
    expect((await call('GET', '/api/v1/auth/me', { token })).status).toBe(200);
    const out = await call('POST', '/api/v1/auth/logout', { token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/pgmcp_session=;/);
    expect((await call('GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });

  it('answers bad login input clearly: wrong password, missing field, not JSON', async () => {
    const wrong = await call('POST', '/api/v1/auth/login', {
      body: { username: 'nobody-here', password: 'x' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
    const missing = await call('POST', '/api/v1/auth/login', { body: { username: 'admin' } });
    expect(missing).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_REQUEST', message: expect.stringContaining('password') } },
    });
    const extra = await call('POST', '/api/v1/auth/login', {
      body: { username: 'a', password: 'b', remember: true },
    });
    expect(extra.body).toMatchObject({
      error: { message: expect.stringContaining('unknown field "remember"') },
    });
    const notJson = await server.app.request('http://127.0.0.1/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": "admin", ',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'INVALID_JSON' } });
    const form = await server.app.request('http://127.0.0.1/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin',
    });
    expect(form.status).toBe(415);
  });

  it('locks an account after repeated failures (answered like a wrong password) until an admin unlocks it', async () => {
    const { password } = await createUser('lockme');
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await call('POST', '/api/v1/auth/login', {
            body: { username: 'lockme', password: 'wrong wrong wrong' },
          })
        ).status,
      ).toBe(401);
    }
    // A locked account answers exactly like an unknown name or a wrong password (security issue 11
    // §5: 423 in 2 ms vs 401 in 200 ms told which names exist); the lock shows to administrators.
    const locked = await call('POST', '/api/v1/auth/login', { body: { username: 'lockme', password } });
    const unknown = await call('POST', '/api/v1/auth/login', { body: { username: 'nobody-here', password } });
    expect(locked.status).toBe(401);
    expect(locked.body).toEqual(unknown.body);
    expect(locked.headers.get('retry-after')).toBeNull();
    const users = await call('GET', '/api/v1/users', { token: adminToken });
    const lockme = (users.body.users as { id: string; username: string; locked_until: string | null }[]).find(
      (u) => u.username === 'lockme',
    )!;
    expect(Date.parse(lockme.locked_until!) - Date.now()).toBeGreaterThan(800_000);
    const { id } = lockme;
    expect((await call('POST', `/api/v1/users/${id}/unlock`, { token: adminToken })).status).toBe(204);
    expect(
      (await call('POST', '/api/v1/auth/login', { body: { username: 'lockme', password } })).status,
    ).toBe(200);
  });

  it('rate-limits failed logins per client IP (429 + Retry-After), counted from the socket', async () => {
    const attempt = () =>
      fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
        body: JSON.stringify({ username: `ghost-${Math.random()}`, password: 'nope nope nope' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses[4]).toBe(429);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });
});

describe('API tokens', () => {
  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const created = await call('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { note: 'ci', expires_in_days: 30 },
    });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    expect(secret).toMatch(/^pgmcp_[A-Za-z0-9_-]{40,}$/);
    const id = (created.body.api_token as Json).id as string;
    const list = await call('GET', '/api/v1/tokens', { token: adminToken });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.tokens).toContainEqual(expect.objectContaining({ id, note: 'ci', username: 'admin' }));
    const client = await mcpClient(server, { token: secret });
    expect((await client.listTools()).tools.length).toBe(15);
    await client.close();
    expect((await call('DELETE', `/api/v1/tokens/${id}`, { token: adminToken })).status).toBe(204);
    expect((await call('GET', '/api/v1/auth/me', { token: secret })).status).toBe(401);
    expect((await call('DELETE', `/api/v1/tokens/${id}`, { token: adminToken })).body).toMatchObject({
      error: { code: 'NOT_FOUND', message: `There is no API token ${id}. GET /api/v1/tokens lists them.` },
    });
  });

  it('narrows a token by its scope: only the scoped tools are listed, others are refused', async () => {
    const created = await call('POST', '/api/v1/tokens', {
      token: adminToken,
      body: {
        scope: {
          mcp_items: [{ kind: 'tool', name: 'query_database' }],
          connections: [{ name: 'main', access: 'read' }],
        },
      },
    });
    const client = await mcpClient(server, { token: created.body.token as string });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query_database']);
    const refused = await client.callTool({ name: 'get_schema_info', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('not allowed to use the tool "get_schema_info"');
    const other = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', connection_id: 'writer' },
    });
    expect(textOf(other)).toContain('You cannot use the connection "writer"');
    await client.close();
  });

  it('rejects expiry in the past and other users\u2019 tokens without manage_tokens', async () => {
    const past = await call('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { expires_at: '2001-01-01T00:00:00Z' },
    });
    expect(past).toMatchObject({
      status: 400,
      body: { error: { message: 'expires_at must be a valid time in the future.' } },
    });
    const { token } = await createUser('tokenless');
    const forOther = await call('POST', '/api/v1/tokens', { token, body: { username: 'admin' } });
    expect(forOther.status).toBe(403);
  });
});

describe('role-based access through MCP', () => {
  it('a new user sees nothing until granted; grants show up in tools/list and /me', async () => {
    const { token } = await createUser('ann', ['analysts']);
    const admin = await call('GET', '/api/v1/users', { token });
    expect(admin.status).toBe(403);
    expect(admin.body).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('manage_users') },
    });
    let client = await mcpClient(server, { token });
    expect((await client.listTools()).tools).toEqual([]);
    const refused = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } });
    expect(textOf(refused)).toContain('not allowed to use the tool "query_database"');
    await client.close();

    for (const name of ['query_database', 'list_database_connections'])
      await grant('analysts', { type: 'mcp_item', kind: 'tool', name });
    await grant('analysts', { type: 'connection', name: 'main', access: 'read' });
    const me = await call('GET', '/api/v1/auth/me', { token });
    expect(me.body).toMatchObject({
      groups: ['analysts'],
      access: {
        tools: ['list_database_connections', 'query_database'],
        connections: [{ name: 'main', access: 'read' }],
        admin: [],
      },
    });
    client = await mcpClient(server, { token });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      'list_database_connections',
      'query_database',
    ]);
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT body FROM notes' },
    });
    expect(textOf(result)).toBe('body\nfirst\n(1 row)');
    const writer = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', connection_id: 'writer' },
    });
    expect(textOf(writer)).toContain('You cannot use the connection "writer"');
    await client.close();
  });

  it('writes need read_write on a connection that allows writes', async () => {
    const { token } = await createUser('dba', ['dbas']);
    await grant('dbas', { type: 'mcp_item', kind: 'tool', name: 'query_database' });
    await grant('dbas', { type: 'connection', name: 'writer', access: 'read' });
    const client = await mcpClient(server, { token });
    const write = () =>
      client.callTool({
        name: 'query_database',
        arguments: { query: "INSERT INTO notes VALUES (2, 'dba') RETURNING id", connection_id: 'writer' },
      });
    expect((await write()).isError).toBe(true);
    expect((await client.listTools()).tools[0]!.annotations).toMatchObject({ readOnlyHint: true });
    await grant('dbas', { type: 'connection', name: 'writer', access: 'read_write' });
    const written = await write();
    expect(written.isError).toBeFalsy();
    expect(await adminQuery(db.url, 'SELECT body FROM notes WHERE id = 2')).toEqual([{ body: 'dba' }]);
    await client.close();
  });

  it('public items are usable by everyone; nested groups inherit', async () => {
    const { token } = await createUser('newcomer', ['interns']);
    const put = await call('PUT', '/api/v1/privileges/items/tool/list_database_connections', {
      token: adminToken,
      body: { public: true },
    });
    expect(put.status).toBe(204);
    const add = await call('POST', `/api/v1/groups/${await groupId('analysts')}/members`, {
      token: adminToken,
      body: { group: 'interns' },
    });
    expect(add.body).toMatchObject({ members: { groups: ['interns'] } });
    const cycle = await call('POST', `/api/v1/groups/${await groupId('interns')}/members`, {
      token: adminToken,
      body: { group: 'analysts' },
    });
    expect(cycle).toMatchObject({ status: 409, body: { error: { code: 'GROUP_CYCLE' } } });
    const client = await mcpClient(server, { token });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
      'list_database_connections',
      'query_database',
    ]);
    await client.close();
  });
});

describe('connections and per-token pools', () => {
  it('keeps the current connection per token and gives each token its own database sessions', async () => {
    const { password } = await createUser('multi', ['dbas']);
    const tokenA = await login('multi', password);
    const tokenB = await login('multi', password);
    expect(
      (await call('POST', '/api/v1/connections/current', { token: tokenA, body: { connection: 'writer' } }))
        .status,
    ).toBe(200);
    expect((await call('GET', '/api/v1/connections/current', { token: tokenA })).body).toEqual({
      connection: 'writer',
    });
    const listB = await call('GET', '/api/v1/connections', { token: tokenB });
    expect(listB.body.connections).toEqual([
      expect.objectContaining({ name: 'writer', current: true, access: 'read_write', writes_allowed: true }),
    ]);
    const denied = await call('POST', '/api/v1/connections/current', {
      token: tokenA,
      body: { connection: 'main' },
    });
    expect(denied).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

    const pid = async (token: string) => {
      const client = await mcpClient(server, { token });
      const result = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT pg_backend_pid() AS pid' },
      });
      await client.close();
      return (result.structuredContent as { rows: number[][] }).rows[0]![0];
    };
    const [pidA, pidB] = [await pid(tokenA), await pid(tokenB)];
    expect(pidA).not.toBe(pidB);
    const meA = await call('GET', '/api/v1/auth/me', { token: tokenA });
    const credentialA = (meA.body.credential as Json).id as string;
    expect(server.pools.sessionKeys()).toContain(credentialA);
    await call('POST', '/api/v1/auth/logout', { token: tokenA });
    await expect.poll(() => server.pools.sessionKeys().includes(credentialA)).toBe(false);
    await expect
      .poll(
        async () =>
          (
            await adminQuery<{ n: string }>(
              db.adminUrl,
              `SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ${pidA}`,
            )
          )[0]!.n,
      )
      .toBe('0');
  });
});

describe('administration and the OpenAPI document', () => {
  it('manages users: create, update, duplicate names, weak passwords, delete', async () => {
    const weak = await call('POST', '/api/v1/users', {
      token: adminToken,
      body: { username: 'weak', password: 'short' },
    });
    expect(weak).toMatchObject({ status: 400, body: { error: { code: 'WEAK_PASSWORD' } } });
    const created = await call('POST', '/api/v1/users', {
      token: adminToken,
      body: { username: 'bob', password: 'bob has a long password', email: 'bob@example.com' },
    });
    expect(created.body).toMatchObject({ username: 'bob', email: 'bob@example.com', superuser: false });
    const dup = await call('POST', '/api/v1/users', {
      token: adminToken,
      body: { username: 'BOB', password: 'bob has a long password' },
    });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_EXISTS' } } });
    const id = created.body.id as string;
    const disabled = await call('PATCH', `/api/v1/users/${id}`, {
      token: adminToken,
      body: { enabled: false },
    });
    expect(disabled.body).toMatchObject({ enabled: false });
    const noLogin = await call('POST', '/api/v1/auth/login', {
      body: { username: 'bob', password: 'bob has a long password' },
    });
    expect(noLogin.status).toBe(403);
    expect((await call('DELETE', `/api/v1/users/${id}`, { token: adminToken })).status).toBe(204);
    expect((await call('GET', `/api/v1/users/${id}`, { token: adminToken })).status).toBe(404);
  });

  it('serves an OpenAPI document generated from the contract', async () => {
    const doc = await call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({ openapi: '3.1.0', info: { title: 'pgmcp REST API' } });
    const paths = doc.body.paths as Record<string, Record<string, Json>>;
    expect(paths['/api/v1/auth/login']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { type: 'object', required: ['username', 'password'] } } },
    });
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/tokens/{id}',
        '/api/v1/users',
        '/api/v1/groups/{id}/members',
        '/api/v1/connections/current',
      ]),
    );
  });
});
