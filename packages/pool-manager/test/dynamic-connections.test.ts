import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionConfig,
  createPoolManager,
  type DatabaseLogin,
  type PoolManager,
  type PoolManagerError,
} from '../src/index.js';

const db = useTestDatabase('pool-dynamic');
const suffix = randomBytes(3).toString('hex');
const APP = `app_${suffix}`;
const ALICE = `alice_${suffix}`;
const BOB = `bob_${suffix}`;
const managers: PoolManager[] = [];

function manager(options: Parameters<typeof createPoolManager>[0]): PoolManager {
  const created = createPoolManager(options);
  managers.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

beforeAll(async () => {
  for (const role of [APP, ALICE, BOB])
    await adminQuery(db.url, `CREATE ROLE ${role} LOGIN PASSWORD 'first-pw'`);
  await adminQuery(db.url, `GRANT CONNECT ON DATABASE "${db.name}" TO ${APP}, ${ALICE}, ${BOB}`);
  await adminQuery(db.url, 'CREATE TABLE notes (owner name NOT NULL, body text NOT NULL)');
  await adminQuery(
    db.url,
    `INSERT INTO notes VALUES ('${ALICE}', 'alice 1'), ('${ALICE}', 'alice 2'), ('${BOB}', 'bob 1')`,
  );
  await adminQuery(db.url, 'ALTER TABLE notes ENABLE ROW LEVEL SECURITY');
  await adminQuery(db.url, 'CREATE POLICY own_notes ON notes USING (owner = current_user)');
  await adminQuery(db.url, `GRANT SELECT ON notes TO ${ALICE}, ${BOB}`);
});

afterAll(async () => {
  await db.drop();
  for (const role of [APP, ALICE, BOB]) await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${role}`);
});

async function backendsOf(user: string): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>(
    db.adminUrl,
    'SELECT pid FROM pg_stat_activity WHERE usename = $1 AND datname = $2',
    [user, db.name],
  );
  return rows.map((r) => r.pid);
}

async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stored(password: string, more: Partial<ConnectionConfig> = {}): ConnectionConfig {
  const url = new URL(db.url);
  return {
    name: 'managed',
    id: 'c_1',
    host: url.hostname,
    port: Number(url.port),
    database: db.name,
    user: APP,
    password,
    ...more,
  };
}

const whoAmI = (pools: PoolManager, connection = 'managed', userKey?: string) =>
  pools.withSession(
    { sessionKey: `s-${userKey ?? 'x'}`, connection, ...(userKey ? { userKey } : {}) },
    async ({ client }) => {
      const { rows } = await client.query<{ pid: number; who: string }>(
        'SELECT pg_backend_pid() AS pid, current_user AS who',
      );
      return rows[0]!;
    },
  );

describe('connection definitions at runtime', () => {
  it('adds stored connections beside config-file ones, marked by source', async () => {
    const pools = manager({ connections: [{ name: 'default', url: db.url }] });
    const applied = await pools.applyConnections([stored('first-pw'), stored('x', { name: 'default' })]);
    expect(applied).toEqual({ added: ['managed'], changed: [], removed: [], shadowed: ['default'] });
    expect(pools.listConnections().map((c) => [c.name, c.source, c.id])).toEqual([
      ['default', 'config', undefined],
      ['managed', 'store', 'c_1'],
    ]);
    expect((await whoAmI(pools)).who).toBe(APP);
    // Applying the same definitions again changes nothing and keeps the pools.
    expect(await pools.applyConnections([stored('first-pw')])).toEqual({
      added: [],
      changed: [],
      removed: [],
      shadowed: [],
    });
    expect(pools.stats().pools).toBe(1);
  });

  it('an edited password takes effect on the next call: the old pool and its backends close', async () => {
    const pools = manager({ connections: [] });
    await pools.applyConnections([stored('first-pw')]);
    const before = await whoAmI(pools);
    await adminQuery(db.url, `ALTER ROLE ${APP} PASSWORD 'second-pw'`);
    try {
      expect((await pools.applyConnections([stored('second-pw')])).changed).toEqual(['managed']);
      const after = await whoAmI(pools);
      expect(after.who).toBe(APP);
      expect(after.pid).not.toBe(before.pid);
      await expect.poll(() => backendsOf(APP)).toEqual([after.pid]);
    } finally {
      await adminQuery(db.url, `ALTER ROLE ${APP} PASSWORD 'first-pw'`);
    }
  });

  it('a deleted connection closes its pools (gone from pg_stat_activity) and is unknown afterwards', async () => {
    const pools = manager({ connections: [] });
    await pools.applyConnections([stored('first-pw')]);
    const { pid } = await whoAmI(pools);
    expect(await backendsOf(APP)).toContain(pid);
    expect((await pools.applyConnections([])).removed).toEqual(['managed']);
    await expect.poll(() => backendsOf(APP)).toEqual([]);
    const error = await whoAmI(pools).catch((e: unknown) => e);
    expect((error as PoolManagerError).code).toBe('UNKNOWN_CONNECTION');
  });
});

describe('per-user credentials', () => {
  it('connects each user as their own role, so row-level security applies per person', async () => {
    const logins = new Map<string, DatabaseLogin>([
      ['u-alice', { user: ALICE, password: 'first-pw' }],
      ['u-bob', { user: BOB, password: 'first-pw' }],
    ]);
    const pools = manager({
      connections: [],
      resolveLogin: (_connection, userKey) => Promise.resolve(logins.get(userKey)),
    });
    await pools.applyConnections([
      stored('unused', { credentials: 'per_user', user: undefined, password: undefined }),
    ]);
    const notes = (userKey: string) =>
      pools.withSession(
        { sessionKey: `t-${userKey}`, userKey, connection: 'managed' },
        async ({ client }) => {
          const { rows } = await client.query<{ who: string; body: string }>(
            'SELECT current_user AS who, body FROM notes ORDER BY body',
          );
          return rows.map((r) => `${r.who}:${r.body}`);
        },
      );
    expect(await notes('u-alice')).toEqual([`${ALICE}:alice 1`, `${ALICE}:alice 2`]);
    expect(await notes('u-bob')).toEqual([`${BOB}:bob 1`]);

    const error = (await notes('u-carol').catch((e: unknown) => e)) as PoolManagerError;
    expect(error.code).toBe('CREDENTIALS_REQUIRED');
    expect(error.message).toContain('pgmcp connection login managed');
    expect(error.message).toContain('/api/v1/connections/c_1/my-credentials');
  });
});

describe('testing a definition', () => {
  it('reports the server version and latency, or a precise reason for each failure', async () => {
    const pools = manager({ connections: [] });
    const ok = await pools.checkDefinition(stored('first-pw'));
    expect(ok).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^\d+(\.\d+)?/) });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);

    const reasons = async (config: ConnectionConfig) => {
      const check = await pools.checkDefinition(config, 10_000);
      expect(check.ok).toBe(false);
      return [check.error?.reason, check.error?.message];
    };
    const [dns, dnsText] = await reasons(stored('first-pw', { host: 'no-such-host.invalid' }));
    expect(dns).toBe('dns');
    expect(dnsText).toMatch(/no-such-host\.invalid.*could not be resolved/);
    const [refused, refusedText] = await reasons(
      stored('first-pw', { host: '127.0.0.1', port: await deadPort() }),
    );
    expect(refused).toBe('refused');
    expect(refusedText).toMatch(/connection refused/);
    const [auth, authText] = await reasons(stored('wrong-pw'));
    expect(auth).toBe('auth');
    expect(authText).toContain(`user "${APP}"`);
    expect(authText).not.toContain('wrong-pw');
    const [missing, missingText] = await reasons(stored('first-pw', { database: 'no_such_db' }));
    expect(missing).toBe('database_missing');
    expect(missingText).toMatch(/Database "no_such_db" does not exist/);
    // The harness's server runs without TLS, like a server that was never given a certificate.
    expect(await adminQuery(db.url, 'SHOW ssl')).toEqual([{ ssl: 'off' }]);
    const [tls, tlsText] = await reasons(stored('first-pw', { sslmode: 'require' }));
    expect(tls).toBe('tls');
    expect(tlsText).toMatch(/does not accept TLS/);
  });
});
