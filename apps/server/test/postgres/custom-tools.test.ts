import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';

// Custom tools, resources and prompts from pgmcp.yaml, end to end: the real server, PostgreSQL and
// the official MCP client. Parameters are bound ($1..$n), never spliced into the statement.

const db = useTestDatabase('server-custom-tools');

function config(url: string, extra = ''): string {
  return `auth:
  bcrypt_cost: 4
connections:
  - name: main
    url: "${url}"
  - name: rw
    url: "${url}"
    allow_writes: true
writes:
  confirm: never
tools:
  - name: find_customer
    type: sql
    description: Customers with exactly this name.
    sql: SELECT id, name FROM public.customers WHERE name = $1 ORDER BY id
    parameters:
      - { name: name, type: string, description: The exact name. }
  - name: customers_by_id
    type: sql
    description: Customers by id.
    sql: SELECT id, name FROM public.customers WHERE id = ANY($1) ORDER BY id
    parameters:
      - { name: ids, type: array, items: integer }
  - name: by_names
    type: sql
    description: Customers by name.
    sql: SELECT id FROM public.customers WHERE name = ANY($1) ORDER BY id
    parameters:
      - { name: names, type: array }
  - name: typed
    type: sql
    description: Echoes its typed parameters.
    sql: SELECT $1::int AS i, $2::numeric AS n, $3::boolean AS b, $4::text AS e, $5::date AS d, $6::text AS opt
    parameters:
      - { name: i, type: integer, min: 1, max: 100 }
      - { name: n, type: number }
      - { name: b, type: boolean }
      - { name: e, type: enum, values: [north, south] }
      - { name: d, type: date }
      - { name: opt, type: string, required: false }
  - name: top_customers
    type: sql
    description: The first customers.
    sql: SELECT id FROM public.customers ORDER BY id
    row_limit: 2
  - name: slow
    type: sql
    description: Sleeps.
    sql: SELECT pg_sleep($1)
    timeout_ms: 300
    parameters:
      - { name: seconds, type: number }
  - name: add_customer
    type: sql
    description: Adds a customer.
    sql: INSERT INTO public.customers (id, name, region) VALUES ($1, $2, 'north')
    parameters:
      - { name: id, type: integer }
      - { name: name, type: string }
resources:
  - uri: custom://regions
    name: regions
    type: sql
    sql: SELECT DISTINCT region FROM public.customers ORDER BY 1
  - uri: custom://readme
    name: readme
    type: static
    text: "Ask about customers."
prompts:
  - name: review_customer
    description: Review one customer.
    arguments:
      - { name: name, description: Who. }
      - { name: focus, required: false }
    template: "Look at the customer {{name}}, focusing on {{focus}}."
${extra}`;
}

const customers = () =>
  adminQuery<{ id: number; name: string }>(db.url, 'SELECT id, name FROM public.customers ORDER BY id');

beforeAll(async () => {
  await adminQuery(
    db.url,
    `CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, region text NOT NULL);
     INSERT INTO public.customers VALUES (1, 'Ada', 'north'), (2, 'O''Brien', 'south'), (3, 'Grace', 'north')`,
  );
});

