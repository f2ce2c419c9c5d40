import type {
  AccessExplanation,
  ApiToken,
  Connection,
  CreateTokenRequest,
  Group,
  Privilege,
  User,
} from '@pgmcp/api-contract';
import { type FakeCall, type FakeHandlers, FakeRefusal } from './fake-server.js';

// The fake server's users, groups, privileges and API tokens: enough of the real rules (unique
// names, cycles refused, field-naming messages) for the admin screens' component tests.

interface FakeGroup extends Group {
  users: string[];
  groups: string[];
  privileges: Privilege[];
}

const stamp = '2026-01-02T03:04:05.000Z';

function newUser(id: string, username: string, extra: Partial<User> = {}): User {
  return {
    id,
    username,
    display_name: null,
    email: null,
    enabled: true,
    superuser: false,
    service_account: false,
    created_at: stamp,
    last_login_at: null,
    locked_until: null,
    ...extra,
  };
}

const samePrivilege = (a: Privilege, b: Privilege) => JSON.stringify(a) === JSON.stringify(b);

/** Route handlers for users, groups, privileges, tokens and one's own database login. */
export function fakeAccountHandlers(deps: {
  requireLogin: () => void;
  connections: Connection[];
}): FakeHandlers {
  let ids = 0;
  const users: User[] = [
    newUser('u1', 'admin', { superuser: true }),
    newUser('u2', 'bob', { locked_until: '2099-01-01T00:00:00.000Z' }),
  ];
  const groups: FakeGroup[] = [];
  const tokens: ApiToken[] = [];
  const myCredentials = new Map<string, string>();
  const items = [
    { kind: 'tool' as const, name: 'query_database', public: false, description: 'Run a read-only query' },
    { kind: 'tool' as const, name: 'get_schema_info', public: true, description: 'Describe the schema' },
  ];

  const handle =
    <T>(fn: (call: FakeCall) => T) =>
    (call: FakeCall) => {
      deps.requireLogin();
      return fn(call);
    };
  const user = (id: string) => {
    const found = users.find((u) => u.id === id);
    if (!found) throw new FakeRefusal(404, 'NOT_FOUND', `There is no user ${id}.`);
    return found;
  };
  const group = (key: string) => {
    const found = groups.find((g) => g.id === key || g.name === key);
    if (!found) throw new FakeRefusal(404, 'NOT_FOUND', `There is no group "${key}".`);
    return found;
  };
  const detail = (g: FakeGroup) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    created_at: g.created_at,
    members: { users: [...g.users], groups: [...g.groups] },
    privileges: {
      mcp_items: g.privileges.flatMap((p) => (p.type === 'mcp_item' ? [{ kind: p.kind, name: p.name }] : [])),
      connections: g.privileges.flatMap((p) =>
        p.type === 'connection' ? [{ name: p.name, access: p.access }] : [],
      ),
      admin: g.privileges.flatMap((p) => (p.type === 'admin' ? [p.permission] : [])),
    },
  });
  const summary = ({ id, name, description, created_at }: FakeGroup): Group => ({
    id,
    name,
    description,
    created_at,
  });
  /** Names of the groups `username` is in, directly or through nesting, with the path. */
  const groupsOf = (username: string) => {
    const found: { name: string; path: string[] }[] = [];
    const visit = (name: string, path: string[]) => {
      if (found.some((f) => f.name === name)) return;
      found.push({ name, path });
      for (const parent of groups.filter((g) => g.groups.includes(name)))
        visit(parent.name, [...path, parent.name]);
    };
    for (const g of groups.filter((g) => g.users.includes(username))) visit(g.name, [g.name]);
    return found;
  };
  const member = (body: unknown) => body as { username?: string; group?: string };

  return {
    listUsers: handle(() => ({ users })),
    createUser: handle(({ body }) => {
      const input = body as { username: string; password?: string };
      if (users.some((u) => u.username === input.username))
        throw new FakeRefusal(
          409,
          'ALREADY_EXISTS',
          `username: a user named "${input.username}" already exists.`,
        );
      if (input.password !== undefined && input.password.length < 12)
        throw new FakeRefusal(400, 'BAD_REQUEST', 'password: at least 12 characters.');
      const created = newUser(`u_${++ids}`, input.username);
      users.push(created);
      return created;
    }),
    updateUser: handle(({ params, body }) => Object.assign(user(params.id!), body as Partial<User>)),
    unlockUser: handle(({ params }) => {
      user(params.id!).locked_until = null;
    }),
    setUserPassword: handle(({ params, body }) => {
      user(params.id!);
      if ((body as { password: string }).password.length < 12)
        throw new FakeRefusal(400, 'BAD_REQUEST', 'password: at least 12 characters.');
    }),
    deleteUser: handle(({ params }) => {
      users.splice(users.indexOf(user(params.id!)), 1);
    }),
    listGroups: handle(() => ({ groups: groups.map(summary) })),
    getGroup: handle(({ params }) => detail(group(params.id!))),
    createGroup: handle(({ body }) => {
      const input = body as { name: string; description?: string };
      if (groups.some((g) => g.name === input.name))
        throw new FakeRefusal(409, 'ALREADY_EXISTS', `name: a group named "${input.name}" already exists.`);
      const created: FakeGroup = {
        id: `g_${++ids}`,
        name: input.name,
        description: input.description ?? null,
        created_at: stamp,
        users: [],
        groups: [],
        privileges: [],
      };
      groups.push(created);
      return detail(created);
    }),
    deleteGroup: handle(({ params }) => {
      const gone = group(params.id!);
      groups.splice(groups.indexOf(gone), 1);
      for (const g of groups) g.groups = g.groups.filter((n) => n !== gone.name);
    }),
    addGroupMember: handle(({ params, body }) => {
      const g = group(params.id!);
      const { username, group: inner } = member(body);
      if (username) {
        if (!users.some((u) => u.username === username))
          throw new FakeRefusal(404, 'NOT_FOUND', `username: there is no user "${username}".`);
        if (!g.users.includes(username)) g.users.push(username);
      } else if (inner) {
        const nested = group(inner);
        const above = (name: string): string[] =>
          groups.filter((p) => p.groups.includes(name)).flatMap((p) => [p.name, ...above(p.name)]);
        if (nested.name === g.name || above(g.name).includes(nested.name))
          throw new FakeRefusal(
            409,
            'CONFLICT',
            `group: adding "${inner}" to "${g.name}" would make a cycle.`,
          );
        if (!g.groups.includes(inner)) g.groups.push(inner);
      }
      return detail(g);
    }),
    removeGroupMember: handle(({ params, body }) => {
      const g = group(params.id!);
      const { username, group: inner } = member(body);
      g.users = g.users.filter((n) => n !== username);
      g.groups = g.groups.filter((n) => n !== inner);
      return detail(g);
    }),
    listMcpItems: handle(() => ({ items })),
    grantPrivilege: handle(({ body }) => {
      const { group: name, privilege } = body as { group: string; privilege: Privilege };
      const g = group(name);
      if (privilege.type === 'mcp_item' && !items.some((i) => i.name === privilege.name))
        throw new FakeRefusal(
          404,
          'NOT_FOUND',
          `There is no ${privilege.kind} "${privilege.name}" on this server.`,
        );
      g.privileges = g.privileges.filter(
        (p) => !(p.type === 'connection' && privilege.type === 'connection' && p.name === privilege.name),
      );
      if (!g.privileges.some((p) => samePrivilege(p, privilege))) g.privileges.push(privilege);
      return detail(g);
    }),
    revokePrivilege: handle(({ body }) => {
      const { group: name, privilege } = body as { group: string; privilege: Privilege };
      const g = group(name);
      g.privileges = g.privileges.filter((p) => !samePrivilege(p, privilege));
      return detail(g);
    }),
    explainAccess: handle(({ query }): AccessExplanation => {
      const target = users.find((u) => u.username === query.username);
      if (!target) throw new FakeRefusal(404, 'NOT_FOUND', `There is no user "${query.username}".`);
      const path = groupsOf(target.username);
      const grants = path.flatMap((p) =>
        group(p.name).privileges.map((privilege) => ({ group: p.name, privilege })),
      );
      return {
        username: target.username,
        enabled: target.enabled,
        superuser: target.superuser,
        bypass: target.superuser,
        groups: path,
        mcp_items: items.map((item) => {
          const by = grants.flatMap((g) =>
            g.privilege.type === 'mcp_item' && g.privilege.name === item.name ? [g.group] : [],
          );
          const allowed = item.public || by.length > 0;
          return {
            kind: item.kind,
            name: item.name,
            allowed,
            public: item.public,
            granted_by: by,
            reason: by.length ? `granted by ${by.join(', ')}` : item.public ? 'public' : 'not granted',
          };
        }),
        connections: grants.flatMap(({ group: g, privilege: p }) =>
          p.type === 'connection'
            ? [
                {
                  name: p.name,
                  access: p.access,
                  granted_by: [{ group: g, access: p.access }],
                  reason: `${p.access}: granted by ${g}`,
                },
              ]
            : [],
        ),
        other_connections: null,
        admin: [],
      };
    }),
    listTokens: handle(() => ({ tokens })),
    createToken: handle(({ body }) => {
      const input = body as CreateTokenRequest;
      const id = `tok_${++ids}`;
      const created: ApiToken = {
        id,
        user_id: 'u1',
        username: 'admin',
        note: input.note ?? null,
        prefix: `pgmcp_${id}`,
        scope: input.scope ?? null,
        created_at: stamp,
        expires_at: input.expires_in_days ? '2026-02-01T00:00:00.000Z' : null,
        last_used_at: null,
      };
      tokens.push(created);
      return { token: `pgmcp_secret_${id}`, api_token: created };
    }),
    revokeToken: handle(({ params }) => {
      const index = tokens.findIndex((t) => t.id === params.id);
      if (index < 0) throw new FakeRefusal(404, 'NOT_FOUND', `There is no token ${params.id}.`);
      tokens.splice(index, 1);
    }),
    setMyCredentials: handle(({ params, body }) => {
      const { username } = body as { username: string };
      if (!deps.connections.some((c) => c.id === params.id && c.credentials === 'per_user'))
        throw new FakeRefusal(409, 'CONFLICT', 'This connection uses one shared login.');
      myCredentials.set(params.id!, username);
      return { connection: params.id, username };
    }),
    deleteMyCredentials: handle(({ params }) => {
      myCredentials.delete(params.id!);
    }),
  };
}
