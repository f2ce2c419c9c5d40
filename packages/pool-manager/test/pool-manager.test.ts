import { createServer } from 'node:net';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createPoolManager, type PoolManager, PoolManagerError, resolveConnection } from '../src/index.js';

const db = useTestDatabase('pool-manager');
const managers: PoolManager[] = [];

function manager(options: Parameters<typeof createPoolManager>[0]): PoolManager {
  const created = createPoolManager(options);
  managers.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function adminCount(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(db.adminUrl, sql, params);
  return Number(row?.n);
}

/** A port on which nothing listens. */
async function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('connection config', () => {
  it('takes the URL apart and lets discrete fields override it', () => {
    const { info, password } = resolveConnection({
      name: 'main',
      url: 'postgresql://alice:s%40cret@db.example.com:6543/shop?sslmode=require',
      database: 'other',
    });
    expect(info).toMatchObject({
      host: 'db.example.com',
      port: 6543,
      user: 'alice',
      database: 'other',
      sslmode: 'require',
      allowWrites: false,
      statementTimeoutMs: 30_000,
    });
    expect(password).toBe('s@cret');
  });

  it.each([
    [{ name: 'bad name!' }, /Connection name "bad name!" is invalid/],
    [{ name: 'a', url: 'mysql://x@y/z' }, /Connection "a": url must start with postgres:\/\//],
    [{ name: 'a', url: 'not a url' }, /Connection "a": url is not a valid URL/],
    [{ name: 'a', sslmode: 'sometimes' }, /Connection "a": sslmode "sometimes" is not one of/],
    [{ name: 'a', port: 70000 }, /Connection "a": port 70000 is out of range/],
    [
      { name: 'a', sslrootcert: '/nonexistent/ca.pem', sslmode: 'verify-full' },
      /cannot read sslrootcert file/,
    ],
  ])('refuses %j with a message naming the problem', (config, message) => {
    expect(() => resolveConnection(config as never)).toThrow(message);
  });

  it('refuses duplicate connection names', () => {
    expect(() =>
      createPoolManager({
        connections: [
          { name: 'x', url: db.url },
          { name: 'x', url: db.url },
        ],
      }),
    ).toThrow(/used twice/);
  });

  it('never exposes passwords in connection listings', () => {
    const pools = manager({ connections: [{ name: 'main', url: 'postgres://u:topsecret@h/d' }] });
    expect(JSON.stringify(pools.listConnections())).not.toContain('topsecret');
  });
});

describe('pools', () => {
  it('creates pools lazily and runs read-only connections read only', async () => {
    const pools = manager({
      connections: [
        { name: 'ro', url: db.url },
        { name: 'rw', url: db.url, allowWrites: true },
      ],
    });
    expect(pools.stats().pools).toBe(0);
    const settings = async (connection: string) =>
      pools.withSession({ sessionKey: 's1', connection }, async ({ client }) => {
        const { rows } = await client.query<{ ro: string; app: string; scs: string }>(
          "SELECT current_setting('default_transaction_read_only') AS ro, current_setting('application_name') AS app, current_setting('standard_conforming_strings') AS scs",
        );
        return rows[0];
      });
    // standard_conforming_strings is pinned so string literals mean what the SQL guard parsed.
    expect(await settings('ro')).toEqual({ ro: 'on', app: 'pgmcp', scs: 'on' });
    expect(await settings('rw')).toEqual({ ro: 'off', app: 'pgmcp', scs: 'on' });
    // A caller with read access only gets read-only sessions on a write-enabled connection too.
    const readOnlyOnRw = await pools.withSession(
      { sessionKey: 's1', connection: 'rw', readOnly: true },
      async ({ client }) => {
        const { rows } = await client.query<{ ro: string }>(
          "SELECT current_setting('default_transaction_read_only') AS ro",
        );
        return rows[0]?.ro;
      },
    );
    expect(readOnlyOnRw).toBe('on');
    expect(pools.stats().pools).toBe(3);
    await expect(
      pools.withSession({ sessionKey: 's1', connection: 'ro' }, ({ client }) =>
        client.query('CREATE TABLE nope (a int)'),
      ),
    ).rejects.toThrow(/read-only transaction/);
  });

  it('gives each session its own backends: temp tables and settings never cross sessions', async () => {
    const pools = manager({
      connections: [{ name: 'rw', url: db.url, allowWrites: true, pool: { max: 1 } }],
    });
    const a = { sessionKey: 'token-a', connection: 'rw' };
    const b = { sessionKey: 'token-b', connection: 'rw' };
    await pools.withSession(a, async ({ client }) => {
      await client.query('CREATE TEMP TABLE mine (v int)');
      await client.query("SET search_path = 'pg_temp, public'");
    });
    const seenByB = await pools.withSession(b, async ({ client }) => {
      const { rows } = await client.query<{ n: string; path: string }>(
        "SELECT count(*) AS n, current_setting('search_path') AS path FROM pg_class WHERE relname = 'mine' AND relpersistence = 't' AND pg_table_is_visible(oid)",
      );
      return rows[0];
    });
    expect(seenByB).toEqual({ n: '0', path: '"$user", public' });
    const seenByA = await pools.withSession(a, async ({ client }) => {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM mine');
      return rows[0]?.n;
    });
    expect(seenByA).toBe('0');
    expect(pools.stats().sessions).toBe(2);
    expect(pools.sessionKeys().sort()).toEqual(['token-a', 'token-b']);
  });

  it('closes a session\u2019s pools and their server connections', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }] });
    const pid = await pools.withSession({ sessionKey: 'bye', connection: 'main' }, async ({ client }) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return rows[0]!.pid;
    });
    expect(await adminCount('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid])).toBe(1);
    await pools.closeSession('bye');
    expect(pools.stats().pools).toBe(0);
    // The backend goes away once the server processes the terminate message.
    await expect
      .poll(() => adminCount('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid]))
      .toBe(0);
  });

  it('discards a session returned inside a transaction instead of reusing it', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url, pool: { max: 1 } }] });
    const target = { sessionKey: 's', connection: 'main' };
    const first = await pools.acquire(target);
    const { rows } = await first.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await first.client.query('BEGIN');
    first.release();
    const second = await pools.withSession(target, async ({ client }) => {
      const result = await client.query<{ pid: number; tx: string }>(
        "SELECT pg_backend_pid() AS pid, current_setting('transaction_read_only') AS tx",
      );
      return result.rows[0]!;
    });
    expect(second.pid).not.toBe(rows[0]!.pid);
  });

  it('keeps the number of pools bounded, closing the least recently used idle ones', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }], maxPools: 2 });
    for (const sessionKey of ['one', 'two', 'three']) {
      await pools.withSession({ sessionKey, connection: 'main' }, ({ client }) => client.query('SELECT 1'));
    }
    expect(pools.stats().pools).toBe(2);
  });

  it('evicts pools unused for longer than the idle timeout', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }], poolIdleTimeoutMs: 1 });
    await pools.withSession({ sessionKey: 'idle', connection: 'main' }, ({ client }) =>
      client.query('SELECT 1'),
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(await pools.evictIdle()).toBe(1);
    expect(pools.stats().pools).toBe(0);
  });

  it('switches databases on the same server only where allowed', async () => {
    const pools = manager({
      connections: [
        { name: 'any', url: db.url, allowedDatabases: ['*'] },
        { name: 'fenced', url: db.url, allowedDatabases: ['template1'] },
        { name: 'own', url: db.url },
      ],
    });
    const current = (connection: string, database: string) =>
      pools.withSession({ sessionKey: 's', connection, database }, async ({ client }) => {
        const { rows } = await client.query<{ d: string }>('SELECT current_database() AS d');
        return rows[0]?.d;
      });
    expect(await current('any', 'postgres')).toBe('postgres');
    expect(await current('fenced', 'template1')).toBe('template1');
    expect(await current('fenced', db.name)).toBe(db.name);
    await expect(
      pools.acquire({ sessionKey: 's', connection: 'fenced', database: 'postgres' }),
    ).rejects.toMatchObject({
      code: 'DATABASE_NOT_ALLOWED',
      message: expect.stringContaining(`Allowed: ${db.name}, template1`),
    });
    // Without a list, database_name cannot reach the server's other databases (postgres, template1, …).
    for (const database of ['postgres', 'template1']) {
      await expect(pools.acquire({ sessionKey: 's', connection: 'own', database })).rejects.toMatchObject({
        code: 'DATABASE_NOT_ALLOWED',
        message: expect.stringContaining(`serves only its own database "${db.name}"`),
      });
    }
    expect(await current('own', db.name)).toBe(db.name);
  });
});

