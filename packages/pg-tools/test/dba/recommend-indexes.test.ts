import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers.js';
import { type DbaHarness, dbaHarness, text } from './harness.js';

const db = useTestDatabase('dba-indexes');
let plain: TestDatabase;
let harness: DbaHarness;
let client: Client;
let hypopg = false;

const FIXTURE = `
CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, placed_at timestamptz NOT NULL);
INSERT INTO public.orders
  SELECT g, g % 5000, (ARRAY['open', 'paid', 'shipped', 'cancelled'])[1 + g % 4], timestamptz '2024-01-01' + g * interval '1 minute'
  FROM generate_series(1, 100000) g;
ANALYZE public.orders;`;

const CUSTOMER_QUERY = "SELECT * FROM public.orders WHERE customer_id = 42 AND status = 'open'";

interface Recommendation {
  table: string;
  columns: string[];
  create_sql: string;
  cost_before?: number;
  cost_after?: number;
  improvement_percent?: number;
  estimated_size_bytes?: number;
  estimated_time_saved_ms?: number;
  statements: string[];
}
interface Answer {
  method: 'hypopg' | 'heuristic';
  recommendations: Recommendation[];
}

async function recommend(args: Record<string, unknown>): Promise<Answer & { text: string }> {
  const result = await harness.call(client, 'recommend_indexes', args);
  expect(result.isError, text(result)).toBeFalsy();
  return { ...(result.structuredContent as unknown as Answer), text: text(result) };
}

const indexCount = async (url: string) =>
  (
    await adminQuery<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'public'",
    )
  )[0]?.n;

beforeAll(async () => {
  hypopg =
    (await adminQuery(db.url, "SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'")).length > 0;
  await adminQuery(
    db.url,
    `${FIXTURE} CREATE EXTENSION pg_stat_statements; ${hypopg ? 'CREATE EXTENSION hypopg;' : ''}`,
  );
  plain = await createTestDatabase('dba-indexes-plain');
  await adminQuery(plain.url, FIXTURE);
  harness = dbaHarness([
    // One backend per pool, so the test can look into the very session the tool used.
    { name: 'main', url: db.url, pool: { max: 1 } },
    { name: 'plain', url: plain.url },
  ]);
  client = await harness.client();
});

afterAll(async () => {
  await harness?.close();
  await plain?.drop();
});

