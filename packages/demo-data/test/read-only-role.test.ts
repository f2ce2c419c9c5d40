import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TABLES, createReadOnlyRole, isDemoSeeded, seedDemoDatabase } from '../src/index.js';
import { connect } from './helpers.js';

const db = useTestDatabase('demo_role');
// Roles are cluster-wide and test files share the cluster: unique names, dropped afterwards.
const suffix = randomBytes(3).toString('hex');
const reader = `pgmcp_reader_${suffix}`;
const roles = [reader, `demo_su_${suffix}`, `demo_member_${suffix}`, `demo_owner_${suffix}`, `ünï_${suffix}`];
let admin: pg.Client;
let password = 'correct horse battery staple';

function urlFor(role: string, secret: string, database = db.name): string {
  const url = new URL(db.url);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(secret);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` as `role`, connected with its password. */
async function asRole<T>(role: string, secret: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlFor(role, secret) });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** The SQLSTATE a statement fails with as the reader, or 'ok'. */
async function sqlstate(c: pg.Client, sql: string): Promise<string> {
  try {
    await c.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  admin = await connect(db.url);
}, 120_000);

afterAll(async () => {
  if (!admin) return;
  for (const role of roles) {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount === 0) continue;
    const id = pg.escapeIdentifier(role);
    await admin.query(`DROP OWNED BY ${id}`);
    await admin.query(`DROP ROLE ${id}`);
  }
  await admin.end();
});

describe('createReadOnlyRole', () => {
  it('creates a LOGIN role with no special attributes and read-only transactions by default', async () => {
    const result = await createReadOnlyRole(admin, { role: reader, password, database: db.name });
    expect(result).toEqual({
      role: reader,
      database: db.name,
      schemas: ['sales', 'inventory', 'support'],
      created: true,
    });
    const { rows } = await admin.query(
      `SELECT r.rolcanlogin, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication, r.rolbypassrls, r.rolconfig,
              a.rolpassword LIKE 'SCRAM-SHA-256$%' AS scram
       FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = $1`,
      [reader],
    );
    expect(rows[0]).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolcreatedb: false,
      rolcreaterole: false,
      rolreplication: false,
      rolbypassrls: false,
      rolconfig: ['default_transaction_read_only=on'],
      scram: true,
    });
  });

  it('logs in with the password (not with a wrong one) and reads every demo table, view and sequence', async () => {
    await expect(asRole(reader, 'wrong password', async () => undefined)).rejects.toMatchObject({
      code: '28P01',
    });
    await asRole(reader, password, async (c) => {
      const { rows } = await c.query('SHOW default_transaction_read_only');
      expect(rows).toEqual([{ default_transaction_read_only: 'on' }]);
      for (const t of DEMO_TABLES) {
        const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.schema}.${t.name}`);
        expect(Number(r.rows[0]?.n), `${t.schema}.${t.name}`).toBe(t.rows);
      }
      expect(await sqlstate(c, `SELECT last_value FROM sales.customers_customer_id_seq`)).toBe('ok');
      expect(await isDemoSeeded(c)).toBe(true);
    });
  });

  it('cannot write, even after switching its read-only default off', async () => {
    await asRole(reader, password, async (c) => {
      expect(await sqlstate(c, `INSERT INTO sales.customers (first_name) VALUES ('x')`)).toBe('25006');
      await c.query('SET default_transaction_read_only = off');
      expect(await sqlstate(c, `INSERT INTO sales.customers (first_name) VALUES ('x')`)).toBe('42501');
      expect(await sqlstate(c, `UPDATE sales.orders SET status = 'cancelled'`)).toBe('42501');
      expect(await sqlstate(c, 'DELETE FROM support.tickets')).toBe('42501');
      expect(await sqlstate(c, 'TRUNCATE sales.order_items')).toBe('42501');
      expect(await sqlstate(c, 'CREATE TABLE sales.mine (id int)')).toBe('42501');
      expect(await sqlstate(c, 'CREATE TABLE public.mine (id int)')).toBe('42501');
      expect(await sqlstate(c, 'CREATE SCHEMA mine')).toBe('42501');
      expect(await sqlstate(c, 'REFRESH MATERIALIZED VIEW sales.monthly_revenue')).toBe('42501');
      expect(await sqlstate(c, `SELECT nextval('sales.orders_order_id_seq')`)).toBe('42501');
    });
  });

  it('cannot read server files, run programs or import large objects', async () => {
    await asRole(reader, password, async (c) => {
      await c.query('SET default_transaction_read_only = off');
      expect(await sqlstate(c, `SELECT pg_read_file('PG_VERSION')`)).toBe('42501');
      expect(await sqlstate(c, `SELECT pg_ls_dir('.')`)).toBe('42501');
      expect(await sqlstate(c, `SELECT lo_import('/etc/passwd')`)).toBe('42501');
      expect(await sqlstate(c, `COPY sales.customers TO PROGRAM 'cat'`)).toBe('42501');
      expect(await sqlstate(c, `COPY sales.customers FROM '/etc/passwd'`)).toBe('42501');
      expect(await sqlstate(c, `CREATE ROLE sneaky`)).toBe('42501');
      expect(await sqlstate(c, `ALTER ROLE ${pg.escapeIdentifier(reader)} SUPERUSER`)).toBe('42501');
    });
  });

  it('can read tables created later by the same admin (default privileges)', async () => {
    await admin.query(
      `CREATE TABLE sales.promotions (code text PRIMARY KEY); INSERT INTO sales.promotions VALUES ('NEW')`,
    );
    await asRole(reader, password, async (c) => {
      const { rows } = await c.query('SELECT code FROM sales.promotions');
      expect(rows).toEqual([{ code: 'NEW' }]);
    });
    await admin.query('DROP TABLE sales.promotions');
  });

  it('updates an existing role: new password, still read-only', async () => {
    const newPassword = `new-${randomBytes(6).toString('hex')}`;
    const result = await createReadOnlyRole(db.url, { role: reader, password: newPassword });
    expect(result.created).toBe(false);
    await expect(asRole(reader, password, async () => undefined)).rejects.toMatchObject({ code: '28P01' });
    password = newPassword;
    await asRole(reader, password, async (c) => {
      expect(await sqlstate(c, `INSERT INTO sales.customers (first_name) VALUES ('x')`)).toBe('25006');
    });
  });

  it('accepts a non-ASCII password', async () => {
    const role = roles[4] ?? '';
    await createReadOnlyRole(admin, { role, password: 'pässwörd-ñ' });
    await asRole(role, 'pässwörd-ñ', async (c) => {
      expect((await c.query('SELECT count(*) FROM inventory.products')).rows).toEqual([{ count: '500' }]);
    });
  });

  it('refuses roles that cannot be made read-only', async () => {
    const [, superuser, member, owner] = roles.map((r) => pg.escapeIdentifier(r));
    await admin.query(`CREATE ROLE ${superuser} SUPERUSER`);
    await admin.query(`CREATE ROLE ${member}; GRANT pg_read_server_files TO ${member}`);
    await admin.query(
      `CREATE ROLE ${owner}; CREATE TABLE public.owned (id int); ALTER TABLE public.owned OWNER TO ${owner}`,
    );
    const { rows } = await admin.query<{ me: string }>('SELECT current_user AS me');
    for (const [role, why] of [
      [roles[1], /superuser/],
      [roles[2], /member of "pg_read_server_files"/],
      [roles[3], /owns/],
      [rows[0]?.me, /role this connection uses/],
    ] as const) {
      await expect(createReadOnlyRole(admin, { role: role ?? '', password: 'x' })).rejects.toMatchObject({
        code: 'UNSAFE_ROLE',
        message: expect.stringMatching(why) as unknown,
      });
    }
    const still = await admin.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
      [roles[1]],
    );
    expect(still.rows).toEqual([{ rolsuper: true }]);
    await admin.query('DROP TABLE public.owned');
  });

  it('rejects bad options with a message that names the problem', async () => {
    await expect(
      createReadOnlyRole(admin, { role: 'x', password: 'x', database: 'elsewhere' }),
    ).rejects.toMatchObject({
      code: 'WRONG_DATABASE',
      message: expect.stringContaining('"elsewhere"') as unknown,
    });
    await expect(
      createReadOnlyRole(admin, { role: 'x', password: 'x', schemas: ['sales', 'nope'] }),
    ).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: expect.stringContaining('"nope"') as unknown,
    });
    await expect(createReadOnlyRole(admin, { role: 'pg_mine', password: 'x' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(createReadOnlyRole(admin, { role: 'x', password: '' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    const { rows } = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = 'x'`);
    expect(rows).toEqual([]);
  });
});
