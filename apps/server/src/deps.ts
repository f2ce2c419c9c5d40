import type { Access, AuthStore } from '@pgmcp/auth-store';
import type { Compactor } from '@pgmcp/compactor';
import type { ConversationStore } from '@pgmcp/conversation-store';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { CurrentConnectionStore, PgToolsState } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from './auth/caller.js';
import type { LlmProviders } from './llm-providers.js';
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
  /** Whether the account/conversation store answers. */
  checkStore: () => Promise<{ ok: boolean; dialect: string; error?: string }>;
  /** The LLM proxy's providers (none configured: the LLM routes answer 503 saying what to set). */
  llm: LlmProviders;
  /** The one compactor: its cache and analytics live as long as the server. */
  compactor: Compactor;
  /** Stored conversations, in the account store's database. */
  conversations: ConversationStore;
}