describe('custom tools through the official MCP client', () => {
  let server: RunningServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer({}, { yaml: config(db.url) });
    client = await mcpClient(server);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('lists them with an input schema from their parameters and truthful annotations', async () => {
    const tools = (await client.listTools()).tools;
    const find = tools.find((t) => t.name === 'find_customer')!;
    expect(find.description).toBe('Customers with exactly this name.');
    expect(find.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'The exact name.' },
        connection_id: { type: 'string' },
      },
      required: ['name'],
    });
    expect(find.annotations).toMatchObject({ readOnlyHint: true });
    const typed = tools.find((t) => t.name === 'typed')!;
    expect(typed.inputSchema.properties).toMatchObject({
      i: { type: 'integer', minimum: 1, maximum: 100 },
      n: { type: 'number' },
      b: { type: 'boolean' },
      e: { enum: ['north', 'south'] },
      d: { type: 'string' },
    });
    expect(typed.inputSchema.required).not.toContain('opt');
    const add = tools.find((t) => t.name === 'add_customer')!;
    expect(add.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(add.description).toMatch(/WRITES/);
  });

  it('cannot be SQL-injected: attack strings are values, the table stays intact', async () => {
    const before = await customers();
    for (const attack of [
      "'; drop table public.customers; --",
      "x' OR '1'='1",
      '1 or 1=1',
      "Ada'; DELETE FROM public.customers; SELECT '",
      '$1',
    ]) {
      const result = await client.callTool({ name: 'find_customer', arguments: { name: attack } });
      expect(result.isError, attack).not.toBe(true);
      expect(result.structuredContent, attack).toMatchObject({ row_count: 0 });
    }
    // A quote in a value is just a character of the name.
    const quoted = await client.callTool({ name: 'find_customer', arguments: { name: "O'Brien" } });
    expect(quoted.structuredContent).toMatchObject({ row_count: 1, rows: [[2, "O'Brien"]] });
    expect(await customers()).toEqual(before);
    // Array elements are values too: a quote or brace inside one cannot split it.
    for (const names of [['Ada","Grace'], ['Ada}', '{Grace'], ['Ada\\', 'x']]) {
      const result = await client.callTool({ name: 'by_names', arguments: { names } });
      expect(result.structuredContent, JSON.stringify(names)).toMatchObject({ row_count: 0 });
    }
    const both = await client.callTool({ name: 'by_names', arguments: { names: ['Ada', "O'Brien"] } });
    expect(both.structuredContent).toMatchObject({ rows: [[1], [2]] });
    const ids = await client.callTool({ name: 'customers_by_id', arguments: { ids: ['1 or 1=1'] } });
    expect(ids.isError).toBe(true);
    expect(textOf(ids)).toContain('ids.0: must be a whole number');
    expect(await customers()).toEqual(before);
  });

  it('binds each type and refuses a wrong value naming the parameter and the type', async () => {
    const ok = await client.callTool({
      name: 'typed',
      arguments: { i: 7, n: 2.5, b: true, e: 'south', d: '2024-02-29' },
    });
    expect(ok.isError).not.toBe(true);
    expect(ok.structuredContent).toMatchObject({ rows: [[7, 2.5, true, 'south', '2024-02-29', null]] });
    const ids = await client.callTool({ name: 'customers_by_id', arguments: { ids: [3, 1] } });
    expect(ids.structuredContent).toMatchObject({
      rows: [
        [1, 'Ada'],
        [3, 'Grace'],
      ],
    });
    const valid = { i: 7, n: 2.5, b: true, e: 'south', d: '2024-02-29' };
    const cases: [Record<string, unknown>, string][] = [
      [{ i: 1.5 }, 'i: must be a whole number'],
      [{ i: '7' }, 'i: must be a whole number'],
      [{ i: 500 }, 'i: must be at most 100'],
      [{ n: 'abc' }, 'n: must be a number'],
      [{ b: 'yes' }, 'b: must be true or false'],
      [{ e: 'west' }, 'e: must be one of north, south'],
      [{ d: '2023-02-29' }, 'd: is not a calendar date'],
      [{ d: 'tomorrow' }, 'd: must be a date written YYYY-MM-DD'],
      [{ extra: 1 }, 'Unrecognized key'],
    ];
    for (const [change, message] of cases) {
      const result = await client.callTool({ name: 'typed', arguments: { ...valid, ...change } });
      expect(result.isError, message).toBe(true);
      expect(textOf(result)).toContain(message);
    }
    const missing = await client.callTool({ name: 'find_customer', arguments: {} });
    expect(textOf(missing)).toContain('name: must be a string');
  });

  it('holds its row limit and its timeout', async () => {
    const top = await client.callTool({ name: 'top_customers', arguments: {} });
    expect(top.structuredContent).toMatchObject({ row_count: 2, truncated: true });
    const slow = await client.callTool({ name: 'slow', arguments: { seconds: 5 } });
    expect(slow.isError).toBe(true);
    expect(textOf(slow)).toMatch(/statement timeout|took longer/i);
  });

  it('writes only on a write-enabled connection, through the same guard as query_database', async () => {
    const refused = await client.callTool({ name: 'add_customer', arguments: { id: 10, name: 'Linus' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/read-only|writes/i);
    expect((await customers()).map((c) => c.id)).not.toContain(10);
    const written = await client.callTool({
      name: 'add_customer',
      arguments: { id: 10, name: 'Linus', connection_id: 'rw' },
    });
    expect(written.isError).not.toBe(true);
    expect(textOf(written)).toContain('INSERT completed on "rw" (1 rows affected)');
    expect(await customers()).toContainEqual({ id: 10, name: 'Linus' });
    await adminQuery(db.url, 'DELETE FROM public.customers WHERE id = 10');
  });

  it('serves the custom resources and renders the custom prompt', async () => {
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['custom://regions', 'custom://readme']));
    const regions = await client.readResource({ uri: 'custom://regions' });
    expect(JSON.parse((regions.contents[0] as { text: string }).text)).toMatchObject({
      columns: [{ name: 'region' }],
      rows: [['north'], ['south']],
    });
    const readme = await client.readResource({ uri: 'custom://readme' });
    expect(readme.contents[0]).toMatchObject({ text: 'Ask about customers.', mimeType: 'text/plain' });
    const prompt = (await client.listPrompts()).prompts.find((p) => p.name === 'review_customer');
    expect(prompt?.arguments).toEqual([
      { name: 'name', description: 'Who.', required: true },
      { name: 'focus', required: false },
    ]);
    const rendered = await client.getPrompt({
      name: 'review_customer',
      arguments: { name: 'Ada', focus: 'orders' },
    });
    expect(rendered.messages[0]!.content).toEqual({
      type: 'text',
      text: 'Look at the customer Ada, focusing on orders.',
    });
  });
});

