import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer } from '../helpers.js';

// The activity log end to end: MCP calls through the official client, logins, token and admin
// changes, read back over REST by an administrator and by a user, in full and metadata mode.

const db = useTestDatabase('server-audit');
const ADMIN_PASSWORD = 'admin password for audit tests';
type Json = Record<string, unknown>;
type Event = Record<string, unknown> & { action: string; outcome: string };

beforeAll(async () => {
  await adminQuery(
    db.url,
    "CREATE TABLE public.accounts (id int PRIMARY KEY, owner text); INSERT INTO accounts VALUES (1, 'ada'), (2, 'bob')",
  );
});

function yaml(extra = ''): string {
  return `auth:\n  bcrypt_cost: 4\nconnections:\n  - name: main\n    url: ${db.url}\n${extra}`;
}

function api(server: RunningServer) {
  return async (method: string, url: string, options: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await server.app.request(`http://127.0.0.1${url}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
  };
}

describe('the activity log (full mode, streamed to a file)', () => {
  let server: RunningServer;
  let call: ReturnType<typeof api>;
  let admin: string;
  const streamFile = path.join(makeTempDir('pgmcp-audit-stream-'), 'audit.jsonl');
  beforeAll(async () => {
    server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD },
      { yaml: yaml(`audit:\n  stream: ${streamFile}\n`) },
    );
    call = api(server);
    admin = (
      await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })
    ).body.token as string;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records MCP calls with token, client, SQL, rows and a refused attack with the guard’s reason and no secret', async () => {
    const created = await call('POST', '/api/v1/tokens', { token: admin, body: { note: 'audit test' } });
    expect(created.status).toBe(201);
    const secret = created.body.token as string;
    const tokenId = (created.body.api_token as Json).id as string;
    const client = await mcpClient(server, { token: secret });
    try {
      const ok = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT id, owner FROM public.accounts ORDER BY id' },
      });
      expect(ok.isError).not.toBe(true);
      const attack = await client.callTool({
        name: 'query_database',
        arguments: { query: "SELECT 1; DROP TABLE public.accounts; SELECT pg_read_file('/etc/passwd')" },
      });
      expect(attack.isError).toBe(true);
      await client.readResource({ uri: 'pg://system_info' });
    } finally {
      await client.close();
    }
    const listed = await call('GET', '/api/v1/audit?kind=mcp', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.scope).toBe('all');
    const events = listed.body.events as Event[];
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['resource:pg://system_info', 'ok'],
      ['tool:query_database', 'refused'],
      ['tool:query_database', 'ok'],
    ]);
    const [, refused, done] = events;
    expect(done).toMatchObject({
      kind: 'mcp',
      username: 'admin',
      token_id: tokenId,
      connection: 'main',
      sql: 'SELECT id, owner FROM public.accounts ORDER BY id',
      sql_fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      rows: 2,
      bytes: expect.any(Number),
      duration_ms: expect.any(Number),
      client_name: 'server-test',
      client_version: '1',
    });
    expect(refused!.reason).toMatch(/one statement/i);
    expect(refused!.sql).toContain('DROP TABLE');
    // The table is still there, and no record anywhere holds the token's secret.
    expect(await adminQuery(db.url, 'SELECT count(*)::int AS n FROM public.accounts')).toEqual([{ n: 2 }]);
    const everything = await call('GET', '/api/v1/audit?limit=1000', { token: admin });
    const text = JSON.stringify(everything.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect((everything.body.events as Event[]).map((e) => e.action)).toEqual(
      expect.arrayContaining(['login', 'createToken']),
    );
    const token = (everything.body.events as Event[]).find((e) => e.action === 'createToken');
    expect(token).toMatchObject({ kind: 'token', outcome: 'ok', target: `id=${tokenId}`, username: 'admin' });
    // The same records went to the stream file as JSON lines.
    const lines = (await readFile(streamFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    expect(lines.map((l) => l.action)).toEqual(
      expect.arrayContaining(['login', 'createToken', 'tool:query_database']),
    );
    expect(await readFile(streamFile, 'utf8')).not.toContain(secret);
  });

  it('records admin changes and refusals; a user sees only their own activity', async () => {
    const created = await call('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'carol', password: 'carol has a long password' },
    });
    expect(created.status).toBe(201);
    const carol = (
      await call('POST', '/api/v1/auth/login', {
        body: { username: 'carol', password: 'carol has a long password' },
      })
    ).body.token as string;
    expect(
      (
        await call('POST', '/api/v1/users', {
          token: carol,
          body: { username: 'eve', password: 'x'.repeat(20) },
        })
      ).status,
    ).toBe(403);
    const failed = await call('POST', '/api/v1/auth/login', {
      body: { username: 'carol', password: 'wrong password!!' },
    });
    expect(failed.status).toBe(401);

    const own = await call('GET', '/api/v1/audit', { token: carol });
    expect(own.body.scope).toBe('own');
    const mine = own.body.events as Event[];
    expect(mine.every((e) => e.username === 'carol')).toBe(true);
    expect(mine.map((e) => [e.action, e.outcome])).toEqual([
      ['login', 'refused'],
      ['createUser', 'refused'],
      ['login', 'ok'],
    ]);
    expect(mine[1]!.reason).toMatch(/manage_users/);
    expect(mine[0]!.reason).toBe('wrong_password');
    expect((await call('GET', '/api/v1/audit?user=admin', { token: carol })).status).toBe(403);

    const adminView = await call('GET', '/api/v1/audit?kind=admin&outcome=ok', { token: admin });
    expect((adminView.body.events as Event[])[0]).toMatchObject({
      action: 'createUser',
      username: 'admin',
      target: expect.stringMatching(/^id=/),
    });
  });

  it('refuses a bad time range naming the field', async () => {
    const bad = await call('GET', '/api/v1/audit?since=yesterday', { token: admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/since: must be a span back from now such as 7d/);
    const backwards = await call('GET', '/api/v1/audit?since=1h&until=2h', { token: admin });
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toMatch(/since must be before until/);
  });
});

describe('the activity log in metadata mode', () => {
  it('stores a fingerprint and never the SQL text', async () => {
    const server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD },
      { yaml: yaml('audit:\n  mode: metadata\n') },
    );
    try {
      const call = api(server);
      const admin = (
        await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })
      ).body.token as string;
      const client = await mcpClient(server, { token: admin });
      try {
        await client.callTool({
          name: 'query_database',
          arguments: { query: "SELECT owner FROM public.accounts WHERE owner = 'sensitive-literal'" },
        });
      } finally {
        await client.close();
      }
      const listed = await call('GET', '/api/v1/audit?kind=mcp', { token: admin });
      const [event] = listed.body.events as Event[];
      expect(event).toMatchObject({ action: 'tool:query_database', outcome: 'ok', rows: 0 });
      expect(event!.sql).toBeUndefined();
      expect(event!.sql_fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(JSON.stringify(listed.body)).not.toContain('sensitive-literal');
    } finally {
      await server.close();
    }
  });
});

describe('the activity log switched off (PGMCP_AUDIT=off)', () => {
  it('records nothing and still answers the route', async () => {
    const server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_AUDIT: 'off' },
      { yaml: yaml() },
    );
    try {
      const call = api(server);
      const admin = (
        await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })
      ).body.token as string;
      const client = await mcpClient(server, { token: admin });
      try {
        await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } });
      } finally {
        await client.close();
      }
      const listed = await call('GET', '/api/v1/audit', { token: admin });
      expect(listed.status).toBe(200);
      expect(listed.body.events).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
