import type { SqlDatabase, SqlDialect } from '@pgmcp/sql-store';
import type { Access } from './access.js';
import type { OAuthStore } from './oauth-types.js';
import type {
  AdminPermission,
  ApiToken,
  CurrentConnection,
  Group,
  GroupMember,
  GroupMembers,
  GroupPrivileges,
  McpItem,
  McpItemKind,
  McpItemRef,
  Privilege,
  RevokeEvent,
  Session,
  TokenScope,
  User,
} from './types.js';

// The public contract of the auth store: its interface, config and the shapes its methods take
// and return. The implementation lives in the per-concern modules that auth-store.ts assembles.

/** Options of {@link createAuthStore}; every field has a default except where the store lives. */
export interface AuthStoreConfig {
  /** Store URL (SQLite path, `:memory:`, `postgres://…`; see @pgmcp/sql-store). Give this or `database`. */
  readonly url?: string;
  /** An open database shared with other stores; the auth store migrates it but does not close it. */
  readonly database?: SqlDatabase;
  /**
   * With `url` on SQLite: told when opening repairs the permissions of the store's files (made
   * private: they hold password and token hashes). With `database`, pass it to `openSqlDatabase`.
   */
  readonly onWarning?: (message: string) => void;
  /** bcrypt cost of new password hashes, 4–31. Default 12 (tests use 4). */
  readonly bcryptCost?: number;
  /** Shortest password accepted, in characters. Default 12. The 72-byte bcrypt maximum is fixed. */
  readonly minPasswordLength?: number;
  /** Lifetime of a login session. Default 24 h. */
  readonly sessionTtlMs?: number;
  /**
   * Account lockout after failed password logins, counted in the store (so every replica agrees):
   * `maxFailures` attempts within `durationMs` lock the account for `durationMs` from the attempt
   * that filled the limit. An attempt counts from before its password is checked, so concurrent
   * attempts cannot all be checked before the lock.
   */
  readonly lockout?: {
    /** Failures that lock the account; 0 switches lockout off. Default 5. */
    readonly maxFailures?: number;
    /** How long failures are counted, and how long the lock lasts. Default 15 min. */
    readonly durationMs?: number;
  };
  /** Failed-login limit per client IP, counted in the store (so shared by replicas). */
  readonly ipRateLimit?: {
    /** Failures allowed per window; 0 switches it off. Default 10. */
    readonly maxFailures?: number;
    /** The window, from the first counted attempt. Default 15 min. */
    readonly windowMs?: number;
    /** @deprecated Ignored: the limit is kept in the store now, not in a per-process table. */
    readonly maxTrackedIps?: number;
  };
  /**
   * Caps bcrypt work (logins, password changes, new users), so a burst of logins cannot take every
   * core and the thread pool that file reads share. Beyond the cap, work waits in line; a full line
   * is refused with BUSY and `retryAfterSeconds` (answer 429).
   */
  readonly bcryptQueue?: {
    /** bcrypt operations at once. Default: half the CPU cores, at least 1 and at most 2. */
    readonly maxConcurrent?: number;
    /** Operations waiting at most (also per username). Default 16. */
    readonly maxWaiting?: number;
  };
  /**
   * In-process cache of authenticated tokens. Changes made through this store instance take effect
   * at once; changes made by other replicas are seen when the entry expires.
   */
  readonly cache?: {
    /** Entry lifetime; 0 switches caching off. Default 30 s. */
    readonly ttlMs?: number;
    /** Entries at most. Default 10 000. */
    readonly maxEntries?: number;
  };
  /** `lastUsedAt` of sessions and tokens is written at most this often per credential. Default 60 s. */
  readonly lastUsedResolutionMs?: number;
  /** The clock; tests pass a fake one. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** Called when an `onRevoke` or `onLoginAttempt` listener throws (the store carries on). */
  readonly onListenerError?: (error: unknown) => void;
  /**
   * Called after every login attempt with what happened, for audit logs and alerts. The outcome is
   * for the server's eyes only: the client always gets the same INVALID_CREDENTIALS for failures.
   */
  readonly onLoginAttempt?: (attempt: LoginAttempt) => void;
}

/** What happened to one login attempt. */
export type LoginOutcome =
  | 'success'
  /** The password was checked and is wrong. */
  | 'wrong_password'
  | 'unknown_user'
  /** A service account (no password login). */
  | 'no_password'
  /** The account is locked after too many failures; the password was not checked. */
  | 'locked'
  /** The password was right; the account is disabled. */
  | 'disabled'
  /** Too many failures from the address. */
  | 'rate_limited'
  /** bcrypt was too busy; nothing was checked or counted. */
  | 'busy';

