import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHttpHandler, createMcpRegistry, stripFences } from '@pgmcp/mcp-core';
import { type ConnectionConfig, createPoolManager, type PoolManager } from '@pgmcp/pool-manager';
import {
  createMemoryConnectionStore,
  type PgToolsOptions,
  type PgToolsState,
  registerPgTools,
} from '../../src/index.js';

/** An MCP tool result as the SDK client returns it. */
export interface ToolResult {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

export interface DbaHarness {
  pools: PoolManager;
  /** A connected official MCP client whose calls carry `state`. */
  client(state?: PgToolsState, sessionKey?: string): Promise<Client>;
  /** Calls a tool and returns its result, typed loosely for assertions. */
  call(client: Client, name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

/** pg-tools on `connections`, served in-process over Streamable HTTP to the official MCP client. */
export function dbaHarness(
  connections: ConnectionConfig[],
  options: Partial<PgToolsOptions> = {},
): DbaHarness {
  const pools = createPoolManager({ connections });
  const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp', version: 'test' } });
  registerPgTools(registry, { pools, sessions: createMemoryConnectionStore(), ...options });
  const clients: Client[] = [];
  return {
    pools,
    async client(state = {}, sessionKey = 'dba-session') {
      const handler = createMcpHttpHandler(registry, {
        resolveContext: async () => ({
          principal: { id: sessionKey, name: 'tester', kind: 'user' },
          sessionKey,
          state,
        }),
      });
      const transport = new StreamableHTTPClientTransport(new URL('http://pgmcp.test/mcp/v1'), {
        fetch: (url, init) => handler.fetch(new Request(url, init)),
      });
      const client = new Client({ name: 'dba-test', version: '1' });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async call(client, name, args = {}) {
      return (await client.callTool({ name, arguments: args })) as unknown as ToolResult;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await pools.close();
    },
  };
}

/** The text of a result's first content block, with its data fences taken off. */
export function text(result: ToolResult): string {
  return stripFences(result.content[0]?.text ?? '');
}
