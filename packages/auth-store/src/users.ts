import { toDbBool, toDbTime } from '@pgmcp/sql-store';
import type { AuthStore } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { accountKey, newUserOf, userOf, usersOf } from './account-lockout.js';
import { checkAccountPassword, invalidCredentials } from './password-check.js';
import { checkPasswordPolicy } from './password-policy.js';
import { generatePassword } from './passwords.js';
import {
  asConflict,
  deleteUserSessions,
  requireAnotherSuperuser,
  requireUserRow,
  userRow,
  userRowByName,
} from './queries.js';
import type { UsersTable } from './schema.js';
import { asEnded, emitRevoked, forgetUser, type StoreContext } from './store-context.js';
import { newId } from './tokens.js';
import { checkEmail, checkName, checkText, nameKey } from './validation.js';

/** The user-account part of the AuthStore. */
export type UserMethods = Pick<
  AuthStore,
  | 'ensureAdmin'
  | 'createUser'
  | 'findUser'
  | 'findUserByUsername'
  | 'getUser'
  | 'getUserByUsername'
  | 'listUsers'
  | 'updateUser'
  | 'setPassword'
  | 'changePassword'
  | 'deleteUser'
  | 'unlockUser'
>;

/** Users: accounts, passwords, enabling and deleting, lockout reset. */
export function createUserMethods(ctx: StoreContext): UserMethods {
  const { db, settings } = ctx;

  const methods: UserMethods = {
    async ensureAdmin(options = {}) {
      const existing = await db.selectFrom('auth_users').select('id').limit(1).executeTakeFirst();
      if (existing) return { created: false };
      const password = options.password ?? generatePassword();
      try {
        const user = await methods.createUser({
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
    },

    async createUser(input) {
      const username = checkName('username', input.username);
      const serviceAccount = input.serviceAccount ?? false;
      if (serviceAccount && input.password !== undefined) {
        throw new AuthStoreError(
          'INVALID_INPUT',
          'A service account has no password: it authenticates with API tokens.',
        );
      }
      if (!serviceAccount && !input.singleSignOn && input.password === undefined) {
        throw new AuthStoreError(
          'INVALID_INPUT',
          'A password is required (only service accounts and single sign-on users have none).',
        );
      }
      const displayName = checkText('display name', input.displayName, 200);
      const email = checkEmail(input.email);
      if (input.password !== undefined) checkPasswordPolicy(input.password, settings.minPasswordLength);
      const passwordHash = input.password === undefined ? null : await ctx.hasher.hash(input.password);
      const now = toDbTime(settings.now());
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
        await db.insertInto('auth_users').values(row).execute();
      } catch (error) {
        throw asConflict(
          error,
          `A user named '${username}' already exists (names are unique ignoring case).`,
        );
      }
      return newUserOf(row);
    },

    async findUser(id) {
      const row = await userRow(db, id);
      return row && userOf(ctx, row);
    },

    async findUserByUsername(username) {
      const row = await userRowByName(db, username);
      return row && userOf(ctx, row);
    },

    async getUser(id) {
      return userOf(ctx, await requireUserRow(db, id));
    },

    async getUserByUsername(username) {
      const row = await userRowByName(db, username);
      if (!row) throw new AuthStoreError('NOT_FOUND', `No user named '${username}'.`);
      return userOf(ctx, row);
    },

    async listUsers() {
      const rows = await db.selectFrom('auth_users').selectAll().orderBy('username_key').execute();
      return usersOf(ctx, rows);
    },

    async updateUser(id, changes) {
      const row = await requireUserRow(db, id);
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
        row.superuser === 1 &&
        row.enabled === 1 &&
        (changes.enabled === false || changes.superuser === false);
      if (losesSuperuser) await requireAnotherSuperuser(db, id);
      set.updated_at = toDbTime(settings.now());
      try {
        await db.updateTable('auth_users').set(set).where('id', '=', id).execute();
      } catch (error) {
        throw asConflict(error, `A user named '${changes.username ?? ''}' already exists.`);
      }
      forgetUser(ctx, id);
      if (row.enabled === 1 && changes.enabled === false) {
        const sessions = await deleteUserSessions(db, id);
        const tokens = await db
          .selectFrom('auth_api_tokens')
          .select(['id', 'user_id'])
          .where('user_id', '=', id)
          .execute();
        emitRevoked(
          ctx,
          [...sessions.map(asEnded('session')), ...tokens.map(asEnded('api_token'))],
          'user_disabled',
        );
      }
      return methods.getUser(id);
    },

    async setPassword(userId, password, options = {}) {
      const row = await requireUserRow(db, userId);
      if (row.service_account === 1) {
        throw new AuthStoreError(
          'INVALID_INPUT',
          'A service account has no password: it authenticates with API tokens.',
        );
      }
      checkPasswordPolicy(password, settings.minPasswordLength);
      const passwordHash = await ctx.hasher.hash(password);
      await db
        .updateTable('auth_users')
        .set({ password_hash: passwordHash, updated_at: toDbTime(settings.now()) })
        .where('id', '=', userId)
        .execute();
      await ctx.limiter.reset(accountKey(userId));
      // Every other session ends (someone may have learnt the old password); API tokens stay.
      const ended = await deleteUserSessions(db, userId, options.keepSessionId);
      forgetUser(ctx, userId);
      emitRevoked(ctx, ended.map(asEnded('session')), 'password_changed');
    },

    async changePassword(userId, currentPassword, newPassword, options = {}) {
      const { username } = await requireUserRow(db, userId);
      // Refuse a weak new password before spending an attempt (and bcrypt) on the current one.
      checkPasswordPolicy(newPassword, settings.minPasswordLength);
      await ctx.loginLine.run(nameKey(username), async () => {
        const row = await requireUserRow(db, userId);
        const check = await checkAccountPassword(ctx, row, currentPassword);
        if (check.outcome === 'locked') {
          // The caller is signed in as this user, so saying so reveals nothing to a stranger.
          const retryAfterSeconds = Math.ceil(check.retryAfterMs / 1000);
          throw new AuthStoreError(
            'ACCOUNT_LOCKED',
            `This account is locked after too many failed password checks; try again in ${retryAfterSeconds} s or ask an administrator to unlock it.`,
            { retryAfterSeconds },
          );
        }
        if (check.outcome !== 'success') throw invalidCredentials();
      });
      await methods.setPassword(userId, newPassword, options);
    },

    async deleteUser(id) {
      const row = await requireUserRow(db, id);
      if (row.superuser === 1 && row.enabled === 1) await requireAnotherSuperuser(db, id);
      const [sessions, tokens] = await Promise.all([
        db.selectFrom('auth_sessions').select(['id', 'user_id']).where('user_id', '=', id).execute(),
        db.selectFrom('auth_api_tokens').select(['id', 'user_id']).where('user_id', '=', id).execute(),
      ]);
      await db.deleteFrom('auth_users').where('id', '=', id).execute();
      await ctx.limiter.reset(accountKey(id));
      forgetUser(ctx, id);
      emitRevoked(
        ctx,
        [...sessions.map(asEnded('session')), ...tokens.map(asEnded('api_token'))],
        'user_deleted',
      );
    },

    async unlockUser(id) {
      const row = await requireUserRow(db, id);
      await ctx.limiter.reset(accountKey(id));
      return userOf(ctx, row);
    },
  };
  return methods;
}