describe('custom items are privileges like the built-ins', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: 'an admin password for custom tools' },
      { yaml: config(db.url) },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an ungranted user neither sees nor calls them; a grant shows them', async () => {
    const items = await server.auth.listMcpItems();
    expect(items.map((i) => `${i.kind}:${i.name}`)).toEqual(
      expect.arrayContaining(['tool:find_customer', 'resource:custom://regions', 'prompt:review_customer']),
    );
    const user = await server.auth.createUser({ username: 'analyst', password: 'a long analyst password 1' });
    const group = await server.auth.createGroup({ name: 'analysts' });
    await server.auth.addGroupMember(group.id, { userId: user.id });
    await server.auth.grantPrivilege(group.id, { type: 'connection', name: 'main', access: 'read' });
    await server.auth.grantPrivilege(group.id, { type: 'mcp_item', kind: 'tool', name: 'query_database' });
    const { token } = await server.auth.createApiToken(user.id, { note: 'custom tools' });
    let client = await mcpClient(server, { token });
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query_database']);
      const refused = await client.callTool({ name: 'find_customer', arguments: { name: 'Ada' } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('not allowed to use the tool "find_customer"');
      expect((await client.listResources()).resources).toEqual([]);
      await expect(client.getPrompt({ name: 'review_customer', arguments: { name: 'x' } })).rejects.toThrow(
        /not allowed/,
      );
    } finally {
      await client.close();
    }
    await server.auth.grantPrivilege(group.id, { type: 'mcp_item', kind: 'tool', name: 'find_customer' });
    client = await mcpClient(server, { token });
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual([
        'find_customer',
        'query_database',
      ]);
      const found = await client.callTool({ name: 'find_customer', arguments: { name: 'Ada' } });
      expect(found.structuredContent).toMatchObject({ rows: [[1, 'Ada']] });
    } finally {
      await client.close();
    }
  });
});