/** One login attempt, as told to {@link AuthStoreConfig.onLoginAttempt}. */
export interface LoginAttempt {
  /** The name as given (at most 64 characters). */
  readonly username: string;
  /** The account it named, when one exists. */
  readonly userId: string | undefined;
  readonly ip: string | undefined;
  readonly outcome: LoginOutcome;
}

/** Fields of a new user. */
export interface CreateUserInput {
  readonly username: string;
  /** Required, except for service accounts, which must not have one. */
  readonly password?: string;
  readonly displayName?: string;
  readonly email?: string;
  /** Default true. */
  readonly enabled?: boolean;
  /** Default false. */
  readonly superuser?: boolean;
  /** Default false. A service account has no password and authenticates with API tokens only. */
  readonly serviceAccount?: boolean;
  /** Default false. Signs in through an identity provider, so may have no password. */
  readonly singleSignOn?: boolean;
}

/** A person an OpenID provider vouched for (see {@link AuthStore.externalLogin}). */
export interface ExternalLoginInput {
  /** The provider's issuer and the user's subject there: the identity, linked to one pgmcp user. */
  readonly issuer: string;
  readonly subject: string;
  /** The username wanted for a new user; a suffix (-2, -3…) is added when it is taken. */
  readonly username: string;
  readonly displayName?: string;
  readonly email?: string;
  /** Groups the provider manages: the user is added to those in `groups` and removed from the rest. */
  readonly managedGroups: readonly string[];
  readonly groups: readonly string[];
}

/** A single sign-on login: the session, and whether the user was created by it. */
export interface ExternalLoginResult extends LoginResult {
  readonly created: boolean;
  /** Managed groups that did not exist and were created (with no privileges). */
  readonly createdGroups: readonly string[];
}

/** Changes to a user; fields left out stay, `null` clears a text field. */
export interface UpdateUserInput {
  readonly username?: string;
  readonly displayName?: string | null;
  readonly email?: string | null;
  /** Disabling ends the user's sessions and suspends their API tokens (they work again once re-enabled). */
  readonly enabled?: boolean;
  readonly superuser?: boolean;
}

/** Fields of a new API token. */
export interface CreateApiTokenInput {
  /** What the token is for, shown in lists. */
  readonly note?: string;
  /** Narrows the owner's rights; left out, the token carries all of them. */
  readonly scope?: TokenScope;
  /** Left out, the token does not expire. */
  readonly expiresAt?: Date;
}

/** Fields of a new group. */
export interface CreateGroupInput {
  readonly name: string;
  readonly description?: string;
}

/** Changes to a group; fields left out stay, `null` clears the description. */
export interface UpdateGroupInput {
  readonly name?: string;
  readonly description?: string | null;
}

/** Names a privilege to revoke; a connection grant is removed whatever its access. */
export type PrivilegeRef =
  | { readonly type: 'mcp_item'; readonly kind: McpItemKind; readonly name: string }
  | { readonly type: 'connection'; readonly name: string }
  | { readonly type: 'admin'; readonly permission: AdminPermission };

/** Where a login comes from. */
export interface LoginContext {
  /** Client address; without it the per-IP limit does not apply (e.g. a local CLI). */
  readonly ip?: string;
  readonly userAgent?: string;
}

/** A successful login; `token` is the session secret and is not stored. */
export interface LoginResult {
  readonly token: string;
  readonly expiresAt: Date;
  readonly user: User;
  readonly session: Session;
}

/** A new API token; `token` is shown once and cannot be read back. */
export interface CreatedApiToken {
  readonly token: string;
  readonly apiToken: ApiToken;
}

/** What {@link AuthStore.ensureAdmin} did. */
export type EnsureAdminResult =
  | { readonly created: false }
  | {
      readonly created: true;
      readonly user: User;
      /** The admin's password: the one given or a generated one to print once. */
      readonly password: string;
      readonly generated: boolean;
    };

