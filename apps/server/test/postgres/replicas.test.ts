import { type FakeProvider, startFakeProvider, textReply } from '@pgmcp/llm-clients/testing';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { NO_DATABASE_URL, startTestServer } from '../helpers.js';

// Two server processes' worth of state — two servers in this process, sharing nothing but one
// PostgreSQL account store — as replicas behind a load balancer: the login limiter per client IP,
// account lockout and the LLM per-user rate limit must hold across them, not per replica.

const store = useTestDatabase('server-replicas');
const ADMIN_PASSWORD = 'admin password for replicas';
const hello = { messages: [{ role: 'user', content: 'hello' }] };

let fake: FakeProvider;
let replicas: [RunningServer, RunningServer];

/** A call over the replica's real socket, as from the client `ip` behind a trusted proxy. */
async function call(
  replica: number,
  method: string,
  route: string,
  options: { token?: string; body?: unknown; ip?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${replicas[replica % 2]!.url}${route}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      'x-forwarded-for': options.ip ?? '192.0.2.1',
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function login(replica: number, username: string, password: string, ip?: string) {
  return call(replica, 'POST', '/api/v1/auth/login', { body: { username, password }, ...(ip ? { ip } : {}) });
}

beforeAll(async () => {
  fake = await startFakeProvider({ provider: 'anthropic', responder: () => textReply('pong') });
  const start = () =>
    startTestServer(
      {
        PGMCP_AUTH: 'on',
        PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        PGMCP_STORE_URL: store.url,
        PGMCP_DATABASE_URL: NO_DATABASE_URL,
        ANTHROPIC_API_KEY: 'sk-ant-api03-test-key',
        PGMCP_ANTHROPIC_BASE_URL: fake.url,
      },
      {
        yaml: `auth:
  bcrypt_cost: 4
  trusted_proxies: ["127.0.0.1"]
  lockout: { max_failures: 3, minutes: 15 }
  ip_rate_limit: { max_failures: 4, window_minutes: 15 }
llm:
  requests_per_minute: 3
`,
      },
    );
  // One after the other, then together: both must find the store migrated and the admin there.
  const first = await start();
  replicas = [first, await start()];
}, 60_000);
afterAll(async () => {
  await Promise.all(replicas?.map((replica) => replica.close()) ?? []);
  await fake?.close();
});

async function createUser(username: string): Promise<string> {
  const admin = (await login(0, 'admin', ADMIN_PASSWORD)).body.token as string;
  const password = `${username} has a long password`;
  const created = await call(1, 'POST', '/api/v1/users', { token: admin, body: { username, password } });
  expect(created.status).toBe(201);
  return password;
}

describe('two replicas on one PostgreSQL store', () => {
  it('a session made on one replica works on the other, and a logout on one ends it on both', async () => {
    const token = (await login(0, 'admin', ADMIN_PASSWORD)).body.token as string;
    expect((await call(1, 'GET', '/api/v1/auth/me', { token })).status).toBe(200);
    expect((await call(1, 'POST', '/api/v1/auth/logout', { token })).status).toBe(204);
    expect((await call(0, 'GET', '/api/v1/auth/me', { token })).status).toBe(401);
  });

  it('a token revoked on one replica is refused at once by the other, which had it cached', async () => {
    const admin = (await login(0, 'admin', ADMIN_PASSWORD)).body.token as string;
    const created = await call(0, 'POST', '/api/v1/tokens', { token: admin, body: { note: 'short-lived' } });
    const secret = created.body.token as string;
    const { id } = created.body.api_token as { id: string };
    // Both replicas now hold the token in their login cache.
    for (const replica of [0, 1])
      expect((await call(replica, 'GET', '/api/v1/auth/me', { token: secret })).status).toBe(200);
    expect((await call(0, 'DELETE', `/api/v1/tokens/${id}`, { token: admin })).status).toBe(204);
    // The other replica hears of it through the store (NOTIFY), milliseconds later.
    await vi.waitFor(
      async () => expect((await call(1, 'GET', '/api/v1/auth/me', { token: secret })).status).toBe(401),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
  });

  it('share the failed-login limit per client IP: attempts alternate, the limit is the total', async () => {
    const ip = '198.51.100.20';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(i, `ghost-${i}`, 'wrong wrong wrong', ip)).status);
    // 4 failures allowed in all (ip_rate_limit.max_failures), not 4 per replica.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const limited = await login(1, 'ghost', 'wrong wrong wrong', ip);
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await login(0, 'ghost', 'wrong wrong wrong', '198.51.100.21')).status).toBe(401);
  });

  it('share account lockout: failures on both replicas lock the account everywhere', async () => {
    const password = await createUser('lockme');
    for (let i = 0; i < 3; i++)
      expect((await login(i, 'lockme', 'not the password at all', `203.0.113.${i}`)).status).toBe(401);
    for (const replica of [0, 1]) {
      const locked = await login(replica, 'lockme', password, '203.0.113.9');
      expect(locked.status, `replica ${replica}`).toBe(401);
    }
    const admin = (await login(1, 'admin', ADMIN_PASSWORD)).body.token as string;
    const users = (await call(0, 'GET', '/api/v1/users', { token: admin })).body.users as {
      username: string;
      locked_until: string | null;
    }[];
    expect(users.find((user) => user.username === 'lockme')?.locked_until).not.toBeNull();
  });

  it('share the LLM per-user rate limit: calls alternate, the fourth in the minute is refused', async () => {
    const password = await createUser('chatter');
    const token = (await login(0, 'chatter', password, '203.0.113.50')).body.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(i, 'POST', '/api/v1/llm/chat', { token, body: hello })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await call(0, 'POST', '/api/v1/llm/chat', { token, body: hello });
    expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fake.requests.filter((request) => request.kind === 'chat')).toHaveLength(3);
  });
});