describe('start-up validation names the entry', () => {
  const tool = (body: string) =>
    `tools:\n  - name: ok_tool\n    type: sql\n    description: fine\n    sql: SELECT 1\n${body}`;
  it.each([
    [
      'an unknown parameter type',
      tool(`  - name: top_customers
    type: sql
    description: d
    sql: SELECT $1::int
    parameters:
      - { name: limit, type: int32 }
`),
      'tools[1] "top_customers": parameter "limit": unknown type "int32" (use string, integer, number, boolean, enum, date, array)',
    ],
    [
      'a parameter count that does not match the placeholders',
      tool(`  - name: two
    type: sql
    description: d
    sql: SELECT $1::int, $3::int
    parameters:
      - { name: a, type: integer }
      - { name: b, type: integer }
`),
      'tools[1] "two": the SQL uses $1, $3 but 2 parameters are declared',
    ],
    [
      'bad SQL',
      tool(`  - name: broken
    type: sql
    description: d
    sql: SELEC 1
`),
      'tools[1] "broken": the SQL is not one valid statement: syntax error at or near "SELEC"',
    ],
    [
      'two statements',
      tool(`  - name: twice
    type: sql
    description: d
    sql: SELECT 1; SELECT 2
`),
      'tools[1] "twice": the SQL is not one valid statement',
    ],
    [
      'a duplicate name',
      tool(`  - name: ok_tool
    type: sql
    description: d
    sql: SELECT 2
`),
      'tools[1] "ok_tool": another custom tool is named "ok_tool"',
    ],
    [
      'the name of a built-in',
      tool(`  - name: query_database
    type: sql
    description: d
    sql: SELECT 2
`),
      'tools[1] "query_database": the name is taken by the built-in tool "query_database"',
    ],
    [
      'a denied function',
      tool(`  - name: reader
    type: sql
    description: d
    sql: SELECT pg_read_file('/etc/passwd')
`),
      `tools[1] "reader": the SQL is refused by pgmcp's guard`,
    ],
    [
      'a writing resource',
      `resources:\n  - { uri: "custom://w", name: w, type: sql, sql: "DELETE FROM public.customers" }\n`,
      'resources[0] "custom://w": the SQL of a resource must only read',
    ],
    [
      'a prompt place without its argument',
      `prompts:\n  - { name: p, template: "Hello {{who}}" }\n`,
      'prompts[0] "p": the template uses {{who}}, which is not among its arguments',
    ],
    [
      'a write confirmation that does not exist',
      `writes:\n  confirm: maybe\n`,
      'writes.confirm: Invalid option: expected one of "elicit"|"client"|"never"',
    ],
    [
      'a missing description (schema)',
      `tools:\n  - { name: nodesc, type: sql, sql: SELECT 1 }\n`,
      'tools[0].description',
    ],
  ])('stops on %s', async (_, yaml, message) => {
    await expect(
      startTestServer({ PGMCP_DATABASE_URL: db.url }, { yaml: `auth:\n  bcrypt_cost: 4\n${yaml}` }),
    ).rejects.toThrow(message);
  });
});

describe('toolsets switch custom items like built-ins', () => {
  it('leaves a switched-off custom tool, resource and prompt out', async () => {
    const server = await startTestServer(
      {},
      {
        yaml: config(
          db.url,
          `toolsets:\n  tools: { find_customer: false }\n  resources: { "custom://readme": false }\n  prompts: { review_customer: false }\n`,
        ),
      },
    );
    const client = await mcpClient(server);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).not.toContain('find_customer');
      expect(tools).toContain('typed');
      expect((await client.listResources()).resources.map((r) => r.uri)).not.toContain('custom://readme');
      expect((await client.listPrompts()).prompts.map((p) => p.name)).not.toContain('review_customer');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('still refuses a switch that names nothing', async () => {
    await expect(
      startTestServer({}, { yaml: config(db.url, `toolsets:\n  tools: { find_customr: false }\n`) }),
    ).rejects.toThrow(
      /toolsets\.tools\.find_customr: unknown tool "find_customr".*the custom ones .*find_customer/,
    );
  });
});
