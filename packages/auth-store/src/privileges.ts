import { toDbBool, toDbTime } from '@pgmcp/sql-store';
import { accessOfGroups, grantsOf, loadAccess } from './access-loader.js';
import type { AuthStore } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { requireGroup, requireUserRow } from './queries.js';
import { toApiToken, toMcpItem } from './rows.js';
import { forgetAll, type Db, type StoreContext } from './store-context.js';
import type { AdminPermission, ConnectionAccess, McpItemKind, McpItemRef } from './types.js';
import { checkItemRef, checkPrivilege, checkText } from './validation.js';

/** The privilege part of the AuthStore. */
export type PrivilegeMethods = Pick<
  AuthStore,
  | 'grantPrivilege'
  | 'revokePrivilege'
  | 'listGroupPrivileges'
  | 'registerMcpItems'
  | 'setMcpItemPublic'
  | 'listMcpItems'
  | 'accessForUser'
  | 'accessForApiToken'
  | 'accessOfGroup'
>;

/** Grants to groups, the registry of MCP items, and the access they add up to. */
export function createPrivilegeMethods(ctx: StoreContext): PrivilegeMethods {
  const { db, settings } = ctx;
  return {
    async grantPrivilege(groupId, privilege) {
      const grant = checkPrivilege(privilege);
      await requireGroup(db, groupId);
      switch (grant.type) {
        case 'mcp_item':
          await ensureItem(db, grant, settings.now());
          await db
            .insertInto('auth_group_mcp_grants')
            .values({ group_id: groupId, item_kind: grant.kind, item_name: grant.name })
            .onConflict((oc) => oc.doNothing())
            .execute();
          break;
        case 'connection':
          await db
            .insertInto('auth_group_connection_grants')
            .values({ group_id: groupId, connection_name: grant.name, access: grant.access })
            .onConflict((oc) =>
              oc.columns(['group_id', 'connection_name']).doUpdateSet({ access: grant.access }),
            )
            .execute();
          break;
        case 'admin':
          await db
            .insertInto('auth_group_admin_grants')
            .values({ group_id: groupId, permission: grant.permission })
            .onConflict((oc) => oc.doNothing())
            .execute();
          break;
      }
      forgetAll(ctx);
    },

    async revokePrivilege(groupId, privilege) {
      let deleted: bigint;
      switch (privilege.type) {
        case 'mcp_item':
          ({ numDeletedRows: deleted } = await db
            .deleteFrom('auth_group_mcp_grants')
            .where('group_id', '=', groupId)
            .where('item_kind', '=', privilege.kind)
            .where('item_name', '=', privilege.name)
            .executeTakeFirst());
          break;
        case 'connection':
          ({ numDeletedRows: deleted } = await db
            .deleteFrom('auth_group_connection_grants')
            .where('group_id', '=', groupId)
            .where('connection_name', '=', privilege.name)
            .executeTakeFirst());
          break;
        case 'admin':
          ({ numDeletedRows: deleted } = await db
            .deleteFrom('auth_group_admin_grants')
            .where('group_id', '=', groupId)
            .where('permission', '=', privilege.permission)
            .executeTakeFirst());
          break;
      }
      forgetAll(ctx);
      return deleted > 0n;
    },

    async listGroupPrivileges(groupId) {
      await requireGroup(db, groupId);
      const grants = await grantsOf(db, [groupId]);
      return {
        mcpItems: grants.items.map((g) => ({ kind: g.item_kind as McpItemKind, name: g.item_name })),
        connections: grants.connections.map((g) => ({
          name: g.connection_name,
          access: g.access as ConnectionAccess,
        })),
        admin: grants.admin.map((g) => g.permission as AdminPermission),
      };
    },

    async registerMcpItems(items) {
      const now = toDbTime(settings.now());
      for (const item of items) {
        const ref = checkItemRef(item);
        const description = checkText('description', item.description, 2000);
        await db
          .insertInto('auth_mcp_items')
          .values({ ...ref, public: 0, description, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['kind', 'name']).doUpdateSet({ description, updated_at: now }))
          .execute();
      }
    },

    async setMcpItemPublic(item, isPublic) {
      const ref = checkItemRef(item);
      await ensureItem(db, ref, settings.now());
      await db
        .updateTable('auth_mcp_items')
        .set({ public: toDbBool(isPublic), updated_at: toDbTime(settings.now()) })
        .where('kind', '=', ref.kind)
        .where('name', '=', ref.name)
        .execute();
      forgetAll(ctx);
      const row = await db
        .selectFrom('auth_mcp_items')
        .selectAll()
        .where('kind', '=', ref.kind)
        .where('name', '=', ref.name)
        .executeTakeFirstOrThrow();
      return toMcpItem(row);
    },

    async listMcpItems() {
      const rows = await db
        .selectFrom('auth_mcp_items')
        .selectAll()
        .orderBy('kind')
        .orderBy('name')
        .execute();
      return rows.map(toMcpItem);
    },

    async accessForUser(userId) {
      return loadAccess(db, await requireUserRow(db, userId), undefined);
    },

    async accessOfGroup(groupId) {
      await requireGroup(db, groupId);
      return accessOfGroups(db, [groupId], { superuser: false, scope: undefined });
    },

    async accessForApiToken(tokenId) {
      const row = await db
        .selectFrom('auth_api_tokens')
        .selectAll()
        .where('id', '=', tokenId)
        .executeTakeFirst();
      if (!row) throw new AuthStoreError('NOT_FOUND', `No API token with id '${tokenId}'.`);
      const token = toApiToken(row);
      return loadAccess(db, await requireUserRow(db, token.userId), token.scope);
    },
  };
}

/** Registers an MCP item unless it is known, so a grant can name it. */
async function ensureItem(db: Db, ref: McpItemRef, now: Date): Promise<void> {
  const at = toDbTime(now);
  await db
    .insertInto('auth_mcp_items')
    .values({ kind: ref.kind, name: ref.name, public: 0, description: null, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['kind', 'name']).doNothing())
    .execute();
}
