import { fromDbBool, fromDbJson, fromDbTime, fromDbTimeOrUndefined } from '@pgmcp/sql-store';
import type { ApiTokensTable, GroupsTable, McpItemsTable, SessionsTable, UsersTable } from './schema.js';
import type { ApiToken, Group, McpItem, McpItemKind, Session, TokenScope, User } from './types.js';

// Row → public value. Kept apart so the store code reads as queries and rules.

/** An account's failed logins and lock, kept in the rate limiter (see account-lockout.ts). */
export interface Lockout {
  readonly failedAttempts: number;
  readonly lockedUntil: Date | undefined;
}

export function toUser(row: UsersTable, lockout: Lockout): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name ?? undefined,
    email: row.email ?? undefined,
    enabled: fromDbBool(row.enabled),
    superuser: fromDbBool(row.superuser),
    serviceAccount: fromDbBool(row.service_account),
    hasPassword: row.password_hash !== null,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    lastLoginAt: fromDbTimeOrUndefined(row.last_login_at),
    failedAttempts: lockout.failedAttempts,
    lockedUntil: lockout.lockedUntil,
  };
}

export function toSession(row: SessionsTable): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTime(row.expires_at),
    lastUsedAt: fromDbTimeOrUndefined(row.last_used_at),
    userAgent: row.user_agent ?? undefined,
    ip: row.ip ?? undefined,
  };
}

export function toApiToken(row: ApiTokensTable): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    note: row.note ?? undefined,
    prefix: row.token_prefix,
    scope: row.scope === null ? undefined : fromDbJson<TokenScope>(row.scope),
    createdAt: fromDbTime(row.created_at),
    expiresAt: fromDbTimeOrUndefined(row.expires_at),
    lastUsedAt: fromDbTimeOrUndefined(row.last_used_at),
    ...(row.oauth_grant_id !== null && row.oauth_client_id !== null && row.oauth_resource !== null
      ? {
          oauth: { grantId: row.oauth_grant_id, clientId: row.oauth_client_id, resource: row.oauth_resource },
        }
      : {}),
  };
}

export function toGroup(row: GroupsTable): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

export function toMcpItem(row: McpItemsTable): McpItem {
  return {
    kind: row.kind as McpItemKind,
    name: row.name,
    public: fromDbBool(row.public),
    description: row.description ?? undefined,
  };
}
