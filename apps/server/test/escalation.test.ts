import { ADMIN_PERMISSIONS } from '@pgmcp/auth-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { ADMIN_PASSWORD, type RestClient, type RestResponse, startAccountsServer } from './rest-helpers.js';

// Security issue 11 §4: every delegated admin permission led to superuser. Each holder of one
// permission now tries every escalation path; each must be refused and change nothing.

let server: RunningServer;
let api: RestClient;
let adminToken: string;
let adminId: string;
let adminApiTokenId: string;
let adminApiToken: string;
let everything: { id: string; name: string };
const holders = new Map<string, { id: string; username: string; token: string; group: string }>();

async function ok(response: Promise<RestResponse>, status = 200): Promise<RestResponse> {
  const answer = await response;
  expect(answer.status, answer.text).toBe(status);
  return answer;
}

beforeAll(async () => {
  ({ server, api, adminToken } = await startAccountsServer());
  adminId = (
    (await ok(api.call('GET', '/api/v1/auth/me', { token: adminToken }))).body.user as { id: string }
  ).id;
  const created = await ok(
    api.call('POST', '/api/v1/tokens', { token: adminToken, body: { note: 'root' } }),
    201,
  );
  adminApiToken = created.body.token as string;
  adminApiTokenId = (created.body.api_token as { id: string }).id;
  // A group that holds every admin permission: joining it would make anyone an administrator of everything.
  const group = await ok(
    api.call('POST', '/api/v1/groups', { token: adminToken, body: { name: 'everything' } }),
    201,
  );
  everything = { id: group.body.id as string, name: 'everything' };
  for (const permission of ADMIN_PERMISSIONS) {
    await ok(
      api.call('POST', '/api/v1/privileges', {
        token: adminToken,
        body: { group: 'everything', privilege: { type: 'admin', permission } },
      }),
    );
  }
  for (const permission of ADMIN_PERMISSIONS) {
    const name = `holds_${permission}`;
    await ok(api.call('POST', '/api/v1/groups', { token: adminToken, body: { name } }), 201);
    await ok(
      api.call('POST', '/api/v1/privileges', {
        token: adminToken,
        body: { group: name, privilege: { type: 'admin', permission } },
      }),
    );
    const user = await api.createUser(adminToken, `u_${permission}`);
    const groupId = (
      (await ok(api.call('GET', '/api/v1/groups', { token: adminToken }))).body.groups as {
        id: string;
        name: string;
      }[]
    ).find((g) => g.name === name)!.id;
    await ok(
      api.call('POST', `/api/v1/groups/${groupId}/members`, {
        token: adminToken,
        body: { username: `u_${permission}` },
      }),
    );
    holders.set(permission, { id: user.id, username: `u_${permission}`, token: user.token, group: name });
  }
});
afterAll(async () => {
  await server?.close();
});

/** Every way a delegated administrator could try to gain more than they hold. */
const PATHS: Record<
  string,
  (holder: { id: string; username: string; token: string; group: string }) => Promise<RestResponse>
> = {
  'makes itself superuser': (h) =>
    api.call('PATCH', `/api/v1/users/${h.id}`, { token: h.token, body: { superuser: true } }),
  'creates a superuser': (h) =>
    api.call('POST', '/api/v1/users', {
      token: h.token,
      body: { username: `sneaky_${h.username}`, password: 'a sneaky long password 9', superuser: true },
    }),
  "resets a superuser's password": (h) =>
    api.call('POST', `/api/v1/users/${adminId}/password`, {
      token: h.token,
      body: { password: 'taken over by someone 7' },
    }),
  'disables a superuser': (h) =>
    api.call('PATCH', `/api/v1/users/${adminId}`, { token: h.token, body: { enabled: false } }),
  'joins a group with every admin permission': (h) =>
    api.call('POST', `/api/v1/groups/${everything.id}/members`, {
      token: h.token,
      body: { username: h.username },
    }),
  'grants its group an admin permission it lacks': (h) =>
    api.call('POST', '/api/v1/privileges', {
      token: h.token,
      body: {
        group: h.group,
        privilege: {
          type: 'admin',
          permission: h.group === 'holds_manage_users' ? 'manage_groups' : 'manage_users',
        },
      },
    }),
  'grants its group a tool it cannot use': (h) =>
    api.call('POST', '/api/v1/privileges', {
      token: h.token,
      body: { group: h.group, privilege: { type: 'mcp_item', kind: 'tool', name: 'query_database' } },
    }),
  'makes a tool it cannot use public': (h) =>
    api.call('PUT', '/api/v1/privileges/items/tool/query_database', {
      token: h.token,
      body: { public: true },
    }),
  'creates a token for the superuser': (h) =>
    api.call('POST', '/api/v1/tokens', { token: h.token, body: { username: 'admin' } }),
  "revokes the superuser's token": (h) =>
    api.call('DELETE', `/api/v1/tokens/${adminApiTokenId}`, { token: h.token }),
};

