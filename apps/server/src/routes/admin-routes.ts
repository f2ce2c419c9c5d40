import {
  CreateGroupRequestSchema,
  CreateUserRequestSchema,
  GroupMemberRequestSchema,
  McpItemKindSchema,
  PrivilegeChangeSchema,
  SetItemPublicSchema,
  SetPasswordRequestSchema,
  UpdateGroupRequestSchema,
  UpdateUserRequestSchema,
} from '@pgmcp/api-contract';
import type { AuthStore, Group } from '@pgmcp/auth-store';
import { type Context, Hono } from 'hono';
import { type AuthVariables, requireCaller } from '../auth/caller.js';
import type { ServerDeps } from '../deps.js';
import { errorResponse } from '../http-edge.js';
import { jsonBody, storeError } from '../rest.js';
import { toApiGroup, toApiUser } from './serialize.js';

async function groupDetail(auth: AuthStore, group: Group) {
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
}

/** `/api/v1/users`, `/api/v1/groups`, `/api/v1/privileges`: administration, each behind its admin permission. */
export function adminRoutes(deps: ServerDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const { auth } = deps;
  const users = requireCaller(deps.resolveCaller, 'manage_users');
  const groups = requireCaller(deps.resolveCaller, 'manage_groups');
  const permissions = requireCaller(deps.resolveCaller, 'manage_permissions');

  /** Runs a store call, answering its errors with their HTTP status. */
  const attempt = async (c: Context, work: () => Promise<Response>) => {
    try {
      return await work();
    } catch (error) {
      return storeError(c, error);
    }
  };

  app.get('/api/v1/users', users, async (c) => c.json({ users: (await auth.listUsers()).map(toApiUser) }));

  app.post('/api/v1/users', users, jsonBody(CreateUserRequestSchema), (c) =>
    attempt(c, async () => {
      const body = c.req.valid('json');
      const user = await auth.createUser({
        username: body.username,
        ...(body.password !== undefined ? { password: body.password } : {}),
        ...(body.display_name !== undefined ? { displayName: body.display_name } : {}),
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.superuser !== undefined ? { superuser: body.superuser } : {}),
        ...(body.service_account !== undefined ? { serviceAccount: body.service_account } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      });
      deps.logger.info({ admin: c.var.caller.user.username, user: user.username }, 'user created');
      return c.json(toApiUser(user), 201);
    }),
  );

  app.get('/api/v1/users/:id', users, (c) =>
    attempt(c, async () => c.json(toApiUser(await auth.getUser(c.req.param('id'))))),
  );

  app.patch('/api/v1/users/:id', users, jsonBody(UpdateUserRequestSchema), (c) =>
    attempt(c, async () => {
      const body = c.req.valid('json');
      const user = await auth.updateUser(c.req.param('id'), {
        ...(body.username !== undefined ? { username: body.username } : {}),
        ...(body.display_name !== undefined ? { displayName: body.display_name ?? undefined } : {}),
        ...(body.email !== undefined ? { email: body.email ?? undefined } : {}),
        ...(body.superuser !== undefined ? { superuser: body.superuser } : {}),
        ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      });
      return c.json(toApiUser(user));
    }),
  );

  app.delete('/api/v1/users/:id', users, (c) =>
    attempt(c, async () => {
      const id = c.req.param('id');
      if (id === c.var.caller.user.id) {
        return errorResponse(c, 'CONFLICT', 'You cannot delete your own account while logged in with it.');
      }
      await auth.deleteUser(id);
      // Conversations live in their own store, without a foreign key to users.
      await deps.conversations.deleteAll(id);
      return c.body(null, 204);
    }),
  );

  app.post('/api/v1/users/:id/password', users, jsonBody(SetPasswordRequestSchema), (c) =>
    attempt(c, async () => {
      await auth.setPassword(c.req.param('id'), c.req.valid('json').password);
      return c.body(null, 204);
    }),
  );

  app.post('/api/v1/users/:id/unlock', users, (c) =>
    attempt(c, async () => {
      await auth.unlockUser(c.req.param('id'));
      return c.body(null, 204);
    }),
  );

  app.get('/api/v1/groups', groups, async (c) =>
    c.json({ groups: (await auth.listGroups()).map(toApiGroup) }),
  );

  app.post('/api/v1/groups', groups, jsonBody(CreateGroupRequestSchema), (c) =>
    attempt(c, async () => {
      const body = c.req.valid('json');
      const group = await auth.createGroup({
        name: body.name,
        ...(body.description ? { description: body.description } : {}),
      });
      return c.json(await groupDetail(auth, group), 201);
    }),
  );

  app.get('/api/v1/groups/:id', groups, (c) =>
    attempt(c, async () => c.json(await groupDetail(auth, await auth.getGroup(c.req.param('id'))))),
  );

  app.patch('/api/v1/groups/:id', groups, jsonBody(UpdateGroupRequestSchema), (c) =>
    attempt(c, async () => {
      const body = c.req.valid('json');
      const group = await auth.updateGroup(c.req.param('id'), {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description ?? undefined } : {}),
      });
      return c.json(await groupDetail(auth, group));
    }),
  );

  app.delete('/api/v1/groups/:id', groups, (c) =>
    attempt(c, async () => {
      await auth.deleteGroup(c.req.param('id'));
      return c.body(null, 204);
    }),
  );

  const memberOf = async (body: { username: string } | { group: string }) =>
    'username' in body
      ? { userId: (await auth.getUserByUsername(body.username)).id }
      : { groupId: (await auth.getGroupByName(body.group)).id };

  app.post('/api/v1/groups/:id/members', groups, jsonBody(GroupMemberRequestSchema), (c) =>
    attempt(c, async () => {
      const group = await auth.getGroup(c.req.param('id'));
      await auth.addGroupMember(group.id, await memberOf(c.req.valid('json')));
      return c.json(await groupDetail(auth, group));
    }),
  );

  app.delete('/api/v1/groups/:id/members', groups, jsonBody(GroupMemberRequestSchema), (c) =>
    attempt(c, async () => {
      const group = await auth.getGroup(c.req.param('id'));
      await auth.removeGroupMember(group.id, await memberOf(c.req.valid('json')));
      return c.json(await groupDetail(auth, group));
    }),
  );

  app.get('/api/v1/privileges/items', permissions, async (c) =>
    c.json({
      items: (await auth.listMcpItems()).map((item) => ({
        kind: item.kind,
        name: item.name,
        public: item.public,
        description: item.description ?? null,
      })),
    }),
  );

  app.put('/api/v1/privileges/items/:kind/:name', permissions, jsonBody(SetItemPublicSchema), (c) =>
    attempt(c, async () => {
      const kind = McpItemKindSchema.safeParse(c.req.param('kind'));
      if (!kind.success) return errorResponse(c, 'BAD_REQUEST', 'kind must be tool, resource or prompt.');
      await auth.setMcpItemPublic(
        { kind: kind.data, name: decodeURIComponent(c.req.param('name')) },
        c.req.valid('json').public,
      );
      return c.body(null, 204);
    }),
  );

  app.post('/api/v1/privileges', permissions, jsonBody(PrivilegeChangeSchema), (c) =>
    attempt(c, async () => {
      const { group: name, privilege } = c.req.valid('json');
      const group = await auth.getGroupByName(name);
      await auth.grantPrivilege(group.id, privilege);
      return c.json(await groupDetail(auth, group));
    }),
  );

  app.delete('/api/v1/privileges', permissions, jsonBody(PrivilegeChangeSchema), (c) =>
    attempt(c, async () => {
      const { group: name, privilege } = c.req.valid('json');
      const group = await auth.getGroupByName(name);
      await auth.revokePrivilege(group.id, privilege);
      return c.json(await groupDetail(auth, group));
    }),
  );

  return app;
}
