import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, textOf, type ToolsHarness, toolsHarness } from '../helpers.js';

const db = useTestDatabase('tools-budget');
let harness: ToolsHarness;
let small: ToolsHarness;
let client: Client;
let smallClient: Client;

beforeAll(async () => {
  await adminQuery(
    db.url,
    `CREATE TABLE big_comment (id int);
     CREATE SCHEMA wide;
     CREATE SCHEMA mid;
     DO $$ BEGIN
       EXECUTE format('COMMENT ON TABLE big_comment IS %L', repeat('c', 2000000));
       FOR i IN 1..30 LOOP
         EXECUTE format('CREATE TABLE wide.t%s (id int)', i);
         EXECUTE format('COMMENT ON TABLE wide.t%s IS %L', i, repeat('w', 50000));
       END LOOP;
       FOR i IN 1..3 LOOP
         EXECUTE format('CREATE TABLE mid.t%s (id int)', i);
         EXECUTE format('COMMENT ON TABLE mid.t%s IS %L', i, repeat('m', 30000));
       END LOOP;
     END $$;
     CREATE TABLE numbers AS SELECT g AS n FROM generate_series(1, 100) g;`,
  );
  harness = toolsHarness([{ name: 'main', url: db.url }]);
  client = await harness.client({ sessionKey: 'budget' });
  // 64 KiB per answer: pgmcp's own catalog queries may read 16 times that (1 MiB) in all.
  small = toolsHarness([{ name: 'main', url: db.url }], { limits: { maxBytes: 64 * 1024 } });
  smallClient = await small.client({ sessionKey: 'budget-small' });
});
afterAll(async () => {
  await harness.close();
  await small.close();
});

describe('the output budget holds for every tool', () => {
  it('query_database: a 20 MB first row is a tool error, never a 40 MB answer', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: "SELECT repeat('v', 20000000) AS v" },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^Row 1 of the result is 19\.1 MiB .*Select less of it: e\.g\. left\(v, 1000\)/,
    );
    expect(JSON.stringify(result).length).toBeLessThan(2000);
    const next = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 5 AS five' } });
    expect(textOf(next)).toMatch(/^five\n5\n/);
  });

  it('get_schema_info: a catalog value over the budget is refused without being read', async () => {
    const result = await client.callTool({
      name: 'get_schema_info',
      arguments: { table_name: 'big_comment' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'The database answered with a row of 1.9 MiB (a comment, default or view definition that large), more than pgmcp reads for one call, so it stopped reading and cancelled the query. Ask for a narrower answer (for get_schema_info: one schema_name or table_name, or compact: true).',
    );
  });

  it('get_schema_info: catalog rows are bounded in total, and so is the rendered answer', async () => {
    const total = await smallClient.callTool({ name: 'get_schema_info', arguments: { schema_name: 'wide' } });
    expect(total.isError).toBe(true);
    expect(textOf(total)).toMatch(/^The database answered with more than 1\.0 MiB in all/);
    const rendered = await smallClient.callTool({
      name: 'get_schema_info',
      arguments: { schema_name: 'mid' },
    });
    expect(rendered.isError).toBe(true);
    expect(textOf(rendered)).toMatch(
      /^The answer is 88\.\d KiB, more than the 64\.0 KiB one answer may hold\. Ask for less: one schema_name, one table_name, or compact: true\.$/,
    );
    const one = await smallClient.callTool({
      name: 'get_schema_info',
      arguments: { schema_name: 'mid', table_name: 't1' },
    });
    expect(one.isError).toBeFalsy();
    expect(textOf(one)).toMatch(/^mid\.t1 \(table/);
  });

  it('execute_explain and test_query: a plan over the budget says how to explain less', async () => {
    const list = Array.from({ length: 9000 }, (_, i) => i + 1_000_000).join(', ');
    const query = `SELECT n FROM numbers WHERE n IN (${list})`;
    const explained = await smallClient.callTool({
      name: 'execute_explain',
      arguments: { query, analyze: false },
    });
    expect(explained.isError).toBe(true);
    expect(textOf(explained)).toMatch(
      /^The plan is \d+\.\d KiB, more than the 64\.0 KiB one answer may hold, so pgmcp stopped reading it and cancelled the statement\. Explain a smaller statement/,
    );
    const tested = await smallClient.callTool({ name: 'test_query', arguments: { query } });
    expect(textOf(tested)).toMatch(/Planning failed:\nThe plan is \d+\.\d KiB/);
    const fine = await smallClient.callTool({
      name: 'execute_explain',
      arguments: { query: 'SELECT n FROM numbers WHERE n = 3' },
    });
    expect(fine.isError).toBeFalsy();
  });

  it('a user at the open-session cap gets a tool error saying so, across all of their tokens', async () => {
    const capped = toolsHarness([{ name: 'main', url: db.url }], {}, { sessionLimits: { perUser: 1 } });
    try {
      const first = await capped.client({ sessionKey: 'token-1', principalId: 'ann' });
      const second = await capped.client({ sessionKey: 'token-2', principalId: 'ann' });
      const other = await capped.client({ sessionKey: 'token-3', principalId: 'bob' });
      const slow = first.callTool({
        name: 'query_database',
        arguments: { query: "SELECT pg_sleep(3), 'ann-is-busy' AS marker" },
      });
      await expect
        .poll(() =>
          adminQuery(
            db.adminUrl,
            "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%ann-is-busy%' AND pid <> pg_backend_pid()",
          ),
        )
        .toHaveLength(1);
      const refused = await second.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(
        /^You already hold 1 open database session \(the limit per user is 1, across all your tokens and databases\), all busy\. Wait for your running queries to finish/,
      );
      const fine = await other.callTool({ name: 'query_database', arguments: { query: 'SELECT 1 AS one' } });
      expect(textOf(fine)).toMatch(/^one\n1\n/);
      expect((await slow).isError).toBeFalsy();
    } finally {
      await capped.close();
    }
  });

  it('database_name reaches only the connection’s own database unless others are listed', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', database_name: 'postgres' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `Connection "main" does not allow database "postgres". It serves only its own database "${db.name}"; an administrator can list others in the connection's allowed databases.`,
    );
  });
});