/** Who is calling, resolved from a token. */
export type Principal =
  | {
      readonly kind: 'session';
      /** The session id: key of per-credential state such as database pools. */
      readonly credentialId: string;
      readonly user: User;
      readonly session: Session;
      /** The connection this session last selected, as read when the principal was resolved. */
      readonly currentConnection: CurrentConnection | undefined;
      readonly access: Access;
    }
  | {
      readonly kind: 'api_token';
      /** The API token id: key of per-credential state such as database pools. */
      readonly credentialId: string;
      readonly user: User;
      readonly apiToken: ApiToken;
      /** The connection this token last selected, as read when the principal was resolved. */
      readonly currentConnection: CurrentConnection | undefined;
      readonly access: Access;
    };

/**
 * Users, sessions, API tokens, groups and privileges on SQLite or PostgreSQL. Every method that
 * names something by id throws NOT_FOUND when it does not exist, except `find*` (undefined) and
 * `revoke*`/`remove*`/`logout` (false).
 */
export interface AuthStore {
  /** The dialect the store runs on. */
  readonly dialect: SqlDialect;

  // Bootstrap and users.
  /** On first start (no users at all), creates the superuser `admin` with the given or a generated password. */
  ensureAdmin(options?: { password?: string; username?: string }): Promise<EnsureAdminResult>;
  /** Creates a user; ALREADY_EXISTS when the name is taken (ignoring case). */
  createUser(input: CreateUserInput): Promise<User>;
  findUser(id: string): Promise<User | undefined>;
  /** Looks a user up by name, ignoring case. */
  findUserByUsername(username: string): Promise<User | undefined>;
  getUser(id: string): Promise<User>;
  getUserByUsername(username: string): Promise<User>;
  /** All users, by name. */
  listUsers(): Promise<User[]>;
  /** Changes a user; LAST_SUPERUSER when it would leave no enabled superuser. */
  updateUser(id: string, changes: UpdateUserInput): Promise<User>;
  /** Sets a password (policy checked), clears any lockout and ends the user's sessions except `keepSessionId`. */
  setPassword(userId: string, password: string, options?: { keepSessionId?: string }): Promise<void>;
  /**
   * Checks the current password (counting the attempt towards lockout; ACCOUNT_LOCKED when locked, as
   * the caller is that user), then sets the new one like `setPassword`: the user's other sessions end
   * (all but `keepSessionId`), API tokens stay.
   */
  changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    options?: { keepSessionId?: string },
  ): Promise<void>;
  /** Deletes a user with their sessions, tokens and memberships; LAST_SUPERUSER for the last enabled superuser. */
  deleteUser(id: string): Promise<void>;
  /** Ends a lockout and clears the failure count. */
  unlockUser(id: string): Promise<User>;

  // Login and tokens.
  /**
   * Checks a password and opens a session. Throws INVALID_CREDENTIALS (unknown user, wrong password,
   * locked account, service account: indistinguishable, with the same bcrypt work), ACCOUNT_DISABLED
   * (only after the right password), RATE_LIMITED (too many failures from `ip`) or BUSY (bcrypt
   * queue full). Checks for one username run one at a time, in arrival order.
   */
  login(username: string, password: string, context?: LoginContext): Promise<LoginResult>;
  /**
   * Opens a session for a person an identity provider vouched for: finds the user linked to
   * (issuer, subject) or creates one (no password) and links it, sets the managed groups, records the
   * login. ACCOUNT_DISABLED when the linked user is disabled.
   */
  externalLogin(input: ExternalLoginInput, context?: LoginContext): Promise<ExternalLoginResult>;
  /** Resolves a session or API token to its principal, or undefined when unknown, expired, revoked or disabled. */
  authenticate(token: string): Promise<Principal | undefined>;
  /** Ends the session of a session token; false when there was none. */
  logout(token: string): Promise<boolean>;
  /** A user's live sessions, newest first. */
  listSessions(userId: string): Promise<Session[]>;
  /** Ends a session by id; with `userId`, only if it is that user's. */
  revokeSession(sessionId: string, options?: { userId?: string }): Promise<boolean>;
  /** Ends all of a user's sessions except `exceptSessionId`; returns how many. */
  revokeUserSessions(userId: string, options?: { exceptSessionId?: string }): Promise<number>;
  /** Creates an API token for a user (service accounts included). */
  createApiToken(userId: string, input?: CreateApiTokenInput): Promise<CreatedApiToken>;
  /** One user's tokens, or everyone's, newest first (expired ones until swept). */
  listApiTokens(userId?: string): Promise<ApiToken[]>;
  findApiToken(id: string): Promise<ApiToken | undefined>;
  getApiToken(id: string): Promise<ApiToken>;
  /** Revokes an API token; with `userId`, only if it is that user's. */
  revokeApiToken(tokenId: string, options?: { userId?: string }): Promise<boolean>;

  // The caller's current connection.
  /** The connection a session or API token last selected. */
  getCurrentConnection(credentialId: string): Promise<CurrentConnection | undefined>;
  /** Persists (or with undefined, clears) the connection of a session or API token. Access is the caller's check. */
  setCurrentConnection(credentialId: string, current: CurrentConnection | undefined): Promise<void>;

  // Groups.
  createGroup(input: CreateGroupInput): Promise<Group>;
  findGroup(id: string): Promise<Group | undefined>;
  /** Looks a group up by name, ignoring case. */
  findGroupByName(name: string): Promise<Group | undefined>;
  getGroup(id: string): Promise<Group>;
  getGroupByName(name: string): Promise<Group>;
  /** All groups, by name. */
  listGroups(): Promise<Group[]>;
  updateGroup(id: string, changes: UpdateGroupInput): Promise<Group>;
  /** Deletes a group with its memberships and grants. */
  deleteGroup(id: string): Promise<void>;
  /** Adds a user or group to a group; false when already a member; GROUP_CYCLE when a group would contain itself. */
  addGroupMember(groupId: string, member: GroupMember): Promise<boolean>;
  removeGroupMember(groupId: string, member: GroupMember): Promise<boolean>;
  /** A group's direct members. */
  listGroupMembers(groupId: string): Promise<GroupMembers>;
  /** The groups a user is directly in (see `accessForUser(...).explain()` for the transitive ones). */
  listUserGroups(userId: string): Promise<Group[]>;

  // Privileges.
  /** Grants a privilege to a group (a connection grant replaces the group's access to it). */
  grantPrivilege(groupId: string, privilege: Privilege): Promise<void>;
  revokePrivilege(groupId: string, privilege: PrivilegeRef): Promise<boolean>;
  /** A group's own grants (not inherited ones). */
  listGroupPrivileges(groupId: string): Promise<GroupPrivileges>;
  /** Records MCP items the server offers (so admins can list and grant them); keeps their public flags. */
  registerMcpItems(items: readonly (McpItemRef & { description?: string })[]): Promise<void>;
  /** Marks an item public (usable by everyone a token scope does not restrict) or not. */
  setMcpItemPublic(item: McpItemRef, isPublic: boolean): Promise<McpItem>;
  /** Registered items, by kind and name. */
  listMcpItems(): Promise<McpItem[]>;
  /** What a user may do through a session (or an unscoped token). */
  accessForUser(userId: string): Promise<Access>;
  /** What an API token may do: its owner's rights narrowed by its scope. */
  accessForApiToken(tokenId: string): Promise<Access>;
  /**
   * What membership of a group gives: its grants and those of every group containing it,
   * transitively (never superuser). With `Access.grantsBeyond`, lets an admin check that adding
   * someone to a group gives no more than the admin holds.
   */
  accessOfGroup(groupId: string): Promise<Access>;

  // Expiry and revocation, for the server's per-credential pools.
  /** Calls `listener` after a session or token of this instance is revoked, logged out, expired by `sweepExpired`, or its user disabled/deleted. Returns an unsubscribe function. */
  onRevoke(listener: (event: RevokeEvent) => void): () => void;
  /**
   * Calls `listener` whenever a change made through this instance (logout, revocation, expiry, a
   * user's or a group's rights) dropped cached principals — so the server can tell other replicas,
   * whose caches would otherwise keep them up to `cache.ttlMs`. Returns an unsubscribe function.
   */
  onCachedPrincipalsChanged(listener: () => void): () => void;
  /** Drops every cached principal: another replica changed something (see above). */
  forgetCachedPrincipals(): void;
  /** Deletes expired sessions and tokens and returns them (also sent to `onRevoke` listeners). Run it periodically. */
  sweepExpired(now?: Date): Promise<RevokeEvent[]>;
  /**
   * Of the given credential ids, those no longer valid (unknown, revoked, expired, user disabled):
   * lets a replica find credentials revoked through another replica.
   */
  inactiveCredentials(credentialIds: readonly string[], now?: Date): Promise<string[]>;

  /** Closes the database unless it was passed in shared. */
  close(): Promise<void>;
  /** OAuth 2.1 clients, authorizations, grants and their tokens (access tokens are API tokens). */
  readonly oauth: OAuthStore;
}
