import type { Client } from '@modelcontextprotocol/client';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

const db = useTestDatabase('server-mcp');
let server: RunningServer;

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  await adminQuery(
    db.url,
    "CREATE TABLE public.canary (id int PRIMARY KEY, note text); INSERT INTO public.canary VALUES (1, 'untouched')",
  );
  server = await startTestServer({ PGMCP_DATABASE_URL: db.url });
});
afterAll(async () => {
  await server?.close();
});

const canary = () => adminQuery(db.url, 'SELECT id, note FROM public.canary');

describe.each(['modern', 'legacy'] as const)(
  'every tool, resource and prompt through the Hono app (%s client)',
  (era) => {
    let client: Client;
    beforeAll(async () => {
      client = await mcpClient(server, { era });
    });
    afterAll(async () => {
      await client.close();
    });

    it('announces pgmcp and lists its tools, resources and prompts', async () => {
      expect(client.getServerVersion()).toMatchObject({ name: 'pgmcp' });
      expect(client.getInstructions()).toContain('get_schema_info');
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'analyze_db_health',
        'count_rows',
        'execute_explain',
        'generate_embedding',
        'get_active_queries',
        'get_locks',
        'get_schema_info',
        'get_top_queries',
        'list_database_connections',
        'query_database',
        'read_resource',
        'recommend_indexes',
        'select_database_connection',
        'similarity_search',
        'test_query',
      ]);
      expect((await client.listResources()).resources).toHaveLength(2);
      expect((await client.listPrompts()).prompts).toHaveLength(4);
    });

    it('query_database: limits and truncation on the 119k-row demo table, offset paging', async () => {
      const page = await client.callTool({
        name: 'query_database',
        arguments: {
          query: 'SELECT order_id, product_id FROM sales.order_items ORDER BY order_id, product_id',
          limit: 1000,
        },
      });
      expect(page.structuredContent).toMatchObject({ row_count: 1000, truncated: true, next_offset: 1000 });
      const next = await client.callTool({
        name: 'query_database',
        arguments: {
          query: 'SELECT order_id, product_id FROM sales.order_items ORDER BY order_id, product_id',
          limit: 2,
          offset: 1000,
        },
      });
      const expected = await adminQuery<{ order_id: number }>(
        db.url,
        'SELECT order_id FROM sales.order_items ORDER BY order_id, product_id OFFSET 1000 LIMIT 2',
      );
      expect((next.structuredContent as { rows: number[][] }).rows.map((r) => r[0])).toEqual(
        expected.map((r) => Number(r.order_id)),
      );
    });

    it('query_database: COMMIT; INSERT changes nothing (checked from a separate admin connection)', async () => {
      const attack = await client.callTool({
        name: 'query_database',
        arguments: { query: "COMMIT; INSERT INTO public.canary VALUES (2, 'pwned')" },
      });
      expect(attack.isError).toBe(true);
      expect(await canary()).toEqual([{ id: 1, note: 'untouched' }]);
    });

    it('get_schema_info, count_rows, execute_explain and test_query answer from the demo data', async () => {
      const overview = await client.callTool({ name: 'get_schema_info', arguments: {} });
      expect(textOf(overview)).toMatch(/sales: \d+ tables/);
      const orders = await client.callTool({
        name: 'get_schema_info',
        arguments: { schema_name: 'sales', table_name: 'orders' },
      });
      expect(textOf(orders)).toMatch(/^sales\.orders \(table, ~40,000 rows/);
      const count = await client.callTool({
        name: 'count_rows',
        arguments: { schema: 'sales', table: 'orders' },
      });
      expect(count.structuredContent).toMatchObject({ count: 40_000 });
      const plan = await client.callTool({
        name: 'execute_explain',
        arguments: { query: 'SELECT count(*) FROM sales.order_items' },
      });
      expect(textOf(plan)).toMatch(/Execution Time/);
      const check = await client.callTool({
        name: 'test_query',
        arguments: { query: 'SELECT * FROM sales.orders LIMIT 1' },
      });
      expect(check.structuredContent).toMatchObject({ valid: true, writes: false, allowed: true });
    });

    it('connection tools, resources and prompts', async () => {
      const list = await client.callTool({ name: 'list_database_connections', arguments: {} });
      expect(textOf(list)).toMatch(/^\* default — /);
      const select = await client.callTool({
        name: 'select_database_connection',
        arguments: { connection_id: 'default' },
      });
      expect(textOf(select)).toContain('Now using "default"');
      const info = await client.callTool({ name: 'read_resource', arguments: { uri: 'pg://system_info' } });
      expect(JSON.parse(textOf(info))).toMatchObject({
        database: db.name,
        connection: 'default',
        allow_writes: false,
      });
      const resource = await client.readResource({ uri: 'pg://connection_info' });
      expect(resource.contents[0]).toMatchObject({
        uri: 'pg://connection_info',
        mimeType: 'application/json',
      });
      for (const [name, args] of [
        ['explore-database', {}],
        ['diagnose-query-issue', { issue_description: 'slow' }],
        ['design-schema', { requirements: 'coupons' }],
        ['setup-semantic-search', { query_text: 'late delivery' }],
      ] as const) {
        const prompt = await client.getPrompt({ name, arguments: args });
        expect(prompt.messages[0]?.role, name).toBe('user');
      }
    });
  },
);

