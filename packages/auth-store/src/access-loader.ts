import type { Kysely } from 'kysely';
import { Access } from './access.js';
import { groupsAbove, type GroupEdge } from './group-graph.js';
import { toMcpItem } from './rows.js';
import type { AuthTables, UsersTable } from './schema.js';
import type { AdminPermission, ConnectionAccess, McpItemKind, Privilege, TokenScope } from './types.js';

// Reading groups and grants and turning them into an Access.

type Db = Kysely<AuthTables>;

/** Every group-in-group membership. */
export async function groupEdges(db: Db): Promise<GroupEdge[]> {
  const rows = await db
    .selectFrom('auth_group_members')
    .select(['group_id', 'member_group_id'])
    .where('member_group_id', 'is not', null)
    .execute();
  return rows.map((row) => ({ parent: row.group_id, child: row.member_group_id ?? '' }));
}

/** Names of the given groups by id. */
export async function groupNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('auth_groups')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The grant rows of the given groups. */
export async function grantsOf(db: Db, groupIds: readonly string[]) {
  if (groupIds.length === 0) return { items: [], connections: [], admin: [] };
  const ids = [...groupIds];
  const [items, connections, admin] = await Promise.all([
    db
      .selectFrom('auth_group_mcp_grants')
      .selectAll()
      .where('group_id', 'in', ids)
      .orderBy('item_kind')
      .orderBy('item_name')
      .execute(),
    db
      .selectFrom('auth_group_connection_grants')
      .selectAll()
      .where('group_id', 'in', ids)
      .orderBy('connection_name')
      .execute(),
    db
      .selectFrom('auth_group_admin_grants')
      .selectAll()
      .where('group_id', 'in', ids)
      .orderBy('permission')
      .execute(),
  ]);
  return { items, connections, admin };
}

/** A user's access (groups transitively, their grants, the item registry), narrowed by a token scope. */
export async function loadAccess(db: Db, user: UsersTable, scope: TokenScope | undefined): Promise<Access> {
  const direct = await db
    .selectFrom('auth_group_members')
    .select('group_id')
    .where('member_user_id', '=', user.id)
    .execute();
  return accessOfGroups(
    db,
    direct.map((row) => row.group_id),
    { superuser: user.superuser === 1, scope },
  );
}

/**
 * The access of a member of `directGroupIds`: their grants and those of every group containing them,
 * transitively.
 */
export async function accessOfGroups(
  db: Db,
  directGroupIds: readonly string[],
  who: { superuser: boolean; scope: TokenScope | undefined },
): Promise<Access> {
  const paths =
    directGroupIds.length === 0
      ? new Map<string, string[]>()
      : groupsAbove(directGroupIds, await groupEdges(db));
  const [names, grants, items] = await Promise.all([
    groupNames(db, [...paths.keys()]),
    grantsOf(db, [...paths.keys()]),
    db.selectFrom('auth_mcp_items').selectAll().execute(),
  ]);
  const nameOf = (id: string) => names.get(id) ?? id;
  const privilegeGrants: { group: string; privilege: Privilege }[] = [
    ...grants.items.map((g) => ({
      group: nameOf(g.group_id),
      privilege: { type: 'mcp_item' as const, kind: g.item_kind as McpItemKind, name: g.item_name },
    })),
    ...grants.connections.map((g) => ({
      group: nameOf(g.group_id),
      privilege: {
        type: 'connection' as const,
        name: g.connection_name,
        access: g.access as ConnectionAccess,
      },
    })),
    ...grants.admin.map((g) => ({
      group: nameOf(g.group_id),
      privilege: { type: 'admin' as const, permission: g.permission as AdminPermission },
    })),
  ];
  return new Access({
    superuser: who.superuser,
    groups: [...paths].map(([id, path]) => ({ id, name: nameOf(id), path: path.map(nameOf) })),
    grants: privilegeGrants,
    items: items.map(toMcpItem),
    scope: who.scope,
  });
}
