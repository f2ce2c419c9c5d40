/** Kinds of MCP items a privilege can name. */
export type McpItemKind = 'tool' | 'resource' | 'prompt';

/** The MCP item kinds, in a fixed order. */
export const MCP_ITEM_KINDS: readonly McpItemKind[] = ['tool', 'resource', 'prompt'];

/** Access to a configured database connection; `read_write` includes `read`. */
export type ConnectionAccess = 'read' | 'read_write';

/** Administrative permissions a group can grant. */
export type AdminPermission =
  | 'manage_users'
  | 'manage_groups'
  | 'manage_permissions'
  | 'manage_connections'
  | 'manage_tokens'
  /** Alert rules and their per-connection overrides (issue 15). */
  | 'manage_alert_rules'
  /** Blackouts: one-off and scheduled periods when alert rules do not fire. */
  | 'manage_blackouts'
  /** Notification channels (webhook, Slack, email) and their routing. */
  | 'manage_notification_channels';

/** Every admin permission, in a fixed order. */
export const ADMIN_PERMISSIONS: readonly AdminPermission[] = [
  'manage_users',
  'manage_groups',
  'manage_permissions',
  'manage_connections',
  'manage_tokens',
  'manage_alert_rules',
  'manage_blackouts',
  'manage_notification_channels',
];

/** Names one MCP tool, resource (by URI) or prompt. */
export interface McpItemRef {
  readonly kind: McpItemKind;
  readonly name: string;
}

/** A registered MCP item; public items are usable by every authenticated caller. */
export interface McpItem extends McpItemRef {
  readonly public: boolean;
  readonly description: string | undefined;
}

/** A connection and the access a grant or scope gives to it. */
export interface ConnectionGrant {
  readonly name: string;
  readonly access: ConnectionAccess;
}

/**
 * What an API token is limited to. `mcpItems` or `connections` left out means "no restriction on
 * that dimension" (the owner's rights apply); `admin` and `api` left out mean none, so a token
 * scoped for MCP use never carries administration or the REST API with it. A field present lists
 * everything the token may use there (an empty list allows nothing). A scope never widens: the effective access is the intersection of the
 * owner's rights and the scope, so naming more than the owner has is allowed but gives nothing.
 */
export interface TokenScope {
  /** MCP items the token may use, public ones included. */
  readonly mcpItems?: readonly McpItemRef[];
  /** Connections the token may use and at most which access. */
  readonly connections?: readonly ConnectionGrant[];
  /** Admin permissions the token may exercise; a scoped token without this list has none. */
  readonly admin?: readonly AdminPermission[];
  /**
   * Parts of the REST API the token may use (e.g. `tokens`, `conversations`, `llm`; the server
   * names them); a scoped token without this list reaches none of them.
   */
  readonly api?: readonly string[];
}

/** One privilege granted to a group. */
export type Privilege =
  | { readonly type: 'mcp_item'; readonly kind: McpItemKind; readonly name: string }
  | { readonly type: 'connection'; readonly name: string; readonly access: ConnectionAccess }
  | { readonly type: 'admin'; readonly permission: AdminPermission };

/** A group's own privileges (not the inherited ones). */
export interface GroupPrivileges {
  readonly mcpItems: readonly McpItemRef[];
  readonly connections: readonly ConnectionGrant[];
  readonly admin: readonly AdminPermission[];
}

/** A user account, without its password hash. */
export interface User {
  readonly id: string;
  /** As entered; unique ignoring case. */
  readonly username: string;
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  /** Disabled users cannot log in and their tokens do not authenticate. */
  readonly enabled: boolean;
  /** Superusers pass every privilege check (a token scope still narrows them). */
  readonly superuser: boolean;
  /** Service accounts have no password and use API tokens only. */
  readonly serviceAccount: boolean;
  /** Whether a password is set (false for service accounts). */
  readonly hasPassword: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastLoginAt: Date | undefined;
  /**
   * Password attempts counted in the current lockout window (one being checked right now included),
   * since the last success, new password or unlock.
   */
  readonly failedAttempts: number;
  /** Set while the account is locked after too many failed logins. */
  readonly lockedUntil: Date | undefined;
}

/** A login session (its token is never stored or returned after login). */
export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | undefined;
  readonly userAgent: string | undefined;
  readonly ip: string | undefined;
}

/** An API token's record (the secret is shown once, at creation). */
export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly note: string | undefined;
  /** The first characters of the token (`pgmcp_` + 4), to recognise it in lists. */
  readonly prefix: string;
  /** Undefined: the owner's full rights. */
  readonly scope: TokenScope | undefined;
  readonly createdAt: Date;
  readonly expiresAt: Date | undefined;
  readonly lastUsedAt: Date | undefined;
  /** Set on OAuth access tokens: revoking one revokes its whole grant. */
  readonly oauth?: {
    readonly grantId: string;
    readonly clientId: string;
    /** The resource (RFC 8707) the token is bound to; it is refused anywhere else. */
    readonly resource: string;
  };
}

/** A group of users and groups that privileges are granted to. */
export interface Group {
  readonly id: string;
  /** Unique ignoring case. */
  readonly name: string;
  readonly description: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A member of a group: a user or another group. */
export type GroupMember = { readonly userId: string } | { readonly groupId: string };

/** The direct members of a group. */
export interface GroupMembers {
  readonly users: readonly User[];
  readonly groups: readonly Group[];
}

/** Which kind of credential a token is. */
export type CredentialKind = 'session' | 'api_token';

/** The connection (and database) a caller works on, persisted per session or API token. */
export interface CurrentConnection {
  readonly connection: string;
  readonly database: string | undefined;
}

/** Why a credential stopped being valid. */
export type RevokeReason =
  'logout' | 'revoked' | 'expired' | 'user_disabled' | 'user_deleted' | 'password_changed';

/** A session or API token that stopped being valid, so the server can close its database pools. */
export interface RevokeEvent {
  readonly credentialId: string;
  readonly kind: CredentialKind;
  readonly userId: string;
  readonly reason: RevokeReason;
}