describe.each([...ADMIN_PERMISSIONS])('a holder of %s alone', (permission) => {
  it.each(Object.keys(PATHS))('%s: refused', async (path) => {
    const holder = holders.get(permission)!;
    const answer = await PATHS[path]!(holder);
    // 403 names the missing right; a superuser's token is reported like a missing one (404).
    expect([403, 404], `${path}: ${answer.text}`).toContain(answer.status);
    expect(answer.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });
});

describe('after every attempt', () => {
  it('left the superuser, the holders and the grants as they were', async () => {
    // Runs after the matrix (vitest keeps file order).
    const users = (await ok(api.call('GET', '/api/v1/users', { token: adminToken }))).body.users as {
      username: string;
      superuser: boolean;
      enabled: boolean;
    }[];
    expect(users.filter((u) => u.superuser).map((u) => u.username)).toEqual(['admin']);
    expect(users.find((u) => u.username === 'admin')?.enabled).toBe(true);
    expect(users.some((u) => u.username.startsWith('sneaky_'))).toBe(false);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBeTruthy();
    expect((await api.call('GET', '/api/v1/auth/me', { token: adminApiToken })).status).toBe(200);
    const group = await ok(api.call('GET', `/api/v1/groups/${everything.id}`, { token: adminToken }));
    expect((group.body.members as { users: string[] }).users).toEqual([]);
    const items = (await ok(api.call('GET', '/api/v1/privileges/items', { token: adminToken }))).body
      .items as {
      name: string;
      public: boolean;
    }[];
    expect(items.find((i) => i.name === 'query_database')?.public).toBe(false);
  });

  it('hides superusers’ tokens from a manage_tokens holder listing everyone’s', async () => {
    const holder = holders.get('manage_tokens')!;
    const listed = await ok(api.call('GET', '/api/v1/tokens?all=true', { token: holder.token }));
    const owners = (listed.body.tokens as { username: string }[]).map((t) => t.username);
    expect(owners).not.toContain('admin');
  });
});

describe('delegated administration still works within one’s own rights', () => {
  it('manage_users creates and changes ordinary users', async () => {
    const { token } = holders.get('manage_users')!;
    const created = await ok(
      api.call('POST', '/api/v1/users', {
        token,
        body: { username: 'ordinary', password: 'an ordinary long password 5' },
      }),
      201,
    );
    await ok(
      api.call('PATCH', `/api/v1/users/${created.body.id as string}`, {
        token,
        body: { display_name: 'Ordinary' },
      }),
    );
  });

  it('manage_groups adds users to a group that gives nothing beyond its own rights', async () => {
    const { token, username } = holders.get('manage_groups')!;
    const group = await ok(api.call('POST', '/api/v1/groups', { token, body: { name: 'readers' } }), 201);
    await ok(
      api.call('POST', `/api/v1/groups/${group.body.id as string}/members`, { token, body: { username } }),
    );
  });

  it('manage_permissions grants what it holds', async () => {
    const { token, group } = holders.get('manage_permissions')!;
    await ok(
      api.call('POST', '/api/v1/privileges', {
        token,
        body: { group, privilege: { type: 'admin', permission: 'manage_permissions' } },
      }),
    );
  });

  it('manage_tokens creates a token for a user with no more rights than itself', async () => {
    const { token } = holders.get('manage_tokens')!;
    await api.createUser(adminToken, 'plain_user');
    await ok(
      api.call('POST', '/api/v1/tokens', { token, body: { username: 'plain_user', note: 'for plain' } }),
      201,
    );
  });

  it('manage_tokens cannot mint a token for someone who holds more than it does', async () => {
    const { token } = holders.get('manage_tokens')!;
    const refused = await api.call('POST', '/api/v1/tokens', { token, body: { username: 'u_manage_users' } });
    expect(refused.status, refused.text).toBe(403);
    expect((refused.body.error as { message: string }).message).toContain('manage_users');
    // The refused token does not linger.
    const tokens = (await ok(api.call('GET', '/api/v1/tokens?all=true', { token: adminToken }))).body
      .tokens as {
      username: string;
    }[];
    expect(tokens.filter((t) => t.username === 'u_manage_users')).toEqual([]);
  });
});
