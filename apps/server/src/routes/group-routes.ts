import { McpItemKindSchema } from '@pgmcp/api-contract';
import { type AuthStore, explanationJson, type Group, type McpItemKind } from '@pgmcp/auth-store';
import { suggestion } from '@pgmcp/config';
import { createEscalationChecks } from '../auth/no-escalation.js';
import { RestError } from '../errors/rest-error.js';
import type { RouteHandlers } from './register-routes.js';
import { toApiGroup } from './serialize.js';

/** What the group and privilege administration routes need. */
export interface GroupRouteDeps {
  auth: AuthStore;
}

type GroupRoutes =
  | 'listGroups'
  | 'createGroup'
  | 'getGroup'
  | 'updateGroup'
  | 'deleteGroup'
  | 'addGroupMember'
  | 'removeGroupMember'
  | 'listMcpItems'
  | 'setMcpItemPublic'
  | 'explainAccess'
  | 'grantPrivilege'
  | 'revokePrivilege';

/** `/api/v1/groups*` (manage_groups) and `/api/v1/privileges*` (manage_permissions). */
export function groupRoutes(deps: GroupRouteDeps): RouteHandlers<GroupRoutes> {
  const { auth } = deps;
  const checks = createEscalationChecks(auth);

  const detail = async (group: Group) => {
    const [members, privileges] = await Promise.all([
      auth.listGroupMembers(group.id),
      auth.listGroupPrivileges(group.id),
    ]);
    return {
      ...toApiGroup(group),
      members: { users: members.users.map((u) => u.username), groups: members.groups.map((g) => g.name) },
      privileges: {
        mcp_items: privileges.mcpItems.map(({ kind, name }) => ({ kind, name })),
        connections: privileges.connections.map(({ name, access }) => ({ name, access })),
        admin: [...privileges.admin],
      },
    };
  };

  /** An MCP item this server has: privileges naming unknown ones (typos) are refused. */
  const knownItem = async (kind: McpItemKind, name: string) => {
    const items = (await auth.listMcpItems()).filter((item) => item.kind === kind);
    if (!items.some((item) => item.name === name)) {
      throw new RestError(
        'NOT_FOUND',
        `There is no ${kind} "${name}" on this server.${suggestion(
          name,
          items.map((item) => item.name),
        )} GET /api/v1/privileges/items lists them.`,
      );
    }
  };

  const memberOf = async (body: { username: string } | { group: string }) =>
    'username' in body
      ? { userId: (await auth.getUserByUsername(body.username)).id }
      : { groupId: (await auth.getGroupByName(body.group)).id };

  return {
    listGroups: async () => ({ groups: (await auth.listGroups()).map(toApiGroup) }),

    createGroup: async ({ body }) =>
      detail(
        await auth.createGroup({
          name: body.name,
          ...(body.description ? { description: body.description } : {}),
        }),
      ),

    getGroup: async ({ params }) => detail(await auth.getGroup(params.id)),

    updateGroup: async ({ params, body }) =>
      detail(
        await auth.updateGroup(params.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.description !== undefined ? { description: body.description ?? undefined } : {}),
        }),
      ),

    deleteGroup: async ({ params }) => {
      await auth.deleteGroup(params.id);
    },

    addGroupMember: async ({ caller, params, body }) => {
      const group = await auth.getGroup(params.id);
      await checks.groupMembership(caller, group.id, group.name);
      await auth.addGroupMember(group.id, await memberOf(body));
      return detail(group);
    },

    removeGroupMember: async ({ params, body }) => {
      const group = await auth.getGroup(params.id);
      await auth.removeGroupMember(group.id, await memberOf(body));
      return detail(group);
    },

    listMcpItems: async () => ({
      items: (await auth.listMcpItems()).map((item) => ({
        kind: item.kind,
        name: item.name,
        public: item.public,
        description: item.description ?? null,
      })),
    }),

    setMcpItemPublic: async ({ caller, params, body }) => {
      const kind = McpItemKindSchema.safeParse(params.kind);
      if (!kind.success) throw new RestError('BAD_REQUEST', 'kind must be tool, resource or prompt.');
      await knownItem(kind.data, params.name);
      // Making an item public grants it to everyone.
      if (body.public) checks.privilege(caller, { type: 'mcp_item', kind: kind.data, name: params.name });
      await auth.setMcpItemPublic({ kind: kind.data, name: decodeURIComponent(params.name) }, body.public);
    },

    explainAccess: async ({ query }) => {
      const user = await auth.getUserByUsername(query.username);
      const explanation = (await auth.accessForUser(user.id)).explain();
      return { username: user.username, enabled: user.enabled, ...explanationJson(explanation) };
    },

    grantPrivilege: async ({ caller, body }) => {
      if (body.privilege.type === 'mcp_item') await knownItem(body.privilege.kind, body.privilege.name);
      checks.privilege(caller, body.privilege);
      const group = await auth.getGroupByName(body.group);
      await auth.grantPrivilege(group.id, body.privilege);
      return detail(group);
    },

    revokePrivilege: async ({ body }) => {
      const group = await auth.getGroupByName(body.group);
      await auth.revokePrivilege(group.id, body.privilege);
      return detail(group);
    },
  };
}
