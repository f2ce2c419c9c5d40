import { constraintError, isUniqueViolation } from '@pgmcp/sql-store';
import { AuthStoreError } from './errors.js';
import { toGroup } from './rows.js';
import type { GroupsTable, UsersTable } from './schema.js';
import type { Db } from './store-context.js';
import type { Group } from './types.js';
import { nameKey } from './validation.js';

// Lookups and small writes that several of the store's modules need.

/** A user's row by id. */
export function userRow(db: Db, id: string): Promise<UsersTable | undefined> {
  return db.selectFrom('auth_users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user's row by name, ignoring case; undefined for anything that cannot be a username. */
export async function userRowByName(db: Db, username: string): Promise<UsersTable | undefined> {
  if (typeof username !== 'string' || username.length === 0 || username.length > 64) return undefined;
  return db
    .selectFrom('auth_users')
    .selectAll()
    .where('username_key', '=', nameKey(username))
    .executeTakeFirst();
}

/** A user's row by id; NOT_FOUND when there is none. */
export async function requireUserRow(db: Db, id: string): Promise<UsersTable> {
  const row = await userRow(db, id);
  if (!row) throw new AuthStoreError('NOT_FOUND', `No user with id '${id}'.`);
  return row;
}

/** Throws LAST_SUPERUSER unless an enabled superuser other than `id` exists. */
export async function requireAnotherSuperuser(db: Db, id: string): Promise<void> {
  const other = await db
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

/** A group's row by id. */
export function groupRow(db: Db, id: string): Promise<GroupsTable | undefined> {
  return db.selectFrom('auth_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A group by id; NOT_FOUND when there is none. */
export async function requireGroup(db: Db, id: string): Promise<Group> {
  const row = await groupRow(db, id);
  if (!row) throw new AuthStoreError('NOT_FOUND', `No group with id '${id}'.`);
  return toGroup(row);
}

/** Deletes a user's sessions (except one) and returns them. */
export function deleteUserSessions(db: Db, userId: string, exceptSessionId?: string) {
  let query = db.deleteFrom('auth_sessions').where('user_id', '=', userId);
  if (exceptSessionId !== undefined) query = query.where('id', '<>', exceptSessionId);
  return query.returning(['id', 'user_id']).execute();
}

/** A unique violation as ALREADY_EXISTS with `message`; any other error as it is. */
export function asConflict(error: unknown, message: string): unknown {
  return isUniqueViolation(error)
    ? new AuthStoreError('ALREADY_EXISTS', message, { cause: constraintError(error) })
    : error;
}
