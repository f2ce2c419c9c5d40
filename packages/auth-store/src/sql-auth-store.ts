import {
  constraintError,
  isUniqueViolation,
  toDbBool,
  toDbJson,
  toDbTime,
  typedKysely,
  type SqlDatabase,
  type SqlDialect,
} from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';
import type { Access } from './access.js';
import { grantsOf, groupEdges, groupNames, loadAccess } from './access-loader.js';
import type {
  AuthStore,
  AuthStoreConfig,
  CreateApiTokenInput,
  CreatedApiToken,
  CreateGroupInput,
  CreateUserInput,
  EnsureAdminResult,
  LoginContext,
  LoginResult,
  Principal,
  PrivilegeRef,
  UpdateGroupInput,
  UpdateUserInput,
} from './auth-store.js';
import { AuthStoreError } from './errors.js';
import { cycleIfAdded } from './group-graph.js';
import { LoginLimiter } from './login-limiter.js';
import { checkPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { PrincipalCache } from './principal-cache.js';
import { toApiToken, toGroup, toMcpItem, toSession, toUser } from './rows.js';
import type { AuthTables, UsersTable } from './schema.js';
import {
  credentialKindOfId,
  credentialKindOfToken,
  hashToken,
  newApiToken,
  newId,
  newSessionToken,
} from './tokens.js';
import type {
  AdminPermission,
  ApiToken,
  ConnectionAccess,
  CredentialKind,
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
  RevokeReason,
  Session,
  User,
} from './types.js';
import {
  checkConnectionName,
  checkDatabaseName,
  checkEmail,
  checkFuture,
  checkItemRef,
  checkName,
  checkPrivilege,
  checkScope,
  checkText,
  nameKey,
} from './validation.js';

const MINUTE = 60_000;
/** Defaults of every AuthStoreConfig setting. */
export const DEFAULTS = {
  bcryptCost: 12,
  minPasswordLength: 12,
  sessionTtlMs: 24 * 60 * MINUTE,
  lockoutMaxFailures: 5,
  lockoutDurationMs: 15 * MINUTE,
  ipMaxFailures: 10,
  ipWindowMs: 15 * MINUTE,
  maxTrackedIps: 10_000,
  cacheTtlMs: 30_000,
  cacheMaxEntries: 10_000,
  lastUsedResolutionMs: MINUTE,
};
const MAX_TOKEN_LENGTH = 512;
const ID_CHUNK = 500;

type Db = Kysely<AuthTables>;

/** The AuthStore on kysely; `createAuthStore` opens and migrates its database. */
export class SqlAuthStore implements AuthStore {
  readonly dialect: SqlDialect;
  readonly #database: SqlDatabase;
  readonly #owned: boolean;
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #cost: number;
  readonly #minPasswordLength: number;
  readonly #sessionTtlMs: number;
  readonly #lockoutMax: number;
  readonly #lockoutMs: number;
  readonly #lastUsedResolutionMs: number;
  readonly #limiter: LoginLimiter;
  readonly #cache: PrincipalCache<Principal>;
  readonly #listeners = new Set<(event: RevokeEvent) => void>();
  readonly #onListenerError: ((error: unknown) => void) | undefined;
  // Bumped by every change that can affect a principal, so a lookup that raced one is not cached.
  #generation = 0;
  #dummyHash: Promise<string> | undefined;

  constructor(database: SqlDatabase, owned: boolean, config: AuthStoreConfig) {
    this.dialect = database.dialect;
    this.#database = database;
    this.#owned = owned;
    this.#db = typedKysely<AuthTables>(database);
    this.#now = config.now ?? (() => new Date());
    this.#cost = config.bcryptCost ?? DEFAULTS.bcryptCost;
    this.#minPasswordLength = config.minPasswordLength ?? DEFAULTS.minPasswordLength;
    this.#sessionTtlMs = config.sessionTtlMs ?? DEFAULTS.sessionTtlMs;
    this.#lockoutMax = config.lockout?.maxFailures ?? DEFAULTS.lockoutMaxFailures;
    this.#lockoutMs = config.lockout?.durationMs ?? DEFAULTS.lockoutDurationMs;
    this.#lastUsedResolutionMs = config.lastUsedResolutionMs ?? DEFAULTS.lastUsedResolutionMs;
    this.#limiter = new LoginLimiter({
      maxFailures: config.ipRateLimit?.maxFailures ?? DEFAULTS.ipMaxFailures,
      windowMs: config.ipRateLimit?.windowMs ?? DEFAULTS.ipWindowMs,
      maxTrackedIps: config.ipRateLimit?.maxTrackedIps ?? DEFAULTS.maxTrackedIps,
    });
    this.#cache = new PrincipalCache(
      config.cache?.ttlMs ?? DEFAULTS.cacheTtlMs,
      config.cache?.maxEntries ?? DEFAULTS.cacheMaxEntries,
    );
    this.#onListenerError = config.onListenerError;
  }

  // ---------------------------------------------------------------- users

  async ensureAdmin(options: { password?: string; username?: string } = {}): Promise<EnsureAdminResult> {
    const existing = await this.#db.selectFrom('auth_users').select('id').limit(1).executeTakeFirst();
    if (existing) return { created: false };
    const password = options.password ?? generatePassword();
    try {
      const user = await this.createUser({
        username: options.username ?? 'admin',
        password,
        displayName: 'Administrator',
        superuser: true,
      });
      return { created: true, user, password, generated: options.password === undefined };
    } catch (error) {
      // Another replica created it first.
      if (error instanceof AuthStoreError && error.code === 'ALREADY_EXISTS') return { created: false };
      throw error;
    }
  }

  async createUser(input: CreateUserInput): Promise<User> {
    const username = checkName('username', input.username);
    const serviceAccount = input.serviceAccount ?? false;
    if (serviceAccount && input.password !== undefined) {
      throw new AuthStoreError(
        'INVALID_INPUT',
        'A service account has no password: it authenticates with API tokens.',
      );
    }
    if (!serviceAccount && input.password === undefined) {
      throw new AuthStoreError('INVALID_INPUT', 'A password is required (only service accounts have none).');
    }
    const displayName = checkText('display name', input.displayName, 200);
    const email = checkEmail(input.email);
    if (input.password !== undefined) checkPasswordPolicy(input.password, this.#minPasswordLength);
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password, this.#cost);
    const now = toDbTime(this.#now());
    const row: UsersTable = {
      id: newId('user'),
      username,
      username_key: nameKey(username),
      display_name: displayName,
      email,
      password_hash: passwordHash,
      enabled: toDbBool(input.enabled ?? true),
      superuser: toDbBool(input.superuser ?? false),
      service_account: toDbBool(serviceAccount),
      created_at: now,
      updated_at: now,
      last_login_at: null,
      failed_attempts: 0,
      locked_until: null,
    };
    try {
      await this.#db.insertInto('auth_users').values(row).execute();
    } catch (error) {
      throw this.#conflict(
        error,
        `A user named '${username}' already exists (names are unique ignoring case).`,
      );
    }
    return toUser(row);
  }

  async findUser(id: string): Promise<User | undefined> {
    const row = await this.#userRow(id);
    return row && toUser(row);
  }

  async findUserByUsername(username: string): Promise<User | undefined> {
    const row = await this.#userRowByName(username);
    return row && toUser(row);
  }

  async getUser(id: string): Promise<User> {
    return toUser(await this.#requireUserRow(id));
  }

  async getUserByUsername(username: string): Promise<User> {
    const row = await this.#userRowByName(username);
    if (!row) throw new AuthStoreError('NOT_FOUND', `No user named '${username}'.`);
    return toUser(row);
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.#db.selectFrom('auth_users').selectAll().orderBy('username_key').execute();
    return rows.map(toUser);
  }

  async updateUser(id: string, changes: UpdateUserInput): Promise<User> {
    const row = await this.#requireUserRow(id);
    const set: Partial<UsersTable> = {};
    if (changes.username !== undefined) {
      set.username = checkName('username', changes.username);
      set.username_key = nameKey(set.username);
    }
    if (changes.displayName !== undefined)
      set.display_name = checkText('display name', changes.displayName, 200);
    if (changes.email !== undefined) set.email = checkEmail(changes.email);
    if (changes.enabled !== undefined) set.enabled = toDbBool(changes.enabled);
    if (changes.superuser !== undefined) set.superuser = toDbBool(changes.superuser);
    const losesSuperuser =
      row.superuser === 1 && row.enabled === 1 && (changes.enabled === false || changes.superuser === false);
    if (losesSuperuser) await this.#requireAnotherSuperuser(id);
    set.updated_at = toDbTime(this.#now());
    try {
      await this.#db.updateTable('auth_users').set(set).where('id', '=', id).execute();
    } catch (error) {
      throw this.#conflict(error, `A user named '${changes.username ?? ''}' already exists.`);
    }
    this.#forgetUser(id);
    if (row.enabled === 1 && changes.enabled === false) {
      const sessions = await this.#deleteSessions(id);
      const tokens = await this.#db
        .selectFrom('auth_api_tokens')
        .select(['id', 'user_id'])
        .where('user_id', '=', id)
        .execute();
      this.#emit([...sessions.map(asEvent('session')), ...tokens.map(asEvent('api_token'))], 'user_disabled');
    }
    return this.getUser(id);
  }

  async setPassword(
    userId: string,
    password: string,
    options: { keepSessionId?: string } = {},
  ): Promise<void> {
    const row = await this.#requireUserRow(userId);
    if (row.service_account === 1) {
      throw new AuthStoreError(
        'INVALID_INPUT',
        'A service account has no password: it authenticates with API tokens.',
      );
    }
    checkPasswordPolicy(password, this.#minPasswordLength);
    const passwordHash = await hashPassword(password, this.#cost);
    await this.#db
      .updateTable('auth_users')
      .set({
        password_hash: passwordHash,
        failed_attempts: 0,
        locked_until: null,
        updated_at: toDbTime(this.#now()),
      })
      .where('id', '=', userId)
      .execute();
    const ended = await this.#deleteSessions(userId, options.keepSessionId);
    this.#forgetUser(userId);
    this.#emit(ended.map(asEvent('session')), 'password_changed');
  }

  async changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    options: { keepSessionId?: string } = {},
  ): Promise<void> {
    const row = await this.#requireUserRow(userId);
    await this.#checkPassword(row, currentPassword, this.#now());
    await this.setPassword(userId, newPassword, options);
  }

  async deleteUser(id: string): Promise<void> {
    const row = await this.#requireUserRow(id);
    if (row.superuser === 1 && row.enabled === 1) await this.#requireAnotherSuperuser(id);
    const [sessions, tokens] = await Promise.all([
      this.#db.selectFrom('auth_sessions').select(['id', 'user_id']).where('user_id', '=', id).execute(),
      this.#db.selectFrom('auth_api_tokens').select(['id', 'user_id']).where('user_id', '=', id).execute(),
    ]);
    await this.#db.deleteFrom('auth_users').where('id', '=', id).execute();
    this.#forgetUser(id);
    this.#emit([...sessions.map(asEvent('session')), ...tokens.map(asEvent('api_token'))], 'user_deleted');
  }

  async unlockUser(id: string): Promise<User> {
    await this.#requireUserRow(id);
    await this.#db
      .updateTable('auth_users')
      .set({ failed_attempts: 0, locked_until: null })
      .where('id', '=', id)
      .execute();
    return this.getUser(id);
  }

  // ---------------------------------------------------------------- login and tokens

  async login(username: string, password: string, context: LoginContext = {}): Promise<LoginResult> {
    const now = this.#now();
    const { ip } = context;
    if (ip !== undefined) {
      const waitMs = this.#limiter.retryAfterMs(ip, now.getTime());
      if (waitMs !== undefined) {
        const retryAfterSeconds = Math.ceil(waitMs / 1000);
        throw new AuthStoreError(
          'RATE_LIMITED',
          `Too many failed logins from this address; try again in ${retryAfterSeconds} s.`,
          { retryAfterSeconds },
        );
      }
    }
    try {
      const row = typeof username === 'string' ? await this.#userRowByName(username) : undefined;
      if (!row || row.password_hash === null) {
        // Same work as a wrong password, so timing does not tell which names exist.
        await verifyPassword(String(password), await this.#getDummyHash());
        throw invalidCredentials();
      }
      await this.#checkPassword(row, password, now);
      if (row.enabled !== 1) throw new AuthStoreError('ACCOUNT_DISABLED', 'This account is disabled.');
      await this.#db
        .updateTable('auth_users')
        .set({ failed_attempts: 0, locked_until: null, last_login_at: toDbTime(now) })
        .where('id', '=', row.id)
        .execute();
      const user = await this.getUser(row.id);
      const { token, session } = await this.#createSession(user.id, context, now);
      return { token, expiresAt: session.expiresAt, user, session };
    } catch (error) {
      if (ip !== undefined && error instanceof AuthStoreError && error.code !== 'ACCOUNT_DISABLED') {
        this.#limiter.recordFailure(ip, now.getTime());
      }
      throw error;
    }
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (typeof token !== 'string' || token.length < 16 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const tokenHash = hashToken(token);
    const now = this.#now();
    const nowMs = now.getTime();
    const cached = this.#cache.get(tokenHash, nowMs);
    if (cached) {
      if (!isExpired(cached, nowMs)) return cached;
      this.#cache.delete(tokenHash);
      return undefined;
    }
    const generation = this.#generation;
    const principal =
      credentialKindOfToken(token) === 'api_token'
        ? await this.#apiTokenPrincipal(tokenHash, now)
        : await this.#sessionPrincipal(tokenHash, now);
    if (principal && generation === this.#generation) this.#cache.set(tokenHash, principal, nowMs);
    return principal;
  }

  async logout(token: string): Promise<boolean> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return false;
    const tokenHash = hashToken(token);
    const ended = await this.#db
      .deleteFrom('auth_sessions')
      .where('token_hash', '=', tokenHash)
      .returning(['id', 'user_id'])
      .execute();
    this.#cache.delete(tokenHash);
    this.#emit(ended.map(asEvent('session')), 'logout');
    return ended.length > 0;
  }

  async listSessions(userId: string): Promise<Session[]> {
    await this.#requireUserRow(userId);
    const rows = await this.#db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', toDbTime(this.#now()))
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toSession);
  }

  async revokeSession(sessionId: string, options: { userId?: string } = {}): Promise<boolean> {
    let query = this.#db.deleteFrom('auth_sessions').where('id', '=', sessionId);
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    const ended = await query.returning(['id', 'user_id']).execute();
    this.#emit(ended.map(asEvent('session')), 'revoked');
    return ended.length > 0;
  }

  async revokeUserSessions(userId: string, options: { exceptSessionId?: string } = {}): Promise<number> {
    await this.#requireUserRow(userId);
    const ended = await this.#deleteSessions(userId, options.exceptSessionId);
    this.#emit(ended.map(asEvent('session')), 'revoked');
    return ended.length;
  }

  async createApiToken(userId: string, input: CreateApiTokenInput = {}): Promise<CreatedApiToken> {
    await this.#requireUserRow(userId);
    const now = this.#now();
    const note = checkText('note', input.note, 200);
    const scope = input.scope === undefined ? undefined : checkScope(input.scope);
    const expiresAt = input.expiresAt === undefined ? undefined : checkFuture('expiry', input.expiresAt, now);
    const token = newApiToken();
    const row = {
      id: newId('api_token'),
      token_hash: hashToken(token),
      user_id: userId,
      note,
      token_prefix: token.slice(0, 10),
      scope: scope === undefined ? null : toDbJson(scope),
      created_at: toDbTime(now),
      expires_at: expiresAt === undefined ? null : toDbTime(expiresAt),
      last_used_at: null,
      current_connection: null,
      current_database: null,
    };
    await this.#db.insertInto('auth_api_tokens').values(row).execute();
    return { token, apiToken: toApiToken(row) };
  }

  async listApiTokens(userId?: string): Promise<ApiToken[]> {
    let query = this.#db.selectFrom('auth_api_tokens').selectAll();
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toApiToken);
  }

  async findApiToken(id: string): Promise<ApiToken | undefined> {
    const row = await this.#db
      .selectFrom('auth_api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApiToken(row);
  }

  async getApiToken(id: string): Promise<ApiToken> {
    const token = await this.findApiToken(id);
    if (!token) throw new AuthStoreError('NOT_FOUND', `No API token with id '${id}'.`);
    return token;
  }

  async revokeApiToken(tokenId: string, options: { userId?: string } = {}): Promise<boolean> {
    let query = this.#db.deleteFrom('auth_api_tokens').where('id', '=', tokenId);
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    const ended = await query.returning(['id', 'user_id']).execute();
    this.#emit(ended.map(asEvent('api_token')), 'revoked');
    return ended.length > 0;
  }

  // ---------------------------------------------------------------- current connection

  async getCurrentConnection(credentialId: string): Promise<CurrentConnection | undefined> {
    const table = credentialTable(credentialId);
    if (!table) return undefined;
    const row = await this.#db
      .selectFrom(table)
      .select(['current_connection', 'current_database'])
      .where('id', '=', credentialId)
      .executeTakeFirst();
    if (!row?.current_connection) return undefined;
    return { connection: row.current_connection, database: row.current_database ?? undefined };
  }

  async setCurrentConnection(credentialId: string, current: CurrentConnection | undefined): Promise<void> {
    const table = credentialTable(credentialId);
    const values = current
      ? {
          current_connection: checkConnectionName(current.connection),
          current_database: checkDatabaseName(current.database) ?? null,
        }
      : { current_connection: null, current_database: null };
    const result = table
      ? await this.#db.updateTable(table).set(values).where('id', '=', credentialId).executeTakeFirst()
      : undefined;
    if (!result || result.numUpdatedRows === 0n) {
      throw new AuthStoreError('NOT_FOUND', `No session or API token with id '${credentialId}'.`);
    }
  }

  // ---------------------------------------------------------------- groups

  async createGroup(input: CreateGroupInput): Promise<Group> {
    const name = checkName('group name', input.name);
    const now = toDbTime(this.#now());
    const row = {
      id: newId('group'),
      name,
      name_key: nameKey(name),
      description: checkText('description', input.description, 500),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.#db.insertInto('auth_groups').values(row).execute();
    } catch (error) {
      throw this.#conflict(error, `A group named '${name}' already exists (names are unique ignoring case).`);
    }
    return toGroup(row);
  }

  async findGroup(id: string): Promise<Group | undefined> {
    const row = await this.#db.selectFrom('auth_groups').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toGroup(row);
  }

  async findGroupByName(name: string): Promise<Group | undefined> {
    if (typeof name !== 'string') return undefined;
    const row = await this.#db
      .selectFrom('auth_groups')
      .selectAll()
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    return row && toGroup(row);
  }

  async getGroup(id: string): Promise<Group> {
    const group = await this.findGroup(id);
    if (!group) throw new AuthStoreError('NOT_FOUND', `No group with id '${id}'.`);
    return group;
  }

  async getGroupByName(name: string): Promise<Group> {
    const group = await this.findGroupByName(name);
    if (!group) throw new AuthStoreError('NOT_FOUND', `No group named '${name}'.`);
    return group;
  }

  async listGroups(): Promise<Group[]> {
    const rows = await this.#db.selectFrom('auth_groups').selectAll().orderBy('name_key').execute();
    return rows.map(toGroup);
  }

  async updateGroup(id: string, changes: UpdateGroupInput): Promise<Group> {
    await this.getGroup(id);
    const set: { name?: string; name_key?: string; description?: string | null; updated_at: number } = {
      updated_at: toDbTime(this.#now()),
    };
    if (changes.name !== undefined) {
      set.name = checkName('group name', changes.name);
      set.name_key = nameKey(set.name);
    }
    if (changes.description !== undefined)
      set.description = checkText('description', changes.description, 500);
    try {
      await this.#db.updateTable('auth_groups').set(set).where('id', '=', id).execute();
    } catch (error) {
      throw this.#conflict(error, `A group named '${changes.name ?? ''}' already exists.`);
    }
    this.#forgetAll();
    return this.getGroup(id);
  }

  async deleteGroup(id: string): Promise<void> {
    const result = await this.#db.deleteFrom('auth_groups').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new AuthStoreError('NOT_FOUND', `No group with id '${id}'.`);
    this.#forgetAll();
  }

  async addGroupMember(groupId: string, member: GroupMember): Promise<boolean> {
    const group = await this.getGroup(groupId);
    const now = toDbTime(this.#now());
    let values: {
      group_id: string;
      member_user_id: string | null;
      member_group_id: string | null;
      created_at: number;
    };
    if ('userId' in member) {
      await this.#requireUserRow(member.userId);
      values = { group_id: groupId, member_user_id: member.userId, member_group_id: null, created_at: now };
    } else {
      const child = await this.getGroup(member.groupId);
      const cycle = cycleIfAdded(groupId, child.id, await groupEdges(this.#db));
      if (cycle) {
        const names = await groupNames(this.#db, cycle);
        throw new AuthStoreError(
          'GROUP_CYCLE',
          `Adding group '${child.name}' to '${group.name}' would make a group contain itself: ${cycle
            .map((id) => names.get(id) ?? id)
            .join(' → ')}.`,
        );
      }
      values = { group_id: groupId, member_user_id: null, member_group_id: child.id, created_at: now };
    }
    try {
      await this.#db.insertInto('auth_group_members').values(values).execute();
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    this.#forgetAll();
    return true;
  }

  async removeGroupMember(groupId: string, member: GroupMember): Promise<boolean> {
    let query = this.#db.deleteFrom('auth_group_members').where('group_id', '=', groupId);
    query =
      'userId' in member
        ? query.where('member_user_id', '=', member.userId)
        : query.where('member_group_id', '=', member.groupId);
    const result = await query.executeTakeFirst();
    this.#forgetAll();
    return result.numDeletedRows > 0n;
  }

  async listGroupMembers(groupId: string): Promise<GroupMembers> {
    await this.getGroup(groupId);
    const [users, groups] = await Promise.all([
      this.#db
        .selectFrom('auth_group_members as m')
        .innerJoin('auth_users as u', 'u.id', 'm.member_user_id')
        .selectAll('u')
        .where('m.group_id', '=', groupId)
        .orderBy('u.username_key')
        .execute(),
      this.#db
        .selectFrom('auth_group_members as m')
        .innerJoin('auth_groups as g', 'g.id', 'm.member_group_id')
        .selectAll('g')
        .where('m.group_id', '=', groupId)
        .orderBy('g.name_key')
        .execute(),
    ]);
    return { users: users.map(toUser), groups: groups.map(toGroup) };
  }

  async listUserGroups(userId: string): Promise<Group[]> {
    await this.#requireUserRow(userId);
    const rows = await this.#db
      .selectFrom('auth_group_members as m')
      .innerJoin('auth_groups as g', 'g.id', 'm.group_id')
      .selectAll('g')
      .where('m.member_user_id', '=', userId)
      .orderBy('g.name_key')
      .execute();
    return rows.map(toGroup);
  }

  // ---------------------------------------------------------------- privileges

  async grantPrivilege(groupId: string, privilege: Privilege): Promise<void> {
    const grant = checkPrivilege(privilege);
    await this.getGroup(groupId);
    switch (grant.type) {
      case 'mcp_item':
        await this.#ensureItem(grant);
        await this.#db
          .insertInto('auth_group_mcp_grants')
          .values({ group_id: groupId, item_kind: grant.kind, item_name: grant.name })
          .onConflict((oc) => oc.doNothing())
          .execute();
        break;
      case 'connection':
        await this.#db
          .insertInto('auth_group_connection_grants')
          .values({ group_id: groupId, connection_name: grant.name, access: grant.access })
          .onConflict((oc) =>
            oc.columns(['group_id', 'connection_name']).doUpdateSet({ access: grant.access }),
          )
          .execute();
        break;
      case 'admin':
        await this.#db
          .insertInto('auth_group_admin_grants')
          .values({ group_id: groupId, permission: grant.permission })
          .onConflict((oc) => oc.doNothing())
          .execute();
        break;
    }
    this.#forgetAll();
  }

  async revokePrivilege(groupId: string, privilege: PrivilegeRef): Promise<boolean> {
    let deleted: bigint;
    switch (privilege.type) {
      case 'mcp_item':
        ({ numDeletedRows: deleted } = await this.#db
          .deleteFrom('auth_group_mcp_grants')
          .where('group_id', '=', groupId)
          .where('item_kind', '=', privilege.kind)
          .where('item_name', '=', privilege.name)
          .executeTakeFirst());
        break;
      case 'connection':
        ({ numDeletedRows: deleted } = await this.#db
          .deleteFrom('auth_group_connection_grants')
          .where('group_id', '=', groupId)
          .where('connection_name', '=', privilege.name)
          .executeTakeFirst());
        break;
      case 'admin':
        ({ numDeletedRows: deleted } = await this.#db
          .deleteFrom('auth_group_admin_grants')
          .where('group_id', '=', groupId)
          .where('permission', '=', privilege.permission)
          .executeTakeFirst());
        break;
    }
    this.#forgetAll();
    return deleted > 0n;
  }

  async listGroupPrivileges(groupId: string): Promise<GroupPrivileges> {
    await this.getGroup(groupId);
    const grants = await grantsOf(this.#db, [groupId]);
    return {
      mcpItems: grants.items.map((g) => ({ kind: g.item_kind as McpItemKind, name: g.item_name })),
      connections: grants.connections.map((g) => ({
        name: g.connection_name,
        access: g.access as ConnectionAccess,
      })),
      admin: grants.admin.map((g) => g.permission as AdminPermission),
    };
  }

  async registerMcpItems(items: readonly (McpItemRef & { description?: string })[]): Promise<void> {
    const now = toDbTime(this.#now());
    for (const item of items) {
      const ref = checkItemRef(item);
      const description = checkText('description', item.description, 2000);
      await this.#db
        .insertInto('auth_mcp_items')
        .values({ ...ref, public: 0, description, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['kind', 'name']).doUpdateSet({ description, updated_at: now }))
        .execute();
    }
  }

  async setMcpItemPublic(item: McpItemRef, isPublic: boolean): Promise<McpItem> {
    const ref = checkItemRef(item);
    await this.#ensureItem(ref);
    await this.#db
      .updateTable('auth_mcp_items')
      .set({ public: toDbBool(isPublic), updated_at: toDbTime(this.#now()) })
      .where('kind', '=', ref.kind)
      .where('name', '=', ref.name)
      .execute();
    this.#forgetAll();
    const row = await this.#db
      .selectFrom('auth_mcp_items')
      .selectAll()
      .where('kind', '=', ref.kind)
      .where('name', '=', ref.name)
      .executeTakeFirstOrThrow();
    return toMcpItem(row);
  }

  async listMcpItems(): Promise<McpItem[]> {
    const rows = await this.#db
      .selectFrom('auth_mcp_items')
      .selectAll()
      .orderBy('kind')
      .orderBy('name')
      .execute();
    return rows.map(toMcpItem);
  }

  async accessForUser(userId: string): Promise<Access> {
    const row = await this.#requireUserRow(userId);
    return loadAccess(this.#db, row, undefined);
  }

  async accessForApiToken(tokenId: string): Promise<Access> {
    const token = await this.getApiToken(tokenId);
    return loadAccess(this.#db, await this.#requireUserRow(token.userId), token.scope);
  }

  // ---------------------------------------------------------------- expiry and revocation

  onRevoke(listener: (event: RevokeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async sweepExpired(now: Date = this.#now()): Promise<RevokeEvent[]> {
    const at = toDbTime(now);
    const sessions = await this.#db
      .deleteFrom('auth_sessions')
      .where('expires_at', '<=', at)
      .returning(['id', 'user_id'])
      .execute();
    const tokens = await this.#db
      .deleteFrom('auth_api_tokens')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', at)
      .returning(['id', 'user_id'])
      .execute();
    return this.#emit([...sessions.map(asEvent('session')), ...tokens.map(asEvent('api_token'))], 'expired');
  }

  async inactiveCredentials(credentialIds: readonly string[], now: Date = this.#now()): Promise<string[]> {
    const at = toDbTime(now);
    const active = new Set<string>();
    const sessionIds = credentialIds.filter((id) => credentialKindOfId(id) === 'session');
    const tokenIds = credentialIds.filter((id) => credentialKindOfId(id) === 'api_token');
    for (const chunk of chunks(sessionIds)) {
      const rows = await this.#db
        .selectFrom('auth_sessions as s')
        .innerJoin('auth_users as u', 'u.id', 's.user_id')
        .select('s.id')
        .where('s.id', 'in', chunk)
        .where('s.expires_at', '>', at)
        .where('u.enabled', '=', 1)
        .execute();
      for (const row of rows) active.add(row.id);
    }
    for (const chunk of chunks(tokenIds)) {
      const rows = await this.#db
        .selectFrom('auth_api_tokens as t')
        .innerJoin('auth_users as u', 'u.id', 't.user_id')
        .select('t.id')
        .where('t.id', 'in', chunk)
        .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', at)]))
        .where('u.enabled', '=', 1)
        .execute();
      for (const row of rows) active.add(row.id);
    }
    return credentialIds.filter((id) => !active.has(id));
  }

  async close(): Promise<void> {
    this.#forgetAll();
    this.#listeners.clear();
    if (this.#owned) await this.#database.close();
  }

  // ---------------------------------------------------------------- internals

  #userRow(id: string): Promise<UsersTable | undefined> {
    return this.#db.selectFrom('auth_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async #userRowByName(username: string): Promise<UsersTable | undefined> {
    if (typeof username !== 'string' || username.length === 0 || username.length > 64) return undefined;
    return this.#db
      .selectFrom('auth_users')
      .selectAll()
      .where('username_key', '=', nameKey(username))
      .executeTakeFirst();
  }

  async #requireUserRow(id: string): Promise<UsersTable> {
    const row = await this.#userRow(id);
    if (!row) throw new AuthStoreError('NOT_FOUND', `No user with id '${id}'.`);
    return row;
  }

  async #requireAnotherSuperuser(id: string): Promise<void> {
    const other = await this.#db
      .selectFrom('auth_users')
      .select('id')
      .where('superuser', '=', 1)
      .where('enabled', '=', 1)
      .where('id', '<>', id)
      .limit(1)
      .executeTakeFirst();
    if (!other) {
      throw new AuthStoreError(
        'LAST_SUPERUSER',
        'This is the last enabled superuser: make another user a superuser first, or nobody could administer pgmcp.',
      );
    }
  }

  #conflict(error: unknown, message: string): unknown {
    return isUniqueViolation(error)
      ? new AuthStoreError('ALREADY_EXISTS', message, { cause: constraintError(error) })
      : error;
  }

  #getDummyHash(): Promise<string> {
    this.#dummyHash ??= hashPassword(generatePassword(), this.#cost);
    return this.#dummyHash;
  }

  /** Verifies a password against a user, applying and updating the lockout; throws on failure. */
  async #checkPassword(row: UsersTable, password: string, now: Date): Promise<void> {
    const nowMs = now.getTime();
    if (row.locked_until !== null && row.locked_until > nowMs) {
      const retryAfterSeconds = Math.ceil((row.locked_until - nowMs) / 1000);
      throw new AuthStoreError(
        'ACCOUNT_LOCKED',
        `This account is locked after too many failed logins; try again in ${retryAfterSeconds} s or ask an administrator to unlock it.`,
        { retryAfterSeconds },
      );
    }
    if (row.password_hash !== null && (await verifyPassword(String(password), row.password_hash))) return;
    // A lock that has run out starts the count afresh.
    const lockExpired = row.locked_until !== null;
    const updated = await this.#db
      .updateTable('auth_users')
      .set((eb) => ({
        failed_attempts: lockExpired ? 1 : eb('failed_attempts', '+', 1),
        locked_until: null,
      }))
      .where('id', '=', row.id)
      .returning('failed_attempts')
      .executeTakeFirst();
    if (this.#lockoutMax > 0 && updated && updated.failed_attempts >= this.#lockoutMax) {
      await this.#db
        .updateTable('auth_users')
        .set({ locked_until: nowMs + this.#lockoutMs })
        .where('id', '=', row.id)
        .execute();
    }
    throw invalidCredentials();
  }

  async #createSession(userId: string, context: LoginContext, now: Date) {
    const token = newSessionToken();
    const row = {
      id: newId('session'),
      token_hash: hashToken(token),
      user_id: userId,
      created_at: toDbTime(now),
      expires_at: toDbTime(now) + this.#sessionTtlMs,
      last_used_at: null,
      user_agent: checkText('user agent', context.userAgent?.slice(0, 500), 500),
      ip: checkText('ip', context.ip?.slice(0, 100), 100),
      current_connection: null,
      current_database: null,
    };
    await this.#db.insertInto('auth_sessions').values(row).execute();
    return { token, session: toSession(row) };
  }

  async #deleteSessions(userId: string, exceptSessionId?: string) {
    let query = this.#db.deleteFrom('auth_sessions').where('user_id', '=', userId);
    if (exceptSessionId !== undefined) query = query.where('id', '<>', exceptSessionId);
    return query.returning(['id', 'user_id']).execute();
  }

  async #sessionPrincipal(tokenHash: string, now: Date): Promise<Principal | undefined> {
    const row = await this.#db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || row.expires_at <= now.getTime()) return undefined;
    const user = await this.#userRow(row.user_id);
    if (!user || user.enabled !== 1) return undefined;
    const lastUsed = await this.#touch('auth_sessions', row.id, row.last_used_at, now);
    return {
      kind: 'session',
      credentialId: row.id,
      user: toUser(user),
      session: toSession({ ...row, last_used_at: lastUsed }),
      access: await loadAccess(this.#db, user, undefined),
    };
  }

  async #apiTokenPrincipal(tokenHash: string, now: Date): Promise<Principal | undefined> {
    const row = await this.#db
      .selectFrom('auth_api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= now.getTime())) return undefined;
    const user = await this.#userRow(row.user_id);
    if (!user || user.enabled !== 1) return undefined;
    const lastUsed = await this.#touch('auth_api_tokens', row.id, row.last_used_at, now);
    const apiToken = toApiToken({ ...row, last_used_at: lastUsed });
    return {
      kind: 'api_token',
      credentialId: row.id,
      user: toUser(user),
      apiToken,
      access: await loadAccess(this.#db, user, apiToken.scope),
    };
  }

  /** Writes last_used_at when it is older than the resolution; returns the value now stored. */
  async #touch(
    table: 'auth_sessions' | 'auth_api_tokens',
    id: string,
    lastUsedAt: number | null,
    now: Date,
  ): Promise<number | null> {
    const nowMs = now.getTime();
    if (lastUsedAt !== null && nowMs - lastUsedAt < this.#lastUsedResolutionMs) return lastUsedAt;
    await this.#db.updateTable(table).set({ last_used_at: nowMs }).where('id', '=', id).execute();
    return nowMs;
  }

  async #ensureItem(ref: McpItemRef): Promise<void> {
    const now = toDbTime(this.#now());
    await this.#db
      .insertInto('auth_mcp_items')
      .values({
        kind: ref.kind,
        name: ref.name,
        public: 0,
        description: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['kind', 'name']).doNothing())
      .execute();
  }

  #forgetUser(userId: string): void {
    this.#generation += 1;
    this.#cache.deleteWhere((principal) => principal.user.id === userId);
  }

  #forgetAll(): void {
    this.#generation += 1;
    this.#cache.clear();
  }

  #emit(
    credentials: readonly { credentialId: string; kind: CredentialKind; userId: string }[],
    reason: RevokeReason,
  ) {
    if (credentials.length === 0) return [];
    this.#generation += 1;
    const ids = new Set(credentials.map((c) => c.credentialId));
    this.#cache.deleteWhere((principal) => ids.has(principal.credentialId));
    const events = credentials.map((c): RevokeEvent => ({ ...c, reason }));
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#onListenerError?.(error);
        }
      }
    }
    return events;
  }
}

function invalidCredentials(): AuthStoreError {
  return new AuthStoreError('INVALID_CREDENTIALS', 'Wrong username or password.');
}

function asEvent(kind: CredentialKind) {
  return (row: { id: string; user_id: string }) => ({ credentialId: row.id, kind, userId: row.user_id });
}

function isExpired(principal: Principal, nowMs: number): boolean {
  const expiresAt = principal.kind === 'session' ? principal.session.expiresAt : principal.apiToken.expiresAt;
  return expiresAt !== undefined && expiresAt.getTime() <= nowMs;
}

function credentialTable(credentialId: string): 'auth_sessions' | 'auth_api_tokens' | undefined {
  const kind = typeof credentialId === 'string' ? credentialKindOfId(credentialId) : undefined;
  return kind === 'session' ? 'auth_sessions' : kind === 'api_token' ? 'auth_api_tokens' : undefined;
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += ID_CHUNK) yield items.slice(start, start + ID_CHUNK);
}