describe('over a real socket', () => {
  it('serves the official client on 127.0.0.1', async () => {
    const client = await mcpClient(server, { socket: true });
    try {
      const result = await client.callTool({
        name: 'query_database',
        arguments: { query: 'SELECT count(*) AS n FROM sales.customers' },
      });
      expect(textOf(result)).toBe('n\n5000\n(1 row)');
    } finally {
      await client.close();
    }
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      connections: [{ name: 'default', ok: true, server_version: expect.stringMatching(/^\d+\.\d+/) }],
    });
  });
});

describe('toolsets from the config file', () => {
  it('leaves switched-off groups out of tools/list and refuses their tools', async () => {
    const small = await startTestServer(
      { PGMCP_DATABASE_URL: db.url },
      { yaml: 'toolsets:\n  groups:\n    dba: false\n    semantic: false\n    query: false\n' },
    );
    const client = await mcpClient(small);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'execute_explain',
        'get_schema_info',
        'list_database_connections',
        'read_resource',
        'select_database_connection',
      ]);
      await expect(
        client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } }),
      ).rejects.toThrow(/query_database/);
    } finally {
      await client.close();
      await small.close();
    }
  });

  it('switches single tools, resources and prompts by name, over their group', async () => {
    const yaml = [
      'toolsets:',
      '  groups: { query: false, explain: false, dba: false, semantic: false, connections: false }',
      '  tools: { count_rows: true, read_resource: true }',
      '  resources: { "pg://connection_info": false }',
      '  prompts: { design-schema: false, setup-semantic-search: false, diagnose-query-issue: false }',
      '',
    ].join('\n');
    const small = await startTestServer({ PGMCP_DATABASE_URL: db.url }, { yaml });
    const client = await mcpClient(small);
    try {
      // Only schema browsing (and a count), as a deployment might offer.
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'count_rows',
        'get_schema_info',
        'read_resource',
      ]);
      expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['pg://system_info']);
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['explore-database']);
      const counted = await client.callTool({
        name: 'count_rows',
        arguments: { schema: 'sales', table: 'customers' },
      });
      expect(counted.isError).not.toBe(true);
      await expect(client.callTool({ name: 'test_query', arguments: { query: 'SELECT 1' } })).rejects.toThrow(
        /Unknown tool "test_query"/,
      );
    } finally {
      await client.close();
      await small.close();
    }
  });

  it('names an unknown tool, resource or prompt in the config file', async () => {
    await expect(
      startTestServer(
        { PGMCP_DATABASE_URL: db.url },
        { yaml: 'toolsets:\n  tools:\n    drop_table: false\n' },
      ),
    ).rejects.toThrow(
      /toolsets\.tools\.drop_table: unknown tool "drop_table"; the built-in tools are analyze_db_health, count_rows/,
    );
    await expect(
      startTestServer({ PGMCP_DATABASE_URL: db.url }, { yaml: 'toolsets:\n  prompts:\n    explore: nope\n' }),
    ).rejects.toThrow(/toolsets\.prompts\.explore/);
  });

  it('names an unknown group in the config file', async () => {
    await expect(
      startTestServer({ PGMCP_DATABASE_URL: db.url }, { yaml: 'toolsets:\n  groups:\n    admin: false\n' }),
    ).rejects.toThrow(/unknown key "toolsets\.groups\.admin"/);
  });
});
