import type {
  Access,
  ApiToken as StoreApiToken,
  Group as StoreGroup,
  TokenScope as StoreScope,
  User as StoreUser,
} from '@pgmcp/auth-store';
import { ADMIN_PERMISSIONS } from '@pgmcp/auth-store';
import {
  API_SCOPES,
  type ApiScope,
  type ApiToken,
  type EffectiveAccess,
  type Group,
  type TokenScope,
  type User,
} from '@pgmcp/api-contract';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PoolManager } from '@pgmcp/pool-manager';

/** ISO string or null, for the API's timestamps. */
export function iso(date: Date | undefined | null): string | null {
  return date ? date.toISOString() : null;
}

export function toApiUser(user: StoreUser): User {
  return {
    id: user.id,
    username: user.username,
    display_name: user.displayName ?? null,
    email: user.email ?? null,
    enabled: user.enabled,
    superuser: user.superuser,
    service_account: user.serviceAccount,
    created_at: user.createdAt.toISOString(),
    last_login_at: iso(user.lastLoginAt),
    locked_until: iso(user.lockedUntil),
  };
}

export function toApiScope(scope: StoreScope | undefined): TokenScope | null {
  if (!scope) return null;
  return {
    ...(scope.mcpItems ? { mcp_items: scope.mcpItems.map(({ kind, name }) => ({ kind, name })) } : {}),
    ...(scope.connections
      ? { connections: scope.connections.map(({ name, access }) => ({ name, access })) }
      : {}),
    ...(scope.admin ? { admin: [...scope.admin] } : {}),
    ...(scope.api ? { api: scope.api.filter(isApiScope) } : {}),
  };
}

function isApiScope(part: string): part is ApiScope {
  return (API_SCOPES as readonly string[]).includes(part);
}

export function fromApiScope(scope: TokenScope | undefined): StoreScope | undefined {
  if (!scope) return undefined;
  return {
    ...(scope.mcp_items ? { mcpItems: scope.mcp_items } : {}),
    ...(scope.connections ? { connections: scope.connections } : {}),
    ...(scope.admin ? { admin: scope.admin } : {}),
    ...(scope.api ? { api: scope.api } : {}),
  };
}

export function toApiToken(token: StoreApiToken, username: string): ApiToken {
  return {
    id: token.id,
    user_id: token.userId,
    username,
    note: token.note ?? null,
    prefix: token.prefix,
    scope: toApiScope(token.scope),
    created_at: token.createdAt.toISOString(),
    expires_at: iso(token.expiresAt),
    last_used_at: iso(token.lastUsedAt),
    ...(token.oauth
      ? {
          oauth: {
            grant_id: token.oauth.grantId,
            client_id: token.oauth.clientId,
            resource: token.oauth.resource,
          },
        }
      : {}),
  };
}

export function toApiGroup(group: StoreGroup): Group {
  return {
    id: group.id,
    name: group.name,
    description: group.description ?? null,
    created_at: group.createdAt.toISOString(),
  };
}

/** What `access` allows among the items and connections this server has. */
export function effectiveAccess(
  access: Access,
  registry: Pick<McpRegistry<unknown>, 'names'>,
  pools: Pick<PoolManager, 'listConnections'>,
): EffectiveAccess {
  return {
    superuser: access.isSuperuser,
    tools: registry.names('tool').filter((name) => access.canUseItem('tool', name)),
    resources: registry.names('resource').filter((name) => access.canUseItem('resource', name)),
    prompts: registry.names('prompt').filter((name) => access.canUseItem('prompt', name)),
    connections: pools.listConnections().flatMap((c) => {
      const level = access.connectionAccess(c.name);
      return level ? [{ name: c.name, access: level }] : [];
    }),
    admin: ADMIN_PERMISSIONS.filter((permission) => access.hasAdmin(permission)),
  };
}
