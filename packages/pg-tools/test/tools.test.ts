import { createServer } from 'node:net';
import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, FIXTURE_SQL, textOf, type ToolsHarness, toolsHarness } from './helpers.js';

const db = useTestDatabase('pg-tools');
let harness: ToolsHarness;
let deadPort: number;

beforeAll(async () => {
  await adminQuery(db.url, FIXTURE_SQL);
  deadPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  harness = toolsHarness(
    [
      { name: 'main', url: db.url, description: 'The shop database' },
      { name: 'writer', url: db.url, allowWrites: true, allowedDatabases: ['postgres'] },
      { name: 'slow', url: db.url, statementTimeoutMs: 300 },
      {
        name: 'down',
        host: '127.0.0.1',
        port: deadPort,
        database: 'x',
        user: 'x',
        pool: { connectTimeoutMs: 1000 },
      },
    ],
    // The DBA and semantic groups have their own tests (test/dba).
    { defaultConnection: 'main', schemaSummaryThreshold: 5, disabledGroups: ['dba', 'semantic'] },
  );
});
afterAll(async () => {
  await harness.close();
});

const canary = () =>
  adminQuery<{ id: number; note: string }>(db.url, 'SELECT id, note FROM public.canary ORDER BY id');

describe.each(['modern', 'legacy'] as const)('pg-tools through the official MCP client (%s)', (era) => {
  let client: Client;
  beforeAll(async () => {
    client = await harness.client({ era, sessionKey: `s-${era}` });
  });

  it('lists the eight core tools sorted by name, with truthful annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'count_rows',
      'execute_explain',
      'get_schema_info',
      'list_database_connections',
      'query_database',
      'read_resource',
      'select_database_connection',
      'test_query',
    ]);
    const query = tools.find((t) => t.name === 'query_database')!;
    // The writer connection makes writes possible for this caller.
    expect(query.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(query.description).toContain('WRITES ARE POSSIBLE on "writer"');
    expect(tools.find((t) => t.name === 'get_schema_info')!.annotations).toMatchObject({
      readOnlyHint: true,
    });
    expect(query.inputSchema.properties).toHaveProperty('limit.maximum', 1000);
  });

  it('query_database returns TSV text and structured rows', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id, email, city FROM shop.customers WHERE id <= 2 ORDER BY id' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(
      'id\temail\tcity\n1\tc1@example.com\tOslo\n2\tc2@example.com\tPorto\n(2 rows)',
    );
    expect(result.structuredContent).toMatchObject({
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'email', type: 'text' },
        { name: 'city', type: 'text' },
      ],
      rows: [
        [1, 'c1@example.com', 'Oslo'],
        [2, 'c2@example.com', 'Porto'],
      ],
      row_count: 2,
      truncated: false,
    });
  });

  it('cuts a 100k-row result at the limit and pages with offset', async () => {
    const first = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id, total FROM shop.orders ORDER BY id', limit: 5 },
    });
    expect(first.structuredContent).toMatchObject({ row_count: 5, truncated: true, next_offset: 5 });
    expect(textOf(first)).toContain('more rows exist: call again with offset=5 to continue');
    const second = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id, total FROM shop.orders ORDER BY id', limit: 5, offset: 99_998 },
    });
    expect((second.structuredContent as { rows: unknown[][] }).rows).toEqual([
      [99_999, 499.99],
      [100_000, 0.99],
    ]);
    expect(second.structuredContent).toMatchObject({ truncated: false });
  });

  it('uses the default limit of 100', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id FROM shop.orders' },
    });
    expect(result.structuredContent).toMatchObject({ row_count: 100, truncated: true, next_offset: 100 });
  });

  it('refuses a limit over 1000 with a message naming it', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', limit: 5000 },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('limit can be at most 1000; page with offset instead');
  });

  it('refuses statements longer than 256 KiB before parsing them', async () => {
    const query = `SELECT ${'('.repeat(150_000)}1${')'.repeat(150_000)}`;
    const result = await client.callTool({ name: 'query_database', arguments: { query } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      'Invalid arguments for query_database: query: is longer than 256 KiB; send a shorter statement.',
    );
  });

  it('reports SQL errors with their position and a next step', async () => {
    const syntax = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id FROM shop.orders WHERE' },
    });
    expect(syntax.isError).toBe(true);
    expect(textOf(syntax)).toMatch(/syntax error/);
    const missing = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT * FROM shop.nope' },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('ERROR 42P01: relation "shop.nope" does not exist');
    expect(textOf(missing)).toContain('LINE 1: SELECT * FROM shop.nope\n                      ^');
    expect(textOf(missing)).toContain('Call get_schema_info');
  });

  it('stops a statement at the connection\u2019s statement timeout', async () => {
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT pg_sleep(3)', connection_id: 'slow' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('stopped after 0.3 s (the statement timeout)');
  });

  it('refuses writes on a read-only connection and changes nothing', async () => {
    for (const query of [
      "INSERT INTO public.canary VALUES (2, 'x')",
      "COMMIT; INSERT INTO public.canary VALUES (3, 'x')",
      "UPDATE public.canary SET note = 'changed'",
      'WITH d AS (DELETE FROM public.canary RETURNING *) SELECT * FROM d',
      "SELECT nextval('public.canary_seq')",
    ]) {
      const result = await client.callTool({ name: 'query_database', arguments: { query } });
      expect(result.isError, query).toBe(true);
    }
    expect(await canary()).toEqual([{ id: 1, note: 'untouched' }]);
    expect(await adminQuery(db.url, 'SELECT last_value, is_called FROM public.canary_seq')).toEqual([
      { last_value: '1', is_called: false },
    ]);
    expect(harness.events.some((e) => e.kind === 'statement_refused' && e.tool === 'query_database')).toBe(
      true,
    );
  });

  it('writes on a write-enabled connection, reporting rows affected and RETURNING rows', async () => {
    const inserted = await client.callTool({
      name: 'query_database',
      arguments: {
        query: `INSERT INTO public.notes VALUES (1, '${era}') RETURNING id, body`,
        connection_id: 'writer',
      },
    });
    expect(inserted.isError).toBeFalsy();
    expect(textOf(inserted)).toContain(`id\tbody\n1\t${era}`);
    expect(inserted.structuredContent).toMatchObject({ command: 'INSERT', affected_rows: 1 });
    const deleted = await client.callTool({
      name: 'query_database',
      arguments: { query: `DELETE FROM public.notes WHERE body = '${era}'`, connection_id: 'writer' },
    });
    expect(textOf(deleted)).toBe('DELETE completed on "writer" (1 rows affected).');
    expect(
      await adminQuery(db.url, `SELECT count(*)::int AS n FROM public.notes WHERE body = '${era}'`),
    ).toEqual([{ n: 0 }]);
  });

  it('get_schema_info summarises a database with many relations first', async () => {
    const result = await client.callTool({ name: 'get_schema_info', arguments: {} });
    const text = textOf(result);
    expect(text).toMatch(/^\d+ tables and views in 2 schemas \(summary/);
    expect(text).toContain('- shop: 2 tables, 1 views');
    expect(result.structuredContent).toMatchObject({ mode: 'summary' });
  });

  it('get_schema_info describes a table: keys, references, indexes, defaults and comments', async () => {
    const result = await client.callTool({
      name: 'get_schema_info',
      arguments: { schema_name: 'shop', table_name: 'orders' },
    });
    const text = textOf(result);
    expect(text).toMatch(/^shop\.orders \(table, ~100,000 rows, [\d.]+ MB\) — Customer orders/);
    expect(text).toMatch(/customer_id +integer +NOT NULL, FK → shop\.customers\(id\), indexed/);
    expect(text).toMatch(/status +text +NOT NULL, default 'open'::text/);
    expect(text).toContain('checks: CHECK');
    const [table] = (result.structuredContent as { tables: Record<string, unknown>[] }).tables;
    expect(table).toMatchObject({ schema: 'shop', name: 'orders', kind: 'table', row_estimate: 100000 });
    const customers = await client.callTool({
      name: 'get_schema_info',
      arguments: { schema_name: 'shop', table_name: 'customers' },
    });
    expect(textOf(customers)).toMatch(/email +text +NOT NULL, UNIQUE +-- Login and contact address/);
    expect(textOf(customers)).toMatch(/id +integer +PK, default GENERATED ALWAYS AS IDENTITY/);
  });

  it('get_schema_info lists a schema compactly and suggests names for unknown tables', async () => {
    const compact = await client.callTool({
      name: 'get_schema_info',
      arguments: { schema_name: 'shop', compact: true },
    });
    expect(textOf(compact)).toContain('shop.open_orders (view): id bigint, customer_id integer');
    const unknown = await client.callTool({ name: 'get_schema_info', arguments: { table_name: 'order' } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('No table or view named "order". Similar: shop.orders');
    const vectors = await client.callTool({
      name: 'get_schema_info',
      arguments: { vector_tables_only: true },
    });
    expect(textOf(vectors)).toContain('No table has a vector column');
  });

  it('execute_explain analyzes a read and points out a filtered sequential scan', async () => {
    const result = await client.callTool({
      name: 'execute_explain',
      arguments: { query: "SELECT count(*) FROM shop.orders WHERE placed_at > '2024-12-01'" },
    });
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toMatch(/Seq Scan on shop\.orders/);
    expect(text).toMatch(/actual time=/);
    expect(text).toMatch(
      /Sequential scan on shop\.orders reads ~100,000 rows to keep [\d,]+ .*An index on the filtered column/,
    );
    expect(text).toContain('rolled back');
    expect(result.structuredContent).toHaveProperty('execution_time_ms');
  });

  it('execute_explain plans without running and never analyzes a write', async () => {
    const planned = await client.callTool({
      name: 'execute_explain',
      arguments: { query: 'SELECT * FROM shop.orders WHERE customer_id = 7', analyze: false, format: 'json' },
    });
    expect(textOf(planned)).toContain('"Index Name": "orders_customer_idx"');
    expect(planned.structuredContent).not.toHaveProperty('execution_time_ms');
    const write = await client.callTool({
      name: 'execute_explain',
      arguments: { query: 'DELETE FROM public.canary', connection_id: 'writer' },
    });
    expect(write.isError).toBe(true);
    expect(await canary()).toEqual([{ id: 1, note: 'untouched' }]);
  });

  it('count_rows counts with and without a where expression, and refuses injections', async () => {
    const all = await client.callTool({ name: 'count_rows', arguments: { table: 'orders', schema: 'shop' } });
    expect(all.structuredContent).toMatchObject({ count: 100000 });
    const open = await client.callTool({
      name: 'count_rows',
      arguments: { table: 'orders', schema: 'shop', where: "status = 'open'" },
    });
    expect(textOf(open)).toBe("33,333 rows in shop.orders where status = 'open'.");
    for (const where of [
      '1=1) UNION SELECT count(*) FROM pg_shadow --',
      'id IN (SELECT id FROM shop.customers)',
      '1=1; DELETE FROM public.canary',
      "pg_read_file('/etc/passwd') IS NOT NULL",
    ]) {
      const refused = await client.callTool({
        name: 'count_rows',
        arguments: { table: 'orders', schema: 'shop', where },
      });
      expect(refused.isError, where).toBe(true);
    }
    const missing = await client.callTool({ name: 'count_rows', arguments: { table: 'nope' } });
    expect(textOf(missing)).toContain('relation "public.nope" does not exist');
  });

  it('test_query reports syntax errors, kinds, write verdicts and planning problems without running', async () => {
    const bad = await client.callTool({ name: 'test_query', arguments: { query: 'SELECT FROM WHERE x' } });
    expect(textOf(bad)).toMatch(
      /^Not valid: syntax error at or near "WHERE"\nLINE 1: SELECT FROM WHERE x\n {20}\^/,
    );
    expect(bad.structuredContent).toMatchObject({
      valid: false,
      error: { code: 'SYNTAX_ERROR', position: 13 },
    });
    const read = await client.callTool({
      name: 'test_query',
      arguments: { query: 'SELECT * FROM shop.orders WHERE id = 1' },
    });
    expect(textOf(read)).toContain('only reads');
    expect(read.structuredContent).toMatchObject({
      valid: true,
      kind: 'select',
      writes: false,
      allowed: true,
      plan: { rows: 1 },
    });
    const write = await client.callTool({
      name: 'test_query',
      arguments: { query: 'DELETE FROM public.canary' },
    });
    expect(write.structuredContent).toMatchObject({ kind: 'delete', writes: true, allowed: false });
    expect(textOf(write)).toContain('WOULD WRITE');
    const plannedWrite = await client.callTool({
      name: 'test_query',
      arguments: { query: "INSERT INTO public.canary VALUES (99, 'planned')", connection_id: 'writer' },
    });
    expect(plannedWrite.structuredContent).toMatchObject({
      kind: 'insert',
      writes: true,
      allowed: true,
      valid: true,
      plan: { total_cost: expect.any(Number) },
    });
    expect(textOf(plannedWrite)).toContain('Planner estimate');
    const unknown = await client.callTool({
      name: 'test_query',
      arguments: { query: 'SELECT * FROM shop.missing' },
    });
    expect(textOf(unknown)).toContain('Planning failed');
    expect(await canary()).toEqual([{ id: 1, note: 'untouched' }]);
  });

  it('reads resources and renders prompts', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(['pg://connection_info', 'pg://system_info']);
    const [content] = (await client.readResource({ uri: 'pg://system_info' })).contents;
    const info = JSON.parse(content && 'text' in content ? content.text : '{}');
    expect(info).toMatchObject({
      database: db.name,
      user: 'postgres',
      allow_writes: false,
      connection: 'main',
    });
    expect(info.version_number).toBeGreaterThanOrEqual(150000);
    const viaTool = await client.callTool({
      name: 'read_resource',
      arguments: { uri: 'pg://connection_info' },
    });
    expect(JSON.parse(textOf(viaTool))).toMatchObject({
      connection: 'main',
      access: 'read_write',
      allow_writes: false,
    });
    const unknown = await client.callTool({ name: 'read_resource', arguments: { uri: 'pg://nope' } });
    expect(textOf(unknown)).toContain(
      'Unknown resource pg://nope. Known resources: pg://system_info, pg://connection_info',
    );

    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      'design-schema',
      'diagnose-query-issue',
      'explore-database',
      'setup-semantic-search',
    ]);
    const diagnose = await client.getPrompt({
      name: 'diagnose-query-issue',
      arguments: { issue_description: 'orders page is slow' },
    });
    expect((diagnose.messages[0]!.content as { text: string }).text).toContain('orders page is slow');
    const design = await client.getPrompt({
      name: 'design-schema',
      arguments: { requirements: 'loyalty points', full_featured: 'false' },
    });
    expect((design.messages[0]!.content as { text: string }).text).toContain('keep it minimal');
  });
});

