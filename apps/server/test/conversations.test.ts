import { ConversationListSchema, ConversationSchema } from '@pgmcp/api-contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { type RestClient, restClient } from './rest-helpers.js';

// Stored conversations through HTTP on the real server (auth on), with two users who must never
// see each other's conversations.

const ADMIN_PASSWORD = 'admin password for tests';
let server: RunningServer;
let api: RestClient;
let adminToken: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATABASE_URL: NO_DATABASE_URL },
    { yaml: 'auth:\n  bcrypt_cost: 4\nconversations:\n  max_messages: 50\n  max_bytes: 20000\n' },
  );
  api = restClient(server);
  adminToken = await api.login('admin', ADMIN_PASSWORD);
  alice = (await api.createUser(adminToken, 'alice')).token;
  bob = (await api.createUser(adminToken, 'bob')).token;
});
afterAll(async () => {
  await server?.close();
});

const chat = [
  { role: 'user', content: 'Which   customers ordered\nthe most last month?' },
  { role: 'assistant', content: 'Let me check the orders table.' },
];

async function create(token: string, body: Record<string, unknown>) {
  const response = await api.call('POST', '/api/v1/conversations', { token, body });
  expect(response.status, response.text).toBe(201);
  return ConversationSchema.parse(response.body);
}

function errorOf(response: { body: Record<string, unknown> }) {
  return response.body.error as { code: string; message: string };
}

it('refuses callers who are not logged in', async () => {
  for (const [method, route] of [
    ['GET', '/api/v1/conversations'],
    ['POST', '/api/v1/conversations'],
    ['DELETE', '/api/v1/conversations'],
    ['GET', '/api/v1/conversations/x'],
    ['PUT', '/api/v1/conversations/x'],
    ['PATCH', '/api/v1/conversations/x'],
    ['DELETE', '/api/v1/conversations/x'],
  ] as const) {
    expect((await api.call(method, route)).status, `${method} ${route}`).toBe(401);
  }
});

describe('one user', () => {
  it('creates, reads, replaces, renames and deletes a conversation', async () => {
    const created = await create(alice, {
      messages: chat,
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      connection: 'main',
    });
    // The title comes from the first line of the first user message, whitespace collapsed.
    expect(created).toMatchObject({
      title: 'Which customers ordered',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      connection: 'main',
      messages: chat,
    });

    const read = await api.call('GET', `/api/v1/conversations/${created.id}`, { token: alice });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);

    const longer = [...chat, { role: 'user', content: 'Only those from Berlin, please.' }];
    const replaced = await api.call('PUT', `/api/v1/conversations/${created.id}`, {
      token: alice,
      body: { messages: longer, provider: 'openai' },
    });
    expect(replaced.status, replaced.text).toBe(200);
    // PUT keeps the title when none is given and clears what it leaves out.
    expect(replaced.body).toMatchObject({
      id: created.id,
      title: created.title,
      provider: 'openai',
      model: null,
      connection: null,
      messages: longer,
      created_at: created.created_at,
    });

    const renamed = await api.call('PATCH', `/api/v1/conversations/${created.id}`, {
      token: alice,
      body: { title: '  Top customers, Berlin  ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ title: 'Top customers, Berlin', messages: longer });

    const deleted = await api.call('DELETE', `/api/v1/conversations/${created.id}`, { token: alice });
    expect(deleted.status).toBe(204);
    const gone = await api.call('GET', `/api/v1/conversations/${created.id}`, { token: alice });
    expect(gone.status).toBe(404);
    expect(errorOf(gone).code).toBe('NOT_FOUND');
    expect((await api.call('DELETE', `/api/v1/conversations/${created.id}`, { token: alice })).status).toBe(
      404,
    );
  });

  it('keeps what a tool card showed (a tool result display) through HTTP, unchanged', async () => {
    const display = {
      structured: { columns: [{ name: 'total', type: 'numeric' }], rows: [[166]], row_count: 1 },
      duration_ms: 37,
    };
    const messages = [
      { role: 'user', content: 'Total?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'query_database', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't1', content: 'total\n166.00', display }],
      },
    ];
    const created = await create(alice, { messages });
    const read = await api.call('GET', `/api/v1/conversations/${created.id}`, { token: alice });
    expect(ConversationSchema.parse(read.body).messages).toEqual(messages);
  });

  it('lists newest first with previews, page by page', async () => {
    const { token: carol } = await api.createUser(adminToken, 'carol');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create(carol, { messages: [{ role: 'user', content: `Question number ${i}` }] })).id);
    }
    // Touching the oldest one moves it to the front.
    await api.call('PATCH', `/api/v1/conversations/${ids[0]}`, { token: carol, body: { title: 'Renamed' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await api.call('GET', `/api/v1/conversations${query}`, { token: carol });
      expect(response.status, response.text).toBe(200);
      const page = ConversationListSchema.parse(response.body);
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);

    const first = ConversationListSchema.parse(
      (await api.call('GET', '/api/v1/conversations?limit=1', { token: carol })).body,
    ).conversations[0]!;
    expect(first).toMatchObject({ title: 'Renamed', preview: 'Question number 0', message_count: 1 });
    expect(first).not.toHaveProperty('messages');
  });

  it('refuses bad paging with 400 naming the parameter', async () => {
    const zero = await api.call('GET', '/api/v1/conversations?limit=0', { token: alice });
    expect(zero.status).toBe(400);
    expect(errorOf(zero).message).toMatch(/limit/);
    const cursor = await api.call('GET', '/api/v1/conversations?cursor=not-a-cursor', { token: alice });
    expect(cursor.status).toBe(400);
    expect(errorOf(cursor).message).toMatch(/cursor/);
  });

  it('refuses malformed conversations naming the field', async () => {
    const role = await api.call('POST', '/api/v1/conversations', {
      token: alice,
      body: { messages: [{ role: 'system', content: 'x' }] },
    });
    expect(role.status).toBe(400);
    expect(errorOf(role).message).toMatch(/messages\.0\.role/);
    const title = await api.call('POST', '/api/v1/conversations', {
      token: alice,
      body: { title: 'x'.repeat(201), messages: chat },
    });
    expect(title.status).toBe(400);
    expect(errorOf(title).message).toMatch(/title/);
    const blank = await api.call('PATCH', '/api/v1/conversations/whatever', {
      token: alice,
      body: { title: '   ' },
    });
    expect(blank.status).toBe(400);
    expect(errorOf(blank).message).toMatch(/title/);
    const missing = await api.call('POST', '/api/v1/conversations', {
      token: alice,
      body: { title: 'No messages' },
    });
    expect(missing.status).toBe(400);
    expect(errorOf(missing).message).toMatch(/messages/);
  });

  it('refuses conversations over the configured size limits with 413 and a clear message', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `m${i}`,
    }));
    const tooMany = await api.call('POST', '/api/v1/conversations', {
      token: alice,
      body: { messages: many },
    });
    expect(tooMany.status).toBe(413);
    expect(errorOf(tooMany)).toMatchObject({ code: 'TOO_LARGE' });
    expect(errorOf(tooMany).message).toMatch(/51 messages.*50/);

    const big = await create(alice, { messages: chat });
    const tooBig = await api.call('PUT', `/api/v1/conversations/${big.id}`, {
      token: alice,
      body: { messages: [{ role: 'user', content: 'x'.repeat(25_000) }] },
    });
    expect(tooBig.status).toBe(413);
    expect(errorOf(tooBig).message).toMatch(/take 24\.\d KiB; the limit is 19\.5 KiB/);
    // The refused replacement changed nothing.
    expect((await api.call('GET', `/api/v1/conversations/${big.id}`, { token: alice })).body).toEqual(big);
  });
});

