import { QueryHistoryListSchema, SavedQueryListSchema, SavedQuerySchema } from '@pgmcp/api-contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { type RestClient, restClient } from './rest-helpers.js';

// The SQL console's history and saved queries through HTTP on the real server (auth on): history
// is private and capped, saved queries are shared read-only with a group.

const ADMIN_PASSWORD = 'admin password for tests';
let server: RunningServer;
let api: RestClient;
let admin: string;
let alice: string;
let bob: string;
let carol: string;

beforeAll(async () => {
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATABASE_URL: NO_DATABASE_URL },
    { yaml: 'auth:\n  bcrypt_cost: 4\nqueries:\n  history_per_user: 3\n' },
  );
  api = restClient(server);
  admin = await api.login('admin', ADMIN_PASSWORD);
  alice = (await api.createUser(admin, 'alice')).token;
  bob = (await api.createUser(admin, 'bob')).token;
  carol = (await api.createUser(admin, 'carol')).token;
  const group = await api.call('POST', '/api/v1/groups', { token: admin, body: { name: 'analysts' } });
  expect(group.status, group.text).toBe(201);
  for (const member of ['alice', 'bob']) {
    const added = await api.call('POST', `/api/v1/groups/${group.body.id as string}/members`, {
      token: admin,
      body: { username: member },
    });
    expect(added.status, added.text).toBeLessThan(300);
  }
  // Group membership is read when the credential is resolved: log in again to see it.
  alice = await api.login('alice', 'alice has a long password');
  bob = await api.login('bob', 'bob has a long password');
});
afterAll(async () => {
  await server?.close();
});

it('keeps each user their own capped history', async () => {
  for (let i = 1; i <= 4; i++) {
    const recorded = await api.call('POST', '/api/v1/queries/history', {
      token: alice,
      body: { sql: `SELECT ${i}`, connection: 'demo', outcome: 'ok', row_count: 1, duration_ms: 4.6 },
    });
    expect(recorded.status, recorded.text).toBe(201);
  }
  const list = QueryHistoryListSchema.parse(
    (await api.call('GET', '/api/v1/queries/history', { token: alice })).body,
  );
  expect(list.entries.map((e) => e.sql)).toEqual(['SELECT 4', 'SELECT 3', 'SELECT 2']);
  expect(list.entries[0]).toMatchObject({ connection: 'demo', row_count: 1, duration_ms: 5, outcome: 'ok' });
  const found = QueryHistoryListSchema.parse(
    (await api.call('GET', '/api/v1/queries/history?q=3', { token: alice })).body,
  );
  expect(found.entries.map((e) => e.sql)).toEqual(['SELECT 3']);
  expect(
    QueryHistoryListSchema.parse((await api.call('GET', '/api/v1/queries/history', { token: bob })).body)
      .entries,
  ).toEqual([]);
  const other = await api.call('DELETE', `/api/v1/queries/history/${list.entries[0]!.id}`, { token: bob });
  expect(other.status).toBe(404);
  const bad = await api.call('POST', '/api/v1/queries/history', { token: alice, body: { sql: 'SELECT 1' } });
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/outcome/);
});

it('shares a saved query read-only with a group: members see it, others do not, only the owner changes it', async () => {
  const created = await api.call('POST', '/api/v1/queries/saved', {
    token: alice,
    body: { name: 'Top customers', sql: 'SELECT name FROM customers', connection: 'demo', group: 'analysts' },
  });
  expect(created.status, created.text).toBe(201);
  const saved = SavedQuerySchema.parse(created.body);
  expect(saved).toMatchObject({ owner: 'alice', mine: true, group: { name: 'analysts' } });

  const seenByBob = SavedQueryListSchema.parse(
    (await api.call('GET', '/api/v1/queries/saved', { token: bob })).body,
  );
  expect(seenByBob.queries).toEqual([expect.objectContaining({ id: saved.id, mine: false, owner: 'alice' })]);
  expect(seenByBob.groups).toEqual(['analysts']);
  const seenByCarol = SavedQueryListSchema.parse(
    (await api.call('GET', '/api/v1/queries/saved', { token: carol })).body,
  );
  expect(seenByCarol.queries).toEqual([]);
  expect((await api.call('GET', `/api/v1/queries/saved/${saved.id}`, { token: carol })).status).toBe(404);

  const bobDeletes = await api.call('DELETE', `/api/v1/queries/saved/${saved.id}`, { token: bob });
  expect(bobDeletes.status).toBe(403);
  expect(bobDeletes.text).toMatch(/alice/);
  const bobEdits = await api.call('PUT', `/api/v1/queries/saved/${saved.id}`, {
    token: bob,
    body: { name: 'Mine', sql: 'SELECT 1' },
  });
  expect(bobEdits.status).toBe(403);

  const notMine = await api.call('POST', '/api/v1/queries/saved', {
    token: carol,
    body: { name: 'x', sql: 'SELECT 1', group: 'analysts' },
  });
  expect(notMine.status).toBe(400);
  expect((notMine.body.error as { message: string }).message).toMatch(
    /group "analysts" is not one of your groups/,
  );

  const again = await api.call('POST', '/api/v1/queries/saved', {
    token: alice,
    body: { name: 'Top customers', sql: 'SELECT 2' },
  });
  expect(again.status).toBe(409);
  expect((await api.call('DELETE', `/api/v1/queries/saved/${saved.id}`, { token: alice })).status).toBe(204);
  expect(
    SavedQueryListSchema.parse((await api.call('GET', '/api/v1/queries/saved', { token: bob })).body).queries,
  ).toEqual([]);
});