describe('connections', () => {
  it('lists connections, switches the current one per session, and keeps sessions apart', async () => {
    const a = await harness.client({ sessionKey: 'switcher' });
    const b = await harness.client({ sessionKey: 'bystander' });
    const list = await a.callTool({ name: 'list_database_connections', arguments: {} });
    expect(textOf(list)).toMatch(
      /^\* main — 127\.0\.0\.1:\d+\/t_pg_tools_\w+, read-only — The shop database/,
    );
    expect(textOf(list)).toMatch(/ {2}writer — .*READ-WRITE/);
    const switched = await a.callTool({
      name: 'select_database_connection',
      arguments: { connection_id: 'writer', database_name: 'postgres' },
    });
    expect(textOf(switched)).toMatch(/^Now using "writer" \(database "postgres", PostgreSQL \d+/);
    const where = await a.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT current_database() AS db' },
    });
    expect(textOf(where)).toContain('db\npostgres');
    const other = await b.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT current_database() AS db' },
    });
    expect(textOf(other)).toContain(`db\n${db.name}`);
  });

  it('falls back to the default, saying why, when the current connection was deleted at runtime', async () => {
    await harness.pools.applyConnections([{ name: 'temporary', url: db.url }]);
    const client = await harness.client({ sessionKey: 'orphan' });
    const chosen = await client.callTool({
      name: 'select_database_connection',
      arguments: { connection_id: 'temporary' },
    });
    expect(chosen.isError).toBeFalsy();
    await harness.pools.applyConnections([]);
    const first = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1 AS one' } });
    expect(first.isError).toBe(true);
    expect(textOf(first)).toContain(
      'Your current connection "temporary" no longer exists (an administrator deleted it). Your session now uses the default connection "main"',
    );
    const next = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1 AS one' } });
    expect(next.isError).toBeFalsy();
    expect(textOf(next)).toContain('one\n1');
  });

  it('reports a database that is down and keeps serving the others', async () => {
    const client = await harness.client({ sessionKey: 'downer' });
    const down = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', connection_id: 'down' },
    });
    expect(down.isError).toBe(true);
    expect(textOf(down)).toContain(
      `Could not connect to "down" (127.0.0.1:${deadPort}, database "x"): connection refused`,
    );
    const select = await client.callTool({
      name: 'select_database_connection',
      arguments: { connection_id: 'down' },
    });
    expect(select.isError).toBe(true);
    const ok = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1 AS one' } });
    expect(textOf(ok)).toContain('one\n1');
  });

  it('honours per-caller connection access: hidden connections and read-only access', async () => {
    const client = await harness.client({ sessionKey: 'limited', access: { main: 'read', writer: 'read' } });
    const list = await client.callTool({ name: 'list_database_connections', arguments: {} });
    expect(
      (list.structuredContent as { connections: { name: string }[] }).connections.map((c) => c.name),
    ).toEqual(['main', 'writer']);
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'query_database')!.annotations).toMatchObject({ readOnlyHint: true });
    const write = await client.callTool({
      name: 'query_database',
      arguments: { query: "INSERT INTO public.canary VALUES (9, 'x')", connection_id: 'writer' },
    });
    expect(write.isError).toBe(true);
    // Read access on a write-enabled connection still gets read-only sessions (layer 4).
    const session = await client.callTool({
      name: 'query_database',
      arguments: {
        query: "SELECT current_setting('default_transaction_read_only') AS ro",
        connection_id: 'writer',
      },
    });
    expect(textOf(session)).toContain('ro\non');
    const hidden = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1', connection_id: 'slow' },
    });
    expect(textOf(hidden)).toContain(
      'You cannot use the connection "slow". Connections you can use: "main", "writer"',
    );
    expect(await canary()).toEqual([{ id: 1, note: 'untouched' }]);
  });
});
