import { type PgmcpConfig, PGMCP_VERSION, pgToolsOptions } from '@pgmcp/config';
import { createMcpRegistry, type McpCallReport, McpLimitError, type McpRegistry } from '@pgmcp/mcp-core';
import {
  type CurrentConnectionStore,
  type MonitoringBackend,
  PG_TOOLS_INSTRUCTIONS,
  type CompiledCustomItems,
  type PgToolsEmbedder,
  type PgToolsHandle,
  registerPgTools,
} from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { CallLimits } from './limits.js';
import type { Logger } from './logger.js';
import type { ServerMcpState } from './mcp-state.js';

/**
 * pgmcp's MCP registry: the pg-tools tools, resources and prompts and the custom ones, authorised by
 * the caller's access; `tools` replaces the custom items on reload.
 */
export function createServerRegistry(options: {
  config: PgmcpConfig;
  pools: PoolManager;
  sessions: CurrentConnectionStore;
  /** The embedding provider of `embeddings:`, if one is configured. */
  embeddings?: PgToolsEmbedder;
  /** The metrics datastore: registers the monitoring tools. */
  monitoring?: MonitoringBackend;
  logger: Logger;
  /** Told how every MCP call ended (the activity log). */
  onCall?: (report: McpCallReport<ServerMcpState>) => void;
  /** Custom tools, resources and prompts from the configuration (see custom-items.ts). */
  customItems?: CompiledCustomItems;
  /** Calls per minute per token (`limits.mcp_calls_per_minute`); none: no rate limit. */
  limits?: CallLimits;
}): { registry: McpRegistry<ServerMcpState>; tools: PgToolsHandle } {
  const { limits } = options;
  const { logger } = options;
  const registry = createMcpRegistry<ServerMcpState>({
    identity: { name: 'pgmcp', version: PGMCP_VERSION, title: 'pgmcp — PostgreSQL for AI assistants' },
    instructions: PG_TOOLS_INSTRUCTIONS,
    authorize: (item, context) => context.state.access.canUseItem(item.kind, item.name),
    onError: (error, where) => logger.error({ err: error, ...where }, 'MCP handler failed'),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(limits
      ? {
          admit: async (_item, context) => {
            const wait = await limits.mcpCall(context.sessionKey, context.state.access);
            if (wait !== undefined)
              throw new McpLimitError(limits.mcpMessage(wait, context.state.access), wait);
          },
        }
      : {}),
  });
  const tools = registerPgTools(registry, {
    ...pgToolsOptions(options.config),
    pools: options.pools,
    sessions: options.sessions,
    ...(options.embeddings ? { embeddings: options.embeddings } : {}),
    ...(options.monitoring ? { monitoring: options.monitoring } : {}),
    onSecurityEvent: (event) => logger.warn({ security: event }, 'statement refused by the SQL guard'),
    ...(options.customItems ? { customItems: options.customItems } : {}),
  });
  return { registry, tools };
}
