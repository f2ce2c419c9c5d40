import { type Access, ADMIN_PERMISSIONS } from '@pgmcp/auth-store';
import type { CurrentConnection, PgToolsState } from '@pgmcp/pg-tools';

/** The state each MCP request carries: the caller's access, for authorisation and connection rights. */
export interface ServerMcpState extends PgToolsState {
  access: Access;
  /** Who is calling through what, for the activity log (never a secret). */
  caller?: McpCallerInfo;
}

/** The credential and client of an MCP request, as the activity log records them. */
export interface McpCallerInfo {
  /** The API token's id (sessions and the local user have none). */
  tokenId?: string;
  clientName?: string;
  clientVersion?: string;
  ip?: string;
}

/** Client name and version from a User-Agent such as `claude-code/2.1.0 (darwin)`. */
export function clientOf(
  userAgent: string | null | undefined,
): Pick<McpCallerInfo, 'clientName' | 'clientVersion'> {
  const match = /^([^\s/]{1,100})(?:\/([^\s]{1,50}))?/.exec(userAgent ?? '');
  if (!match) return {};
  return { clientName: match[1]!, ...(match[2] ? { clientVersion: match[2] } : {}) };
}

/** Administrators: superusers and holders of any admin permission. */
export function isAdministrator(access: Access): boolean {
  return access.isSuperuser || ADMIN_PERMISSIONS.some((permission) => access.hasAdmin(permission));
}

/**
 * MCP state for a caller: authorisation and connection rights both come from their access; with
 * `hideOtherSessions` only administrators read other sessions' statement text.
 */
export function mcpState(
  access: Access,
  options: {
    hideOtherSessions: boolean;
    currentConnection?: CurrentConnection | null;
    caller?: McpCallerInfo;
  },
): ServerMcpState {
  return {
    access,
    ...(options.caller ? { caller: options.caller } : {}),
    ...(options.currentConnection !== undefined ? { currentConnection: options.currentConnection } : {}),
    connectionAccess: (name) => access.connectionAccess(name),
    seesOtherSessions: !options.hideOtherSessions || isAdministrator(access),
  };
}
