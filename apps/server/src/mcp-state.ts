import type { Access } from '@pgmcp/auth-store';
import type { PgToolsState } from '@pgmcp/pg-tools';

/** The state each MCP request carries: the caller's access, for authorisation and connection rights. */
export interface ServerMcpState extends PgToolsState {
  access: Access;
}

/** MCP state for a caller: authorisation and connection rights both come from their access. */
export function mcpState(access: Access): ServerMcpState {
  return { access, connectionAccess: (name) => access.connectionAccess(name) };
}
