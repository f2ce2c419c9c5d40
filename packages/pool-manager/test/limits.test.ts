import { randomBytes } from 'node:crypto';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPoolManager, type Lease, type PoolManager } from '../src/index.js';

const db = useTestDatabase('pool-limits');
const managers: PoolManager[] = [];
// Roles are server-wide and test files run in parallel: a name of its own counts only our backends.
const role = `limits_${randomBytes(4).toString('hex')}`;

function manager(options: Parameters<typeof createPoolManager>[0]): PoolManager {
  const created = createPoolManager(options);
  managers.push(created);
  return created;
}

function roleUrl(): string {
  const url = new URL(db.url);
  url.username = role;
  url.password = 'limits';
  return url.toString();
}

async function backendsOf(user: string): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(
    db.adminUrl,
    'SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1',
    [user],
  );
  return Number(row?.n);
}

beforeAll(async () => {
  await adminQuery(db.adminUrl, `CREATE ROLE ${role} LOGIN PASSWORD 'limits'`);
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});
afterAll(async () => {
  await adminQuery(
    db.adminUrl,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`,
  );
  await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${role}`);
});

describe('session limits', () => {
  it('caps the statements one session key runs at once, refusing at once; other keys are not affected', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }], sessionLimits: { perToken: 2 } });
    const target = (sessionKey: string) => ({ sessionKey, userKey: 'ann', connection: 'main' });
    const first = await pools.acquire(target('token-a'));
    const second = await pools.acquire(target('token-a'));
    await expect(pools.acquire(target('token-a'))).rejects.toMatchObject({
      code: 'TOKEN_STATEMENT_LIMIT',
      message: expect.stringMatching(
        /^This token already runs 2 statements at once \(limits\.concurrent_statements_per_token is 2\)\. Wait for one to finish, then try again on "main"; other tokens are not affected\.$/,
      ),
    });
    const other = await pools.acquire(target('token-b'));
    other.release();
    first.release();
    first.release(); // twice: counted once
    const third = await pools.acquire(target('token-a'));
    await expect(pools.acquire(target('token-a'))).rejects.toMatchObject({ code: 'TOKEN_STATEMENT_LIMIT' });
    second.release();
    third.release();
  });

  it('caps the backends one user holds across all tokens and databases, and all users together', async () => {
    const pools = manager({
      connections: [{ name: 'main', url: roleUrl(), allowedDatabases: ['*'] }],
      sessionLimits: { perUser: 4, global: 6 },
    });
    const databases = [db.name, 'postgres', 'template1'];
    // The red team's attack: many tokens of one user, every database of the server, all at once.
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        pools.acquire({
          sessionKey: `alice-token-${i % 3}`,
          userKey: 'alice',
          connection: 'main',
          database: databases[i % 3]!,
        }),
      ),
    );
    const held = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const refused = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as Error] : []));
    expect(held).toHaveLength(4);
    expect(refused).toHaveLength(8);
    expect(refused[0]).toMatchObject({
      code: 'USER_SESSION_LIMIT',
      message: expect.stringMatching(/You already hold 4 open database sessions \(the limit per user is 4/),
    });
    expect(await backendsOf(role)).toBe(4);

    // Another user still gets sessions, up to the global cap.
    const bob = [
      await pools.acquire({ sessionKey: 'bob-token', userKey: 'bob', connection: 'main' }),
      await pools.acquire({ sessionKey: 'bob-token', userKey: 'bob', connection: 'main' }),
    ];
    await expect(
      pools.acquire({ sessionKey: 'bob-token-2', userKey: 'bob', connection: 'main' }),
    ).rejects.toMatchObject({
      code: 'GLOBAL_SESSION_LIMIT',
      message: expect.stringContaining('its limit is 6'),
    });
    expect(await backendsOf(role)).toBe(6);

    // Idle pools of the same user close to make room rather than refusing.
    const template1 = held.filter((lease) => lease.database === 'template1');
    expect(template1.length).toBeGreaterThan(0);
    for (const lease of template1) lease.release();
    const again = await pools.acquire({
      sessionKey: 'alice-token-9',
      userKey: 'alice',
      connection: 'main',
      database: 'postgres',
    });
    await expect.poll(() => backendsOf(role)).toBeLessThanOrEqual(6);
    for (const lease of [...held, ...bob, again]) lease.release();
  });

  it('counts a session key as its own user when no user is given', async () => {
    const pools = manager({
      connections: [{ name: 'main', url: roleUrl() }],
      sessionLimits: { perUser: 1, global: 10 },
    });
    const first = await pools.acquire({ sessionKey: 'solo', connection: 'main' });
    await expect(pools.acquire({ sessionKey: 'solo', connection: 'main' })).rejects.toMatchObject({
      code: 'USER_SESSION_LIMIT',
    });
    const other = await pools.acquire({ sessionKey: 'someone-else', connection: 'main' });
    first.release();
    other.release();
  });

  it('closes idle pools on its own, ending their backends', async () => {
    const pools = manager({ connections: [{ name: 'main', url: roleUrl() }], poolIdleTimeoutMs: 1 });
    await pools.withSession({ sessionKey: 'idle', connection: 'main' }, ({ client }) =>
      client.query('SELECT 1'),
    );
    expect(await backendsOf(role)).toBe(1);
    // No evictIdle() call: the manager's own sweep (every second at this timeout) closes it.
    await expect.poll(() => pools.stats().pools, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => backendsOf(role), { timeout: 10_000 }).toBe(0);
  });

  it('refuses limits that are not positive integers', () => {
    expect(() => createPoolManager({ connections: [], sessionLimits: { perUser: 0 } }).close()).toThrow(
      /sessionLimits.perUser must be a positive integer/,
    );
  });
});

