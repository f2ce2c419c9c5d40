import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** What the in-process MCP server saw and holds, for assertions. */
export interface FixtureState {
  /** Rows written by write_row. */
  rows: string[];
  /** Every tool call received, by name, in arrival order. */
  calls: string[];
  /** slow: labels that finished, labels whose request was cancelled, most running at once. */
  completed: string[];
  aborted: string[];
  active: number;
  maxActive: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * An official-SDK McpServer with pgmcp-like tools, connected in-process to an official Client
 * through the SDK's InMemoryTransport.
 */
export async function startFixture(): Promise<{
  client: Client;
  state: FixtureState;
  close(): Promise<void>;
}> {
  const state: FixtureState = { rows: [], calls: [], completed: [], aborted: [], active: 0, maxActive: 0 };
  const server = new McpServer({ name: 'fixture', version: '1' });
  const readOnly = { readOnlyHint: true, openWorldHint: false };

  server.registerTool(
    'get_schema_info',
    {
      description: 'Tables and columns.',
      inputSchema: z.object({ table_name: z.string().optional() }),
      annotations: readOnly,
    },
    async () => {
      state.calls.push('get_schema_info');
      return { content: [{ type: 'text', text: 'public.orders (id int PK, total numeric, status text)' }] };
    },
  );
  server.registerTool(
    'query_database',
    {
      description: 'Runs one SQL statement.',
      inputSchema: z.object({ query: z.string() }),
      annotations: readOnly,
    },
    async ({ query }) => {
      state.calls.push('query_database');
      const structured = { columns: ['n'], rows: [[1234]], row_count: 1, truncated: false };
      return {
        content: [{ type: 'text', text: `n\n1234\n(1 row) for ${query}` }],
        structuredContent: structured,
      };
    },
  );
  server.registerTool(
    'slow',
    {
      description: 'Waits.',
      inputSchema: z.object({ ms: z.number(), label: z.string() }),
      annotations: readOnly,
    },
    async ({ ms, label }, ctx) => {
      state.calls.push('slow');
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      const finished = await sleep(ms, ctx.mcpReq.signal);
      state.active--;
      (finished ? state.completed : state.aborted).push(label);
      return { content: [{ type: 'text', text: `waited ${ms} ms (${label})` }] };
    },
  );
  server.registerTool(
    'write_row',
    {
      description: 'Inserts a row.',
      inputSchema: z.object({ statement: z.string(), value: z.string() }),
      annotations: { readOnlyHint: false, destructiveHint: true },
    },
    async ({ value }) => {
      state.calls.push('write_row');
      state.rows.push(value);
      return { content: [{ type: 'text', text: 'INSERT 0 1' }] };
    },
  );
  server.registerTool(
    'broken',
    { description: 'Always fails.', inputSchema: z.object({}), annotations: readOnly },
    async () => {
      state.calls.push('broken');
      return {
        isError: true,
        content: [{ type: 'text', text: 'relation "nope" does not exist; call get_schema_info' }],
      };
    },
  );

  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'agent-test', version: '1' });
  await client.connect(clientSide);
  return {
    client,
    state,
    async close() {
      await client.close();
      await server.close();
    },
  };
}
