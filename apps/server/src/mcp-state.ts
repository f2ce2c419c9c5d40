import { type Access, ADMIN_PERMISSIONS } from '@pgmcp/auth-store';
import type { CurrentConnection, PgToolsState } from '@pgmcp/pg-tools';

/** The state each MCP request carries: the caller's access, for authorisation and connection rights. */
export interface ServerMcpState extends PgToolsState {
  access: Access;
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
  options: { hideOtherSessions: boolean; currentConnection?: CurrentConnection | null },
): ServerMcpState {
  return {
    access,
    ...(options.currentConnection !== undefined ? { currentConnection: options.currentConnection } : {}),
    connectionAccess: (name) => access.connectionAccess(name),
    seesOtherSessions: !options.hideOtherSessions || isAdministrator(access),
  };
}
