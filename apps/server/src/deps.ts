import type { Access, AuthStore } from '@pgmcp/auth-store';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { CurrentConnectionStore, PgToolsState } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from './auth/caller.js';
import type { Logger } from './logger.js';

/** The state each MCP request carries: the caller's access, for authorisation and connection rights. */
export interface ServerMcpState extends PgToolsState {
  access: Access;
}

/** What the routes are built from. */
export interface ServerDeps {
  version: string;
  logger: Logger;
  pools: PoolManager;
  registry: McpRegistry<ServerMcpState>;
  /** The account store (open even with auth off, for stored conversations). */
  auth: AuthStore;
  authEnabled: boolean;
  resolveCaller: (request: Request) => Promise<Caller | undefined>;
  currentConnections: CurrentConnectionStore;
  trustedProxies: ReadonlySet<string>;
}
