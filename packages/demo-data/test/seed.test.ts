import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_DATA_VERSION,
  DEMO_SCHEMAS,
  DEMO_TABLES,
  type DemoSeedProgress,
  type DemoSeedResult,
  findDemoInfo,
  isDemoSeeded,
  seedDemoDatabase,
} from '../src/index.js';
import { connect } from './helpers.js';

const db = useTestDatabase('demo_seed');
let client: pg.Client;
const progress: DemoSeedProgress[] = [];
let seededBefore: boolean;
let result: DemoSeedResult;

async function rows<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

async function count(sql: string): Promise<number> {
  const [row] = await rows<{ n: string }>(sql);
  return Number(row?.n);
}

beforeAll(async () => {
  client = await connect(db.url);
  seededBefore = await isDemoSeeded(client);
  // By connection string: the seed opens and closes its own connection.
  result = await seedDemoDatabase(db.url, { onProgress: (p) => progress.push(p) });
}, 120_000);

afterAll(async () => {
  await client?.end();
});

describe('seedDemoDatabase', () => {
  it('records the marker, so isDemoSeeded turns from false to true', async () => {
    expect(seededBefore).toBe(false);
    expect(await isDemoSeeded(client)).toBe(true);
    const info = await findDemoInfo(db.url);
    expect(info?.version).toBe(DEMO_DATA_VERSION);
    expect(info?.seededAt).toBeInstanceOf(Date);
    expect(result.version).toBe(DEMO_DATA_VERSION);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('reports every step in order, ending with completed === total', () => {
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.map((p) => p.completed)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.every((p) => p.total === progress.length)).toBe(true);
    expect(progress.map((p) => p.step)).toContain('sales.order_items');
    expect(progress.at(-1)?.step).toBe('marker');
  });

  it('creates the three schemas with comments', async () => {
    const schemas = await rows<{ nspname: string; comment: string | null }>(
      `SELECT nspname, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace
       WHERE nspname = ANY($1::text[]) ORDER BY nspname`,
      [[...DEMO_SCHEMAS]],
    );
    expect(schemas.map((s) => s.nspname)).toEqual([...DEMO_SCHEMAS].sort());
    for (const s of schemas) expect(s.comment?.length, s.nspname).toBeGreaterThan(30);
  });

  it('creates exactly the documented tables, views and materialized views', async () => {
    const found = await rows<{ name: string; kind: string }>(
      `SELECT n.nspname || '.' || c.relname AS name,
              CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' END AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'v', 'm') ORDER BY 1`,
      [[...DEMO_SCHEMAS]],
    );
    const documented = DEMO_TABLES.map((t) => ({ name: `${t.schema}.${t.name}`, kind: t.kind })).sort(
      (a, b) => a.name.localeCompare(b.name),
    );
    expect(found).toEqual(documented);
  });

  it.each(DEMO_TABLES.map((t) => [`${t.schema}.${t.name}`, t.rows] as const))(
    '%s has the documented %i rows',
    async (name, expected) => {
      expect(await count(`SELECT count(*) AS n FROM ${name}`)).toBe(expected);
    },
  );

  it('has a table of at least 100,000 rows for LIMIT and EXPLAIN demos', async () => {
    const big = DEMO_TABLES.filter((t) => t.kind === 'table' && t.rows >= 100_000);
    expect(big.map((t) => `${t.schema}.${t.name}`)).toEqual(['sales.order_items']);
    expect(await count('SELECT count(*) AS n FROM sales.order_items')).toBeGreaterThanOrEqual(100_000);
  });

  it('comments every table, view, materialized view and table column', async () => {
    const uncommented = await rows<{ what: string }>(
      `SELECT n.nspname || '.' || c.relname AS what
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'v', 'm')
         AND coalesce(obj_description(c.oid, 'pg_class'), '') = ''
       UNION ALL
       SELECT n.nspname || '.' || c.relname || '.' || a.attname
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped
         AND coalesce(col_description(c.oid, a.attnum), '') = ''`,
      [[...DEMO_SCHEMAS]],
    );
    expect(uncommented).toEqual([]);
  });

  it('has primary keys on every table and validated foreign keys between the schemas', async () => {
    const withoutPk = await rows<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'r'
         AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = c.oid AND contype = 'p')`,
      [[...DEMO_SCHEMAS]],
    );
    expect(withoutPk).toEqual([]);
    const fks = await rows<{ from_table: string; to_table: string; convalidated: boolean }>(
      `SELECT conrelid::regclass::text AS from_table, confrelid::regclass::text AS to_table, convalidated
       FROM pg_constraint WHERE contype = 'f' AND connamespace = ANY(
         SELECT oid FROM pg_namespace WHERE nspname = ANY($1::text[]))`,
      [[...DEMO_SCHEMAS]],
    );
    expect(fks).toHaveLength(17);
    expect(fks.every((fk) => fk.convalidated)).toBe(true);
    // Cross-schema links the assistant can follow.
    expect(fks).toContainEqual({
      from_table: 'support.tickets',
      to_table: 'sales.orders',
      convalidated: true,
    });
    expect(fks).toContainEqual({
      from_table: 'sales.order_items',
      to_table: 'inventory.products',
      convalidated: true,
    });
  });

  it('leaves sales.order_items(product_id) unindexed, so EXPLAIN shows a sequential scan', async () => {
    const indexes = await rows<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'sales' AND tablename = 'order_items'`,
    );
    expect(indexes.map((i) => i.indexdef).join('\n')).not.toMatch(/\(product_id/);
    const plan = await rows<{ 'QUERY PLAN': string }>(
      'EXPLAIN SELECT * FROM sales.order_items WHERE product_id = 42',
    );
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Seq Scan on order_items/);
    // Its neighbour is indexed, for contrast.
    const indexed = await rows<{ 'QUERY PLAN': string }>(
      'EXPLAIN SELECT * FROM sales.orders WHERE customer_id = 42',
    );
    expect(indexed.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan|Bitmap Index Scan/);
  });

  it('has run ANALYZE: the planner knows the table sizes', async () => {
    const stats = await rows<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples FROM pg_class WHERE oid IN ('sales.order_items'::regclass, 'sales.orders'::regclass)
       ORDER BY relname`,
    );
    expect(stats.map((s) => [s.relname, Math.round(s.reltuples / 1000)])).toEqual([
      ['order_items', 120],
      ['orders', 40],
    ]);
    expect(
      await count(
        `SELECT count(*) AS n FROM pg_stats WHERE schemaname = 'sales' AND tablename = 'order_items'`,
      ),
    ).toBeGreaterThan(0);
  });

  it('uses enums, check constraints, jsonb, arrays, money as numeric and a populated materialized view', async () => {
    const enums = await rows<{ name: string }>(
      `SELECT t.typnamespace::regnamespace::text || '.' || t.typname AS name FROM pg_type t
       WHERE t.typtype = 'e' AND t.typnamespace::regnamespace::text = ANY($1::text[]) ORDER BY 1`,
      [[...DEMO_SCHEMAS]],
    );
    expect(enums.map((e) => e.name)).toEqual([
      'sales.order_status',
      'support.ticket_priority',
      'support.ticket_status',
    ]);
    expect(
      await count(
        `SELECT count(*) AS n FROM pg_constraint WHERE contype = 'c' AND conrelid = 'sales.product_reviews'::regclass`,
      ),
    ).toBeGreaterThan(0);
    const types = await rows<{ column: string; type: string }>(
      `SELECT table_schema || '.' || table_name || '.' || column_name AS column, data_type AS type
       FROM information_schema.columns
       WHERE (table_schema, table_name, column_name) IN
         (('inventory', 'products', 'attributes'), ('sales', 'orders', 'metadata'), ('inventory', 'products', 'tags'),
          ('sales', 'customers', 'interests'), ('sales', 'orders', 'total_amount'))
       ORDER BY 1`,
    );
    expect(types).toEqual([
      { column: 'inventory.products.attributes', type: 'jsonb' },
      { column: 'inventory.products.tags', type: 'ARRAY' },
      { column: 'sales.customers.interests', type: 'ARRAY' },
      { column: 'sales.orders.metadata', type: 'jsonb' },
      { column: 'sales.orders.total_amount', type: 'numeric' },
    ]);
    const [mv] = await rows<{ ispopulated: boolean }>(
      `SELECT ispopulated FROM pg_matviews WHERE schemaname = 'sales' AND matviewname = 'monthly_revenue'`,
    );
    expect(mv?.ispopulated).toBe(true);
  });

  it('keeps the numbers consistent: order totals add up and the materialized view matches the orders', async () => {
    expect(
      await count(`SELECT count(*) AS n FROM sales.orders o
                   WHERE o.subtotal <> (SELECT sum(line_total) FROM sales.order_items i WHERE i.order_id = o.order_id)`),
    ).toBe(0);
    const [check] = await rows<{ mv: string; direct: string }>(
      `SELECT (SELECT sum(revenue) FROM sales.monthly_revenue) AS mv,
              (SELECT sum(i.line_total) FROM sales.order_items i JOIN sales.orders o USING (order_id)
               WHERE o.status NOT IN ('cancelled', 'returned')) AS direct`,
    );
    expect(check?.mv).toBe(check?.direct);
    expect(
      await count(`SELECT count(*) AS n FROM sales.orders o JOIN sales.customers c USING (customer_id)
                   WHERE o.ordered_at::date < c.signed_up_on`),
    ).toBe(0);
  });

  it('spans 2021 to 2025 with growth and every status an order can have', async () => {
    const years = await rows<{ year: number; orders: string }>(
      `SELECT extract(year FROM ordered_at)::int AS year, count(*) AS orders FROM sales.orders GROUP BY 1 ORDER BY 1`,
    );
    expect(years.map((y) => y.year)).toEqual([2021, 2022, 2023, 2024, 2025]);
    const perYear = years.map((y) => Number(y.orders));
    expect(perYear[4]).toBeGreaterThan(2 * (perYear[0] ?? 0));
    const statuses = await rows<{ status: string }>(
      'SELECT DISTINCT status::text FROM sales.orders ORDER BY 1',
    );
    expect(statuses.map((s) => s.status)).toEqual([
      'cancelled',
      'delivered',
      'paid',
      'pending',
      'returned',
      'shipped',
    ]);
  });

  it('has realistic customers: unique ASCII emails, names and cities from the lists', async () => {
    const [c] = await rows<{ emails: string; names: string; cities: string; countries: string }>(
      `SELECT count(DISTINCT email) AS emails, count(DISTINCT first_name || ' ' || last_name) AS names,
              count(DISTINCT city) AS cities, count(DISTINCT country) AS countries FROM sales.customers`,
    );
    expect(Number(c?.emails)).toBe(5000);
    expect(Number(c?.names)).toBeGreaterThan(3000);
    expect(Number(c?.cities)).toBeGreaterThan(30);
    expect(Number(c?.countries)).toBeGreaterThan(15);
    expect(
      await count(`SELECT count(*) AS n FROM sales.customers WHERE email !~ '^[a-z.]+[0-9]+@[a-z.-]+$'`),
    ).toBe(0);
  });

  it('writes varied free text without leftover placeholders', async () => {
    const [r] = await rows<{ bodies: string; titles: string }>(
      `SELECT count(DISTINCT body) AS bodies, count(DISTINCT title) AS titles FROM sales.product_reviews`,
    );
    expect(Number(r?.bodies)).toBeGreaterThan(6000);
    expect(Number(r?.titles)).toBeGreaterThan(30);
    const [m] = await rows<{ bodies: string; subjects: string }>(
      `SELECT (SELECT count(DISTINCT body) FROM support.ticket_messages) AS bodies,
              (SELECT count(DISTINCT subject) FROM support.tickets) AS subjects`,
    );
    expect(Number(m?.bodies)).toBeGreaterThan(3000);
    expect(Number(m?.subjects)).toBeGreaterThan(1000);
    const leftovers = await rows<{ text: string }>(
      `SELECT body AS text FROM sales.product_reviews WHERE body ~ '%|  | \\.|\\$ |^ | $'
       UNION ALL SELECT title FROM sales.product_reviews WHERE title ~ '%|  |^ | $'
       UNION ALL SELECT subject FROM support.tickets WHERE subject ~ '%|  | \\?|^ | $|the \\?'
       UNION ALL SELECT body FROM support.ticket_messages WHERE body ~ '%|  | [.,?]|\\$ |^ | $|Hi ,|order \\.|the \\.'
       LIMIT 5`,
    );
    expect(leftovers).toEqual([]);
    expect(await count(`SELECT count(*) AS n FROM sales.product_reviews WHERE body ILIKE '%lorem%'`)).toBe(0);
  });

  it('answers the first questions of a conversation', async () => {
    const best = await rows<{ name: string; revenue: string }>(
      `SELECT p.name, sum(i.line_total) AS revenue FROM sales.order_items i
       JOIN inventory.products p USING (product_id) GROUP BY p.name ORDER BY 2 DESC LIMIT 3`,
    );
    expect(best).toHaveLength(3);
    expect(Number(best[0]?.revenue)).toBeGreaterThan(Number(best[2]?.revenue));
    expect(
      await count(
        `SELECT count(*) AS n FROM support.tickets WHERE status = 'open' AND category = 'shipping'`,
      ),
    ).toBeGreaterThan(20);
    expect(
      await count(
        `SELECT count(*) AS n FROM support.open_tickets WHERE category = 'shipping' AND priority = 'urgent'`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM sales.product_reviews WHERE search @@ websearch_to_tsquery('english', 'battery')`,
      ),
    ).toBeGreaterThan(10);
    expect(await count(`SELECT count(*) AS n FROM sales.orders WHERE metadata ? 'coupon'`)).toBeGreaterThan(
      5000,
    );
    expect(
      await count(`SELECT count(*) AS n FROM inventory.products WHERE 'waterproof' = ANY(tags)`),
    ).toBeGreaterThan(0);
  });

  it('hands out fresh ids to new rows (identity sequences are past the generated ids)', async () => {
    await client.query('BEGIN');
    try {
      const { rows: inserted } = await client.query<{ customer_id: number }>(
        `INSERT INTO sales.customers (first_name, last_name, email, city, country, country_code, segment, signed_up_on)
         VALUES ('Ada', 'Lovelace', 'ada@example.org', 'London', 'United Kingdom', 'GB', 'consumer', '2026-01-01')
         RETURNING customer_id`,
      );
      expect(inserted).toEqual([{ customer_id: 5001 }]);
      const { rows: ticket } = await client.query<{ ticket_id: number }>(
        `INSERT INTO support.tickets (customer_id, category, subject, status, priority, created_at)
         VALUES (5001, 'general', 'Hello', 'open', 'low', now()) RETURNING ticket_id`,
      );
      expect(ticket).toEqual([{ ticket_id: 3001 }]);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('refuses to seed the same database twice and leaves it untouched', async () => {
    await expect(seedDemoDatabase(client)).rejects.toMatchObject({ code: 'ALREADY_SEEDED' });
    expect(await count('SELECT count(*) AS n FROM sales.orders')).toBe(40_000);
    expect(await isDemoSeeded(client)).toBe(true);
  });
});
