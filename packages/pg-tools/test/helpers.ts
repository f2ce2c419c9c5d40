import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHttpHandler, createMcpRegistry, stripFences } from '@pgmcp/mcp-core';
import {
  type ConnectionConfig,
  createPoolManager,
  type PoolManager,
  type PoolManagerOptions,
} from '@pgmcp/pool-manager';
import {
  type ConnectionAccess,
  createMemoryConnectionStore,
  type PgToolsOptions,
  type PgToolsState,
  registerPgTools,
  type SecurityEvent,
} from '../src/index.js';

/** A fixture with a schema summary's worth of tables, a 100k-row table and comments. */
export const FIXTURE_SQL = `
CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'The web shop';
CREATE TABLE shop.customers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  city text
);
COMMENT ON TABLE shop.customers IS 'People who bought something';
COMMENT ON COLUMN shop.customers.email IS 'Login and contact address';
CREATE TABLE shop.orders (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES shop.customers(id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'shipped')),
  total numeric(10,2) NOT NULL,
  placed_at timestamptz NOT NULL
);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
COMMENT ON TABLE shop.orders IS 'Customer orders';
INSERT INTO shop.customers (email, name, city)
  SELECT 'c' || g || '@example.com', 'Customer ' || g, (ARRAY['Lyon', 'Oslo', 'Porto'])[1 + g % 3]
  FROM generate_series(1, 1000) g;
INSERT INTO shop.orders
  SELECT g, 1 + g % 1000, (ARRAY['open', 'paid', 'shipped'])[1 + g % 3], (g % 500) + 0.99,
         timestamptz '2024-01-01' + g * interval '5 minutes'
  FROM generate_series(1, 100000) g;
CREATE VIEW shop.open_orders AS SELECT * FROM shop.orders WHERE status = 'open';
CREATE TABLE public.canary (id int PRIMARY KEY, note text);
INSERT INTO public.canary VALUES (1, 'untouched');
CREATE SEQUENCE public.canary_seq;
CREATE TABLE public.notes (id int, body text);
CREATE TABLE public.tags (id int, label text);
ANALYZE;
`;

export interface ToolsHarness {
  pools: PoolManager;
  events: SecurityEvent[];
  /** A connected official MCP client. */
  client(options?: {
    era?: 'modern' | 'legacy';
    access?: Record<string, ConnectionAccess>;
    sessionKey?: string;
    /** The principal (user) id; default: the session key. */
    principalId?: string;
    seesOtherSessions?: boolean;
  }): Promise<Client>;
  close(): Promise<void>;
}

/** Builds the registry with pg-tools on `connections` and serves it in-process over Streamable HTTP. */
export function toolsHarness(
  connections: ConnectionConfig[],
  options: Partial<PgToolsOptions> = {},
  poolOptions: Omit<PoolManagerOptions, 'connections'> = {},
): ToolsHarness {
  const pools = createPoolManager({ connections, ...poolOptions });
  const events: SecurityEvent[] = [];
  const registry = createMcpRegistry<PgToolsState>({ identity: { name: 'pgmcp', version: 'test' } });
  registerPgTools(registry, {
    pools,
    sessions: createMemoryConnectionStore(),
    onSecurityEvent: (event) => events.push(event),
    ...options,
  });
  const clients: Client[] = [];
  return {
    pools,
    events,
    async client({ era = 'modern', access, sessionKey = 'session-1', principalId, seesOtherSessions } = {}) {
      const handler = createMcpHttpHandler(registry, {
        resolveContext: async () => ({
          principal: { id: principalId ?? sessionKey, name: 'tester', kind: 'user' },
          sessionKey,
          state: {
            ...(access ? { connectionAccess: (name: string) => access[name] } : {}),
            ...(seesOtherSessions !== undefined ? { seesOtherSessions } : {}),
          },
        }),
      });
      const transport = new StreamableHTTPClientTransport(new URL('http://pgmcp.test/mcp/v1'), {
        fetch: (url, init) => handler.fetch(new Request(url, init)),
      });
      const client = new Client(
        { name: 'pg-tools-test', version: '1' },
        era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
      );
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await pools.close();
    },
  };
}

/** The text of a tool result's first content block, with its data fences taken off (see fenced-output). */
export function textOf(result: unknown): string {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return stripFences(content[0]?.text ?? '');
}

export { adminQuery } from '@pgmcp/vitest-config/postgres';
