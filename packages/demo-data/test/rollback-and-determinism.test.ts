import { createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATA_VERSION, DemoDataError, isDemoSeeded, seedDemoDatabase } from '../src/index.js';
import { connect, demoSchemasPresent, fingerprint, withConnection } from './helpers.js';

// The content of DEMO_DATA_VERSION '1'. Changing what the generator produces must change the
// version too (pnpm start re-seeds on a version change): update DEMO_DATA_VERSION and these sums together.
const VERSION_1_FINGERPRINT_SAMPLE = {
  'sales.orders': '5b516a30d0fc1955cebae53571b7315d',
  'sales.order_items': 'dce7c51e650306f4eab4debd8c31d1d0',
  'sales.product_reviews': 'b8eb6ea5e44275f847f94e58880d75f4',
  'support.ticket_messages': '5f77749f60f20096070add0221ae3f1e',
};

let first: TestDatabase;
let second: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase('demo_a'), createTestDatabase('demo_b')]);
  client = await connect(second.url);
});

afterAll(async () => {
  await client?.end();
  await Promise.all([first?.drop(), second?.drop()]);
});

describe('a failed seed', () => {
  it('rolls back everything when a step fails half-way (here: the progress callback throws)', async () => {
    const error = await seedDemoDatabase(client, {
      onProgress: (p) => {
        if (p.step === 'sales.orders') throw new Error('disk full, pretend');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoDataError);
    expect(error).toMatchObject({ code: 'SEED_FAILED' });
    expect((error as Error).message).toContain('"sales.orders"');
    expect((error as Error).message).toContain('disk full, pretend');
    expect(await demoSchemasPresent(client)).toEqual([]);
    expect(await isDemoSeeded(client)).toBe(false);
    // The session is usable again (no transaction left open).
    const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows).toEqual([{ ok: 1 }]);
  });

  it('rolls back everything when the server rejects a late step', async () => {
    // An event trigger that refuses materialized views makes the "views" step fail after all data is in.
    await client.query(`
      CREATE FUNCTION public.no_matviews() RETURNS event_trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'materialized views are not allowed here'; END $$;
      CREATE EVENT TRIGGER no_matviews ON ddl_command_start WHEN TAG IN ('CREATE MATERIALIZED VIEW')
        EXECUTE FUNCTION public.no_matviews();`);
    try {
      await expect(seedDemoDatabase(second.url)).rejects.toMatchObject({
        code: 'SEED_FAILED',
        message: expect.stringMatching(/"views".*materialized views are not allowed here/) as unknown,
      });
    } finally {
      await client.query('DROP EVENT TRIGGER no_matviews; DROP FUNCTION public.no_matviews()');
    }
    expect(await demoSchemasPresent(client)).toEqual([]);
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_type WHERE typname IN ('order_status', 'ticket_status', 'ticket_priority')`,
    );
    expect(rows[0]?.n).toBe('0');
  });

  it('refuses a database that already has one of the demo schemas, and creates nothing', async () => {
    await withConnection(first.url, async (c) => {
      await c.query('CREATE SCHEMA support');
      await expect(seedDemoDatabase(c)).rejects.toMatchObject({
        code: 'NOT_EMPTY',
        message: expect.stringContaining('"support"') as unknown,
      });
      expect(await demoSchemasPresent(c)).toEqual(['support']);
      await c.query('DROP SCHEMA support');
    });
  });

  it('refuses a client that is inside a transaction, leaving that transaction alone', async () => {
    await client.query('BEGIN');
    await client.query('CREATE TABLE public.callers_work (id int)');
    await expect(seedDemoDatabase(client)).rejects.toMatchObject({ code: 'CLIENT_IN_TRANSACTION' });
    await client.query('ROLLBACK');
    const { rows } = await client.query(`SELECT to_regclass('public.callers_work') AS t`);
    expect(rows).toEqual([{ t: null }]);
    expect(await demoSchemasPresent(client)).toEqual([]);
  });

  it('reports an unreachable server as CONNECTION_FAILED without the password', async () => {
    const url = new URL(first.url);
    url.port = '1';
    const error = await seedDemoDatabase(url.toString()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED' });
    expect((error as Error).message).not.toContain(decodeURIComponent(url.password));
  });
});

describe('determinism', () => {
  it('two seeds into two databases produce identical data', async () => {
    // The database whose seeds failed above is seeded for real now, next to a fresh one.
    await Promise.all([seedDemoDatabase(first.url), seedDemoDatabase(client)]);
    const [a, b] = await Promise.all([withConnection(first.url, fingerprint), fingerprint(client)]);
    expect(Object.keys(a)).toHaveLength(16);
    expect(b).toEqual(a);
    // The same content on every PostgreSQL version the harness runs (15 and 18).
    expect(a).toMatchObject(VERSION_1_FINGERPRINT_SAMPLE);
  }, 120_000);
});

describe('isDemoSeeded', () => {
  it('is false for a marker of another version', async () => {
    await client.query(`UPDATE pgmcp_demo.info SET version = '0'`);
    expect(await isDemoSeeded(client)).toBe(false);
    await client.query(`UPDATE pgmcp_demo.info SET version = $1`, [DEMO_DATA_VERSION]);
    expect(await isDemoSeeded(client)).toBe(true);
  });
});
