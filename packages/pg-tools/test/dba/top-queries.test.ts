import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementsAdvice } from '../../src/dba/pg-stat-statements.js';
import { adminQuery } from '../helpers.js';
import { type DbaHarness, dbaHarness, text } from './harness.js';

const db = useTestDatabase('dba-top');
let bare: TestDatabase;
let harness: DbaHarness;
let client: Client;
// A predefined role (14+): creating one would change the cluster-wide catalog other test files snapshot.
const role = 'pg_read_all_data';

// A known workload, each statement with its own fingerprint.
// Two small series joined: lots of work, nothing spilled to temp files.
const HEAVY = 'SELECT sum(a * b) FROM generate_series(1, 2000) a, generate_series(1, 1500) b /* heavy */';
const CHEAP = 'SELECT id FROM public.parcels WHERE id = 1 /* cheap */';
const MANY_ROWS = 'SELECT g FROM generate_series(1, 5000) g /* many-rows */';
const SPILL =
  'SELECT count(*) FROM (SELECT row_number() OVER (ORDER BY g DESC) FROM generate_series(1, 50000) g) s /* spill */';
const AS_REPORTER = 'SELECT count(*) FROM public.parcels /* reporter */';

interface Ranked {
  queries: {
    query: string;
    calls: number;
    rows: number;
    temp_blks: number;
    time_share_percent: number;
    user: string;
  }[];
}

// The harness's own servers preload pg_stat_statements; an external TEST_DATABASE_URL may not.
let preloaded = false;

beforeAll(async () => {
  const [setting] = await adminQuery<{ setting: string }>(
    db.url,
    "SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'",
  );
  preloaded = /pg_stat_statements/.test(setting?.setting ?? '');
  bare = await createTestDatabase('dba-top-bare');
  await adminQuery(
    db.url,
    `CREATE EXTENSION pg_stat_statements;
     CREATE TABLE public.parcels (id int PRIMARY KEY); INSERT INTO public.parcels VALUES (1);`,
  );
  const worker = new pg.Client({ connectionString: db.url });
  await worker.connect();
  try {
    for (let i = 0; i < 2; i++) await worker.query(HEAVY);
    for (let i = 0; i < 60; i++) await worker.query(CHEAP);
    await worker.query(MANY_ROWS);
    await worker.query("SET work_mem = '64kB'");
    await worker.query(SPILL);
    await worker.query(`RESET work_mem; SET ROLE ${role}`);
    await worker.query(AS_REPORTER);
    await worker.query('RESET ROLE');
  } finally {
    await worker.end();
  }
  harness = dbaHarness([
    { name: 'main', url: db.url },
    { name: 'bare', url: bare.url },
  ]);
  client = await harness.client();
});

afterAll(async () => {
  await harness?.close();
  await bare?.drop();
});

async function top(order_by: string, extra: Record<string, unknown> = {}): Promise<Ranked['queries']> {
  const result = await harness.call(client, 'get_top_queries', {
    order_by,
    database_name: db.name,
    limit: 20,
    ...extra,
  });
  expect(result.isError, text(result)).toBeFalsy();
  return (result.structuredContent as unknown as Ranked).queries;
}

const marker = (q: { query: string }) => /\/\* ([a-z-]+) \*\//.exec(q.query)?.[1];

describe('get_top_queries on a known workload', () => {
  it('ranks by calls, total time, mean time, rows and temp blocks', async (ctx) => {
    if (!preloaded) ctx.skip();
    expect(marker((await top('calls'))[0]!)).toBe('cheap');
    expect((await top('calls'))[0]!.calls).toBe(60);
    expect(marker((await top('total_time'))[0]!)).toBe('heavy');
    expect(marker((await top('mean_time'))[0]!)).toBe('heavy');
    const byRows = await top('rows');
    expect(marker(byRows[0]!)).toBe('many-rows');
    expect(byRows[0]!.rows).toBe(5000);
    const byTemp = await top('temp_blks');
    expect(marker(byTemp[0]!)).toBe('spill');
    expect(byTemp[0]!.temp_blks).toBeGreaterThan(0);
  });

  it('normalises constants and gives each statement its share of the total time', async (ctx) => {
    if (!preloaded) ctx.skip();
    const ranked = await top('total_time');
    const cheap = ranked.find((q) => marker(q) === 'cheap')!;
    expect(cheap.query).toBe('SELECT id FROM public.parcels WHERE id = $1 /* cheap */');
    const shares = ranked.map((q) => q.time_share_percent);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100.5);
    expect(ranked[0]!.time_share_percent).toBeGreaterThan(ranked[ranked.length - 1]!.time_share_percent);
  });

  it('filters by user and by database', async (ctx) => {
    if (!preloaded) ctx.skip();
    const mine = await top('calls', { user: role });
    // RESET ROLE ran as the role too; nothing else did.
    expect(mine.map(marker).filter(Boolean)).toEqual(['reporter']);
    expect(new Set(mine.map((q) => q.user))).toEqual(new Set([role]));
    const elsewhere = await top('calls', { database_name: 'no_such_database' });
    expect(elsewhere).toEqual([]);
  });

  it('lists the valid orderings for an unknown order_by', async () => {
    const result = await harness.call(client, 'get_top_queries', { order_by: 'slowest' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/order_by/);
    expect(text(result)).toMatch(/total_time/);
    expect(text(result)).toMatch(/temp_blks/);
  });
});

describe('get_top_queries without the extension', () => {
  it('says how to enable it, without a restart when the library is already loaded', async (ctx) => {
    if (!preloaded) ctx.skip();
    const result = await harness.call(client, 'get_top_queries', { connection_id: 'bare' });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toMatch(/CREATE EXTENSION pg_stat_statements/);
    expect(text(result)).toMatch(/no restart needed/);
    expect(result.structuredContent).toMatchObject({
      available: false,
      restart_required: false,
      problem: 'no_extension',
    });
  });

  it('asks for shared_preload_libraries and a restart when the library is not loaded', () => {
    const advice = statementsAdvice({
      available: true,
      schema: null,
      version: null,
      preload: 'auto_explain',
    });
    expect(advice).toMatchObject({ problem: 'not_loaded', restart_required: true });
    expect(advice.steps[0]).toBe(
      "ALTER SYSTEM SET shared_preload_libraries = 'auto_explain, pg_stat_statements';  -- or edit postgresql.conf",
    );
    expect(advice.steps.at(-1)).toMatch(/^CREATE EXTENSION pg_stat_statements/);
    const created = statementsAdvice(
      { available: true, schema: 'public', version: '1.10', preload: null },
      true,
    );
    expect(created).toMatchObject({ problem: 'not_loaded', restart_required: true });
    expect(created.steps.join('\n')).not.toMatch(/CREATE EXTENSION/);
    const missing = statementsAdvice({ available: false, schema: null, version: null, preload: '' });
    expect(missing.problem).toBe('not_installed');
    expect(missing.steps[1]).toBe(
      "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';  -- or edit postgresql.conf",
    );
  });
});
