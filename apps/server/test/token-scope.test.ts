import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { ADMIN_PASSWORD, type RestClient, startAccountsServer } from './rest-helpers.js';

// Security issue 11 §3: a scoped API token was not scoped on REST. It minted wider tokens, revoked
// its owner's other tokens, read and deleted conversations, used the LLM proxy and changed the
// owner's password. REST routes now carry the part of the API a scoped token must name.

let server: RunningServer;
let api: RestClient;
let session: string;

async function createToken(token: string, body: Record<string, unknown>) {
  return api.call('POST', '/api/v1/tokens', { token, body });
}

beforeAll(async () => {
  ({ server, api, adminToken: session } = await startAccountsServer());
});
afterAll(async () => {
  await server?.close();
});

describe('a token scoped to one tool on one connection (no REST parts)', () => {
  let scoped: string;
  let otherId: string;
  beforeAll(async () => {
    const created = await createToken(session, {
      scope: {
        mcp_items: [{ kind: 'tool', name: 'query_database' }],
        connections: [{ name: 'default', access: 'read' }],
      },
    });
    expect(created.status, created.text).toBe(201);
    scoped = created.body.token as string;
    otherId = ((await createToken(session, { note: 'another' })).body.api_token as { id: string }).id;
  });

  it.each([
    ['POST', '/api/v1/tokens', { note: 'wider' }, 'tokens'],
    ['GET', '/api/v1/tokens', undefined, 'tokens'],
    ['GET', '/api/v1/conversations', undefined, 'conversations'],
    ['DELETE', '/api/v1/conversations', undefined, 'conversations'],
    ['POST', '/api/v1/llm/chat', { messages: [{ role: 'user', content: 'hi' }] }, 'llm'],
    ['POST', '/api/v1/chat/compact', { messages: [{ role: 'user', content: 'hi' }] }, 'llm'],
    ['GET', '/api/v1/users', undefined, 'manage_users'],
  ] as const)('%s %s is refused (its scope does not name "%s")', async (method, path, body, part) => {
    const answer = await api.call(method, path, { token: scoped, ...(body ? { body } : {}) });
    expect(answer.status, answer.text).toBe(403);
    expect((answer.body.error as { message: string }).message).toContain(part);
  });

  it('cannot revoke its owner’s other tokens or change the owner’s password', async () => {
    expect((await api.call('DELETE', `/api/v1/tokens/${otherId}`, { token: scoped })).status).toBe(403);
    const change = await api.call('POST', '/api/v1/auth/password', {
      token: scoped,
      body: { current_password: ADMIN_PASSWORD, new_password: 'taken over completely 42' },
    });
    expect(change.status).toBe(403);
    expect(await api.login('admin', ADMIN_PASSWORD)).toBeTruthy();
  });

  it('still answers who it is (GET /auth/me needs no part)', async () => {
    const me = await api.call('GET', '/api/v1/auth/me', { token: scoped });
    expect(me.status).toBe(200);
    // An admin's scoped token carries none of the admin's permissions it does not name.
    expect(me.body.access).toMatchObject({ superuser: false, admin: [] });
  });
});

describe('a scoped token that may manage tokens', () => {
  let parent: string;
  const parentExpiry = new Date(Date.now() + 7 * 86_400_000);
  beforeAll(async () => {
    const created = await createToken(session, {
      expires_at: parentExpiry.toISOString(),
      scope: { mcp_items: [{ kind: 'tool', name: 'query_database' }], api: ['tokens'] },
    });
    expect(created.status, created.text).toBe(201);
    parent = created.body.token as string;
  });

  it('creates tokens no wider and no longer-lived than itself', async () => {
    const child = await createToken(parent, { note: 'child' });
    expect(child.status, child.text).toBe(201);
    expect(child.body.api_token).toMatchObject({
      scope: { mcp_items: [{ kind: 'tool', name: 'query_database' }], admin: [], api: ['tokens'] },
      expires_at: parentExpiry.toISOString(),
    });
    const me = await api.call('GET', '/api/v1/auth/me', { token: child.body.token as string });
    expect(me.body.access).toMatchObject({ superuser: false, tools: ['query_database'], admin: [] });
  });

  it.each([
    [{ scope: { admin: ['manage_users'] } }, 'manage_users'],
    [{ scope: { mcp_items: [{ kind: 'tool', name: 'get_schema_info' }] } }, 'tool:get_schema_info'],
    [{ scope: { api: ['conversations'] } }, 'conversations'],
    [{ expires_in_days: 30 }, 'cannot outlive it'],
  ])('refuses %j', async (body, named) => {
    const refused = await createToken(parent, body);
    expect(refused.status, refused.text).toBe(403);
    expect((refused.body.error as { message: string }).message).toContain(named);
  });
});

describe('changing a password', () => {
  it('needs a login session, not an API token, and ends the user’s other sessions', async () => {
    const { token: unscoped } = (await createToken(session, { note: 'unscoped' })).body as { token: string };
    const user = await api.createUser(session, 'pat');
    const patToken = (await createToken(user.token, { note: 'pat' })).body.token as string;
    const byToken = await api.call('POST', '/api/v1/auth/password', {
      token: patToken,
      body: { current_password: 'pat has a long password', new_password: 'pat picked a new passphrase 7' },
    });
    expect(byToken.status).toBe(403);
    expect((byToken.body.error as { message: string }).message).toContain('login session');
    expect((await api.call('GET', '/api/v1/auth/me', { token: unscoped })).status).toBe(200);

    const other = await api.login('pat', 'pat has a long password');
    const changed = await api.call('POST', '/api/v1/auth/password', {
      token: user.token,
      body: { current_password: 'pat has a long password', new_password: 'pat picked a new passphrase 7' },
    });
    expect(changed.status, changed.text).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', { token: other })).status).toBe(401);
    expect((await api.call('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(200);
  });
});
