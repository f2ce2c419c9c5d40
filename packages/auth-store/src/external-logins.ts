import { toDbTime } from '@pgmcp/sql-store';
import { userOf } from './account-lockout.js';
import type { AuthStore, ExternalLoginInput } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { openSession } from './logins.js';
import { requireUserRow } from './queries.js';
import { reportLoginAttempt, type StoreContext } from './store-context.js';
import type { User } from './types.js';
import { nameKey } from './validation.js';

/** The single sign-on part of the AuthStore. */
export type ExternalLoginMethods = Pick<AuthStore, 'externalLogin'>;

type StoreParts = Pick<
  AuthStore,
  'createUser' | 'findGroupByName' | 'createGroup' | 'addGroupMember' | 'removeGroupMember'
>;

const MAX_SUFFIX = 50;

/** A username the store accepts, made from what the provider said (letters, digits, . _ @ -). */
export function usernameFrom(wanted: string): string {
  const cleaned = wanted
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._@-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return cleaned || 'user';
}

/**
 * Users an identity provider vouches for: linked by (issuer, subject), created on first login with
 * a unique username and no password, their managed groups set on every login.
 */
export function createExternalLoginMethods(ctx: StoreContext, store: StoreParts): ExternalLoginMethods {
  const { db, settings } = ctx;

  async function linkedUserId(issuer: string, subject: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('auth_external_identities')
      .select('user_id')
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Creates the user under the first free name: `name`, `name-2`, `name-3`… */
  async function createUnique(input: ExternalLoginInput): Promise<User> {
    const base = usernameFrom(input.username);
    for (let n = 1; n <= MAX_SUFFIX; n += 1) {
      try {
        return await store.createUser({
          username: n === 1 ? base : `${base}-${n}`,
          singleSignOn: true,
          ...(input.displayName ? { displayName: input.displayName.slice(0, 200) } : {}),
          ...(input.email && /^[^@\s]+@[^@\s]+$/.test(input.email) ? { email: input.email } : {}),
        });
      } catch (error) {
        if (!(error instanceof AuthStoreError && error.code === 'ALREADY_EXISTS')) throw error;
      }
    }
    throw new AuthStoreError('ALREADY_EXISTS', `No free username near '${base}'.`);
  }

  /** Adds the user to the managed groups the provider lists and removes them from the others. */
  async function syncGroups(userId: string, input: ExternalLoginInput): Promise<string[]> {
    const wanted = new Set(input.groups.map(nameKey));
    const created: string[] = [];
    for (const name of new Set(input.managedGroups)) {
      let group = await store.findGroupByName(name);
      if (!group && !wanted.has(nameKey(name))) continue;
      if (!group) {
        group = await store.createGroup({ name, description: 'Managed by single sign-on' });
        created.push(group.name);
      }
      const member = { userId };
      if (wanted.has(nameKey(name))) await store.addGroupMember(group.id, member);
      else await store.removeGroupMember(group.id, member);
    }
    return created;
  }

  return {
    async externalLogin(input, context = {}) {
      let userId = await linkedUserId(input.issuer, input.subject);
      let created = false;
      if (userId === undefined) {
        const user = await createUnique(input);
        try {
          await db
            .insertInto('auth_external_identities')
            .values({
              issuer: input.issuer,
              subject: input.subject,
              user_id: user.id,
              created_at: toDbTime(settings.now()),
            })
            .execute();
          userId = user.id;
          created = true;
        } catch (error) {
          // Another replica linked this identity first: use its user.
          await db.deleteFrom('auth_users').where('id', '=', user.id).execute();
          userId = await linkedUserId(input.issuer, input.subject);
          if (userId === undefined) throw error;
        }
      }
      const row = await requireUserRow(db, userId);
      if (row.enabled !== 1) {
        reportLoginAttempt(ctx, { username: row.username, userId, ip: context.ip, outcome: 'disabled' });
        throw new AuthStoreError('ACCOUNT_DISABLED', 'This account is disabled.');
      }
      const createdGroups = await syncGroups(userId, input);
      const now = settings.now();
      await db
        .updateTable('auth_users')
        .set({ last_login_at: toDbTime(now) })
        .where('id', '=', userId)
        .execute();
      const user = await userOf(ctx, await requireUserRow(db, userId));
      const { token, session } = await openSession(ctx, userId, context, now);
      reportLoginAttempt(ctx, { username: user.username, userId, ip: context.ip, outcome: 'success' });
      return { token, expiresAt: session.expiresAt, user, session, created, createdGroups };
    },
  };
}