describe('result rows larger than a session may read', () => {
  it('fails the query with RESULT_TOO_LARGE, cancels the statement and keeps the pool usable', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }], maxMessageBytes: 1 << 20 });
    const target = { sessionKey: 'big', connection: 'main' };
    let pid = 0;
    const error = await pools
      .withSession(target, async ({ client }) => {
        pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        // The first row is too large; computing the second would take a minute.
        return client.query(
          "SELECT CASE WHEN g = 1 THEN repeat('x', 30000000) ELSE pg_sleep(60)::text END FROM generate_series(1, 2) g",
        );
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RESULT_TOO_LARGE' });
    expect((error as Error).message).toMatch(/A result row of 28\.6 MiB is larger than the 1\.0 MiB/);
    // The backend does not sit in pg_sleep(60): the statement was cancelled and the session closed.
    await expect
      .poll(() => adminQuery(db.adminUrl, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]))
      .toEqual([]);
    const n = await pools.withSession(target, async ({ client }) => {
      return (await client.query<{ n: number }>('SELECT 42 AS n')).rows[0]?.n;
    });
    expect(n).toBe(42);
  });

  it('applies a lease limit to one statement and counts the total of its rows', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }] });
    const lease: Lease = await pools.acquire({ sessionKey: 'lim', connection: 'main' });
    try {
      const lift = lease.limitResults({ maxRowBytes: 10_000, maxTotalBytes: 50_000 });
      const ok = await lease.client.query("SELECT repeat('a', 9000) FROM generate_series(1, 5)");
      expect(ok.rowCount).toBe(5);
      const error = await lease.client
        .query("SELECT repeat('a', 9000) FROM generate_series(1, 100)")
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RESULT_TOO_LARGE' });
      expect((error as Error).message).toMatch(/add up to more than 48\.8 KiB/);
      lift();
    } finally {
      lease.release();
    }
    // The closed session was discarded, not handed to the next caller.
    const value = await pools.withSession({ sessionKey: 'lim', connection: 'main' }, async ({ client }) => {
      return (await client.query<{ v: string }>("SELECT repeat('b', 20000) AS v")).rows[0]?.v.length;
    });
    expect(value).toBe(20_000);
  });

  it('survives the server ending a checked-out session between statements', async () => {
    const pools = manager({ connections: [{ name: 'main', url: db.url }] });
    const lease = await pools.acquire({ sessionKey: 'victim', connection: 'main' });
    const { rows } = await lease.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const lost = new Promise((resolve) => lease.client.once('end', resolve));
    await adminQuery(db.adminUrl, 'SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    // Without a listener, the client's 'error' event would have ended the process here.
    await lost;
    await expect(lease.client.query('SELECT 1')).rejects.toThrow();
    lease.release();
    const n = await pools.withSession({ sessionKey: 'victim', connection: 'main' }, async ({ client }) => {
      return (await client.query<{ n: number }>('SELECT 7 AS n')).rows[0]?.n;
    });
    expect(n).toBe(7);
  });
});