describe('recommend_indexes with hypopg where it is installed (PostgreSQL 15 in CI)', () => {
  it('evaluates candidates with hypothetical indexes and reports cost before and after', async (ctx) => {
    if (!hypopg) ctx.skip();
    const answer = await recommend({ query: CUSTOMER_QUERY });
    expect(answer.method).toBe('hypopg');
    const best = answer.recommendations[0]!;
    expect(best.table).toBe('public.orders');
    expect(best.columns[0]).toBe('customer_id');
    expect(best.cost_after!).toBeLessThan(best.cost_before! / 10);
    expect(best.improvement_percent).toBeGreaterThan(90);
    expect(best.estimated_size_bytes).toBeGreaterThan(0);
    expect(best.create_sql).toMatch(/^CREATE INDEX CONCURRENTLY ON "public"\."orders" \("customer_id"/);
    expect(answer.text).toMatch(/checked with a hypothetical index \(hypopg; nothing was created\)/);
    expect(answer.text).toMatch(/planner cost \d+\.\d → \d+\.\d \(−\d+(\.\d)?%\)/);
  });

  it('creates nothing, and leaves no hypothetical index in the session', async () => {
    const before = await indexCount(db.url);
    await recommend({ query: CUSTOMER_QUERY });
    expect(await indexCount(db.url)).toBe(before);
    if (!hypopg) return;
    const left = await harness.call(client, 'query_database', {
      query: 'SELECT count(*) FROM hypopg_list_indexes',
    });
    expect(text(left)).toMatch(/^count\n0\n/);
  });

  it('recommends nothing for a query an existing index already serves', async () => {
    const answer = await recommend({ query: 'SELECT * FROM public.orders WHERE id = 7' });
    expect(answer.recommendations).toEqual([]);
  });

  it('reads the workload from pg_stat_statements, parameters and all', async (ctx) => {
    const [setting] = await adminQuery<{ setting: string }>(
      db.url,
      "SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'",
    );
    // The harness's own servers preload it; an external TEST_DATABASE_URL may not.
    if (!/pg_stat_statements/.test(setting?.setting ?? '')) ctx.skip();
    const worker = new pg.Client({ connectionString: db.url });
    await worker.connect();
    try {
      for (let i = 0; i < 20; i++) {
        await worker.query('SELECT id, status FROM public.orders WHERE placed_at >= $1 AND placed_at < $2', [
          new Date(Date.UTC(2024, 1, 1 + i)),
          new Date(Date.UTC(2024, 1, 2 + i)),
        ]);
      }
    } finally {
      await worker.end();
    }
    const answer = await recommend({});
    const byDate = answer.recommendations.find((r) => r.columns[0] === 'placed_at');
    expect(byDate, answer.text).toBeDefined();
    expect(byDate!.statements.some((s) => s.includes('placed_at >= $1'))).toBe(true);
    if (hypopg) {
      expect(answer.method).toBe('hypopg');
      expect(byDate!.estimated_time_saved_ms).toBeGreaterThan(0);
    }
  });
});

describe('recommend_indexes without hypopg', () => {
  it('gives heuristic advice and says so', async () => {
    const answer = await recommend({ query: CUSTOMER_QUERY, connection_id: 'plain' });
    expect(answer.method).toBe('heuristic');
    expect(answer.text).toMatch(
      /^Heuristic advice: hypopg is not installed in this database, so these were not verified by the planner\./,
    );
    expect(answer.text).toMatch(hypopg ? /CREATE EXTENSION hypopg/ : /postgresql-\d+-hypopg/);
    expect(answer.recommendations[0]).toMatchObject({
      table: 'public.orders',
      columns: ['customer_id', 'status'],
      create_sql: 'CREATE INDEX CONCURRENTLY ON "public"."orders" ("customer_id", "status")',
    });
    expect(answer.recommendations[0]!.cost_before).toBeUndefined();
  });

  it('does not propose indexes for small tables', async () => {
    await adminQuery(
      plain.url,
      'CREATE TABLE public.tiny (id int, code text); INSERT INTO public.tiny VALUES (1, $$a$$); ANALYZE public.tiny',
    );
    const answer = await recommend({
      query: "SELECT * FROM public.tiny WHERE code = 'a'",
      connection_id: 'plain',
    });
    expect(answer.recommendations).toEqual([]);
  });
});

describe('recommend_indexes refuses bad input with a useful message', () => {
  it.each([
    ['a query that does not parse', 'SELEC * FROM public.orders', /syntax error/i],
    ['a denied function', "SELECT pg_read_file('/etc/passwd')", /pg_read_file/],
    [
      'a statement that cannot be planned',
      'SHOW work_mem',
      /plans SELECT, INSERT, UPDATE, DELETE or MERGE statements; this is SHOW/,
    ],
    [
      'an unknown table',
      'SELECT * FROM public.nope WHERE x = 1',
      /ERROR 42P01: relation "public.nope" does not exist/,
    ],
  ])('%s', async (_label, query, message) => {
    const result = await harness.call(client, 'recommend_indexes', { query });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
  });

  it('leaves hypopg’s state-changing functions refused for user SQL', async () => {
    const result = await harness.call(client, 'query_database', {
      query: "SELECT * FROM hypopg_create_index('CREATE INDEX ON public.orders (status)')",
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/hypopg_create_index/);
    expect(text(result)).toMatch(/recommend_indexes/);
  });

  it('keeps the session usable after a failure', async () => {
    await harness.call(client, 'recommend_indexes', { query: 'SELECT * FROM public.nope' });
    const answer = await recommend({ query: CUSTOMER_QUERY });
    expect(answer.recommendations.length).toBeGreaterThan(0);
  });
});
