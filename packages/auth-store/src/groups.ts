import { isUniqueViolation, toDbTime } from '@pgmcp/sql-store';
import { groupEdges, groupNames } from './access-loader.js';
import { usersOf } from './account-lockout.js';
import type { AuthStore } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { cycleIfAdded } from './group-graph.js';
import { asConflict, groupRow, requireGroup, requireUserRow } from './queries.js';
import { toGroup } from './rows.js';
import type { GroupMembersTable, GroupsTable } from './schema.js';
import { forgetAll, type StoreContext } from './store-context.js';
import { newId } from './tokens.js';
import { checkName, checkText, nameKey } from './validation.js';

/** The group part of the AuthStore. */
export type GroupMethods = Pick<
  AuthStore,
  | 'createGroup'
  | 'findGroup'
  | 'findGroupByName'
  | 'getGroup'
  | 'getGroupByName'
  | 'listGroups'
  | 'updateGroup'
  | 'deleteGroup'
  | 'addGroupMember'
  | 'removeGroupMember'
  | 'listGroupMembers'
  | 'listUserGroups'
>;

/** Groups and their members (users and other groups, without cycles). */
export function createGroupMethods(ctx: StoreContext): GroupMethods {
  const { db, settings } = ctx;
  const methods: GroupMethods = {
    async createGroup(input) {
      const name = checkName('group name', input.name);
      const now = toDbTime(settings.now());
      const row: GroupsTable = {
        id: newId('group'),
        name,
        name_key: nameKey(name),
        description: checkText('description', input.description, 500),
        created_at: now,
        updated_at: now,
      };
      try {
        await db.insertInto('auth_groups').values(row).execute();
      } catch (error) {
        throw asConflict(error, `A group named '${name}' already exists (names are unique ignoring case).`);
      }
      return toGroup(row);
    },

    async findGroup(id) {
      const row = await groupRow(db, id);
      return row && toGroup(row);
    },

    async findGroupByName(name) {
      if (typeof name !== 'string') return undefined;
      const row = await db
        .selectFrom('auth_groups')
        .selectAll()
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst();
      return row && toGroup(row);
    },

    getGroup: (id) => requireGroup(db, id),

    async getGroupByName(name) {
      const group = await methods.findGroupByName(name);
      if (!group) throw new AuthStoreError('NOT_FOUND', `No group named '${name}'.`);
      return group;
    },

    async listGroups() {
      const rows = await db.selectFrom('auth_groups').selectAll().orderBy('name_key').execute();
      return rows.map(toGroup);
    },

    async updateGroup(id, changes) {
      await requireGroup(db, id);
      const set: Partial<GroupsTable> = { updated_at: toDbTime(settings.now()) };
      if (changes.name !== undefined) {
        set.name = checkName('group name', changes.name);
        set.name_key = nameKey(set.name);
      }
      if (changes.description !== undefined)
        set.description = checkText('description', changes.description, 500);
      try {
        await db.updateTable('auth_groups').set(set).where('id', '=', id).execute();
      } catch (error) {
        throw asConflict(error, `A group named '${changes.name ?? ''}' already exists.`);
      }
      forgetAll(ctx);
      return requireGroup(db, id);
    },

    async deleteGroup(id) {
      const result = await db.deleteFrom('auth_groups').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new AuthStoreError('NOT_FOUND', `No group with id '${id}'.`);
      forgetAll(ctx);
    },

    async addGroupMember(groupId, member) {
      const group = await requireGroup(db, groupId);
      const now = toDbTime(settings.now());
      let values: GroupMembersTable;
      if ('userId' in member) {
        await requireUserRow(db, member.userId);
        values = { group_id: groupId, member_user_id: member.userId, member_group_id: null, created_at: now };
      } else {
        const child = await requireGroup(db, member.groupId);
        const cycle = cycleIfAdded(groupId, child.id, await groupEdges(db));
        if (cycle) {
          const names = await groupNames(db, cycle);
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
        await db.insertInto('auth_group_members').values(values).execute();
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
      forgetAll(ctx);
      return true;
    },

    async removeGroupMember(groupId, member) {
      let query = db.deleteFrom('auth_group_members').where('group_id', '=', groupId);
      query =
        'userId' in member
          ? query.where('member_user_id', '=', member.userId)
          : query.where('member_group_id', '=', member.groupId);
      const result = await query.executeTakeFirst();
      forgetAll(ctx);
      return result.numDeletedRows > 0n;
    },

    async listGroupMembers(groupId) {
      await requireGroup(db, groupId);
      const [users, groups] = await Promise.all([
        db
          .selectFrom('auth_group_members as m')
          .innerJoin('auth_users as u', 'u.id', 'm.member_user_id')
          .selectAll('u')
          .where('m.group_id', '=', groupId)
          .orderBy('u.username_key')
          .execute(),
        db
          .selectFrom('auth_group_members as m')
          .innerJoin('auth_groups as g', 'g.id', 'm.member_group_id')
          .selectAll('g')
          .where('m.group_id', '=', groupId)
          .orderBy('g.name_key')
          .execute(),
      ]);
      return { users: await usersOf(ctx, users), groups: groups.map(toGroup) };
    },

    async listUserGroups(userId) {
      await requireUserRow(db, userId);
      const rows = await db
        .selectFrom('auth_group_members as m')
        .innerJoin('auth_groups as g', 'g.id', 'm.group_id')
        .selectAll('g')
        .where('m.member_user_id', '=', userId)
        .orderBy('g.name_key')
        .execute();
      return rows.map(toGroup);
    },
  };
  return methods;
}