describe('two users', () => {
  it("answers 404, not 403, for another user's conversation and never changes it", async () => {
    const mine = await create(alice, { title: 'Alice only', messages: chat });
    const missing = await api.call('GET', '/api/v1/conversations/does-not-exist', { token: bob });
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { messages: [{ role: 'user', content: 'overwritten' }] }],
      ['PATCH', { title: 'Bob was here' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await api.call(method, `/api/v1/conversations/${mine.id}`, {
        token: bob,
        ...(body ? { body } : {}),
      });
      expect(response.status, method).toBe(404);
      // The same answer as for an id that does not exist: ids leak nothing.
      expect(errorOf(response).message.replace(mine.id, 'ID')).toBe(
        errorOf(missing).message.replace('does-not-exist', 'ID'),
      );
    }
    expect((await api.call('GET', `/api/v1/conversations/${mine.id}`, { token: alice })).body).toEqual(mine);

    const bobs = ConversationListSchema.parse(
      (await api.call('GET', '/api/v1/conversations', { token: bob })).body,
    );
    expect(bobs.conversations).toEqual([]);
  });

  it("deletes only the caller's conversations", async () => {
    await create(bob, { messages: [{ role: 'user', content: 'Bob asks' }] });
    await create(bob, { messages: [{ role: 'user', content: 'Bob asks again' }] });
    const aliceBefore = ConversationListSchema.parse(
      (await api.call('GET', '/api/v1/conversations?limit=200', { token: alice })).body,
    ).conversations.length;
    const deleted = await api.call('DELETE', '/api/v1/conversations', { token: bob });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: 2 });
    expect(
      ConversationListSchema.parse((await api.call('GET', '/api/v1/conversations', { token: bob })).body)
        .conversations,
    ).toEqual([]);
    const aliceAfter = ConversationListSchema.parse(
      (await api.call('GET', '/api/v1/conversations?limit=200', { token: alice })).body,
    ).conversations.length;
    expect(aliceAfter).toBe(aliceBefore);
    expect(aliceAfter).toBeGreaterThan(0);
  });
});

describe('with authentication off', () => {
  let local: RunningServer;
  beforeAll(async () => {
    local = await startTestServer({ PGMCP_DATABASE_URL: NO_DATABASE_URL });
  });
  afterAll(async () => {
    await local?.close();
  });

  it('keeps conversations for the local user without a login', async () => {
    const client = restClient(local);
    const created = await client.call('POST', '/api/v1/conversations', { body: { messages: chat } });
    expect(created.status, created.text).toBe(201);
    const list = ConversationListSchema.parse((await client.call('GET', '/api/v1/conversations')).body);
    expect(list.conversations.map((c) => c.id)).toEqual([created.body.id]);
  });
});

it('describes the conversation routes in the OpenAPI document', async () => {
  const paths = (await api.call('GET', '/api/v1/openapi.json')).body.paths as Record<string, object>;
  expect(Object.keys(paths['/api/v1/conversations']!).sort()).toEqual(['delete', 'get', 'post']);
  expect(Object.keys(paths['/api/v1/conversations/{id}']!).sort()).toEqual(['delete', 'get', 'patch', 'put']);
});

it('deletes a user\u2019s conversations when an administrator deletes the user', async () => {
  const carol = await api.createUser(adminToken, 'departing');
  const carolId = carol.id;
  await create(carol.token, { messages: chat });
  expect((await server.conversations.list(carolId)).conversations).toHaveLength(1);
  expect((await api.call('DELETE', `/api/v1/users/${carolId}`, { token: adminToken })).status).toBe(204);
  expect((await server.conversations.list(carolId)).conversations).toEqual([]);
});