describe('failures', () => {
  it('names the known connections when asked for an unknown one', async () => {
    const pools = manager({
      connections: [
        { name: 'alpha', url: db.url },
        { name: 'beta', url: db.url },
      ],
    });
    await expect(pools.acquire({ sessionKey: 's', connection: 'gamma' })).rejects.toThrow(
      'There is no connection named "gamma". Known connections: "alpha", "beta".',
    );
  });

  it('reports a database that is down clearly, stays usable, and recovers when it is back', async () => {
    const port = await deadPort();
    const pools = manager({
      connections: [
        {
          name: 'down',
          host: '127.0.0.1',
          port,
          database: 'x',
          user: 'u',
          pool: { connectTimeoutMs: 1_000 },
        },
        { name: 'up', url: db.url },
      ],
    });
    const error = await pools.acquire({ sessionKey: 's', connection: 'down' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PoolManagerError);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `Could not connect to "down" \\(127.0.0.1:${port}, database "x"\\): connection refused\\. Check`,
      ),
    );
    const check = await pools.check('down');
    expect(check).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED' } });
    const ok = await pools.check('up');
    expect(ok.ok).toBe(true);
    expect(ok.serverVersion).toMatch(/^\d+\.\d+/);
    await pools.withSession({ sessionKey: 's', connection: 'up' }, ({ client }) => client.query('SELECT 1'));
  });

  it('distinguishes a wrong password and a missing database', async () => {
    const wrongPassword = new URL(db.url);
    wrongPassword.password = 'wrong';
    const missing = new URL(db.url);
    missing.pathname = '/no_such_database';
    const pools = manager({
      connections: [
        { name: 'badpw', url: wrongPassword.toString() },
        { name: 'nodb', url: missing.toString() },
      ],
    });
    await expect(pools.acquire({ sessionKey: 's', connection: 'badpw' })).rejects.toMatchObject({
      code: 'AUTHENTICATION_FAILED',
      message: expect.stringContaining('refused the login of user "postgres"'),
    });
    await expect(pools.acquire({ sessionKey: 's', connection: 'nodb' })).rejects.toMatchObject({
      code: 'DATABASE_NOT_FOUND',
    });
  });

  it('says when all connections of a session are busy', async () => {
    const pools = manager({
      connections: [{ name: 'main', url: db.url, pool: { max: 1, connectTimeoutMs: 300 } }],
    });
    const held = await pools.acquire({ sessionKey: 's', connection: 'main' });
    try {
      await expect(pools.acquire({ sessionKey: 's', connection: 'main' })).rejects.toMatchObject({
        code: 'POOL_EXHAUSTED',
      });
    } finally {
      held.release();
    }
  });

  it('refuses work after close', async () => {
    const pools = createPoolManager({ connections: [{ name: 'main', url: db.url }] });
    await pools.close();
    await expect(pools.acquire({ sessionKey: 's', connection: 'main' })).rejects.toMatchObject({
      code: 'CLOSED',
    });
  });
});
