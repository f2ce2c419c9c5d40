import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createKeyFile } from '@pgmcp/secrets';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { adminQuery, mcpClient, startTestServer, textOf } from '../helpers.js';
import { captureLogger, restClient, type RestClient } from '../rest-helpers.js';

const db = useTestDatabase('server-managed-connections');
const ADMIN_PASSWORD = 'managed connections admin';
const ROLE = `conn_app_${randomBytes(3).toString('hex')}`;
const SECRET = `Role-pw-${randomBytes(6).toString('hex')}`;
const NEXT_SECRET = `Role-pw-2-${randomBytes(6).toString('hex')}`;
const YAML = 'auth:\n  bcrypt_cost: 4\nconnection_store:\n  poll_interval_ms: 200\n';

let server: RunningServer;
let rest: RestClient;
let admin: string;
const logged = captureLogger();

const url = () => new URL(db.url);
const body = (more: Record<string, unknown> = {}) => ({
  name: 'sales',
  host: url().hostname,
  port: Number(url().port),
  database: db.name,
  username: ROLE,
  password: SECRET,
  ...more,
});
const backendsOf = async (user: string) =>
  (
    await adminQuery<{ pid: number }>(db.adminUrl, 'SELECT pid FROM pg_stat_activity WHERE usename = $1', [
      user,
    ])
  ).map((r) => r.pid);

beforeAll(async () => {
  await adminQuery(db.url, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRET}'`);
  await adminQuery(db.url, `GRANT CONNECT ON DATABASE "${db.name}" TO ${ROLE}`);
  server = await startTestServer(
    { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATABASE_URL: db.url },
    { yaml: YAML, logger: logged.logger },
  );
  rest = restClient(server);
  admin = await rest.login('admin', ADMIN_PASSWORD);
});

afterAll(async () => {
  await server?.close();
  await db.drop();
  await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${ROLE}`);
});

describe('connections over REST', () => {
  it('adds, tests, edits and deletes a connection; the password never leaves the server', async () => {
    const created = await rest.call('POST', '/api/v1/connections', { token: admin, body: body() });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      name: 'sales',
      source: 'store',
      has_password: true,
      username: ROLE,
    });
    const id = created.body.id as string;

    const tested = await rest.call('POST', `/api/v1/connections/${id}/test`, { token: admin });
    expect(tested.body).toMatchObject({ ok: true, server_version: expect.stringMatching(/^\d+/) });
    expect(typeof tested.body.latency_ms).toBe('number');

    const list = await rest.call('GET', '/api/v1/connections', { token: admin });
    const names = (list.body.connections as { name: string; source: string }[]).map((c) => [
      c.name,
      c.source,
    ]);
    expect(names).toEqual([
      ['default', 'config'],
      ['sales', 'store'],
    ]);
    const databases = await rest.call('GET', `/api/v1/connections/${id}/databases`, { token: admin });
    expect(databases.status, databases.text).toBe(200);
    expect(databases.body.databases).toContainEqual(
      expect.objectContaining({ name: db.name, encoding: 'UTF8', size_bytes: expect.any(Number) }),
    );

    const edited = await rest.call('PATCH', `/api/v1/connections/${id}`, {
      token: admin,
      body: { description: 'Sales team', allow_writes: true },
    });
    expect(edited.body).toMatchObject({ description: 'Sales team', allow_writes: true, has_password: true });
    const readOnly = await rest.call('PATCH', '/api/v1/connections/default', {
      token: admin,
      body: { description: 'x' },
    });
    expect(readOnly.status).toBe(409);
    expect(readOnly.text).toMatch(/config file/);

    const deleted = await rest.call('DELETE', `/api/v1/connections/${id}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect((await rest.call('GET', `/api/v1/connections/${id}`, { token: admin })).status).toBe(404);

    // Not in any answer, not in any log line, not in the store file's bytes.
    expect(rest.seen.join('\n')).not.toContain(SECRET);
    expect(logged.lines.join('\n')).not.toContain(SECRET);
    const storeFiles = readdirSync(server.dataDir)
      .filter((f) => f.startsWith('pgmcp.sqlite'))
      .map((f) => readFileSync(path.join(server.dataDir, f)).toString('latin1'));
    expect(storeFiles.length).toBeGreaterThan(0);
    expect(storeFiles.join('\n')).toContain(ROLE);
    expect(storeFiles.join('\n')).not.toContain(SECRET);
  });

  it('refuses bad input with 400 naming the field, and saves nothing', async () => {
    await rest.call('POST', '/api/v1/connections', { token: admin, body: body({ name: 'taken' }) });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'x1', colour: 'red' }, /unknown field "colour"/],
      [{ name: 'x2', port: 70000 }, /port: /],
      [{ name: 'x3', sslmode: 'sometimes' }, /sslmode: /],
      [{ name: 'taken' }, /name: a connection named "taken" already exists/],
      [{ name: 'default' }, /name: a connection named "default" already exists/],
      [
        { name: 'x4', host: '169.254.169.254' },
        /host: "169\.254\.169\.254" is 169\.254\.169\.254, a link-local or cloud metadata address/,
      ],
      [{ name: 'x5', host: 'fd00:ec2::254' }, /host: .*metadata/],
      [{ name: 'x6', password: 'x'.repeat(65_535) }, /password: .*longer than PostgreSQL accepts/],
    ];
    for (const [change, message] of cases) {
      const answer = await rest.call('POST', '/api/v1/connections', { token: admin, body: body(change) });
      expect(answer.status, answer.text).toBe(400);
      expect((answer.body.error as { message: string }).message).toMatch(message);
    }
    const after = await rest.call('GET', '/api/v1/connections', { token: admin });
    expect((after.body.connections as { name: string }[]).map((c) => c.name)).toEqual(['default', 'taken']);
    await rest.call('DELETE', '/api/v1/connections/taken', { token: admin });
  });

  it('says precisely why a test failed: wrong password, database missing, server down', async () => {
    const make = async (name: string, more: Record<string, unknown>) => {
      const created = await rest.call('POST', '/api/v1/connections', {
        token: admin,
        body: body({ name, ...more }),
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      const { body: result } = await rest.call('POST', `/api/v1/connections/${id}/test`, { token: admin });
      await rest.call('DELETE', `/api/v1/connections/${id}`, { token: admin });
      return result as { ok: boolean; error: { reason: string; message: string } };
    };
    const auth = await make('wrongpw', { password: 'not the password' });
    expect([auth.ok, auth.error.reason]).toEqual([false, 'auth']);
    expect(auth.error.message).toMatch(new RegExp(`refused the login of user "${ROLE}"`));
    const missing = await make('nodb', { database: 'no_such_database' });
    expect(missing.error.reason).toBe('database_missing');
    // Before saving: the same answers for a definition that is not stored, and nothing is stored.
    const unsaved = async (more: Record<string, unknown>) =>
      rest.call('POST', '/api/v1/connections/test', {
        token: admin,
        body: body({ name: undefined, ...more }),
      });
    expect((await unsaved({})).body).toMatchObject({
      ok: true,
      server_version: expect.stringMatching(/^\d+/),
    });
    expect((await unsaved({ password: 'nope' })).body).toMatchObject({
      ok: false,
      error: { reason: 'auth' },
    });
    const refused = await unsaved({ host: '169.254.169.254' });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/host: .*metadata/);
    expect((await rest.call('GET', '/api/v1/connections', { token: admin })).text).not.toContain('unsaved');
    const down = await make('down', { host: '127.0.0.1', port: 1 });
    expect(down.error.reason).toBe('refused');
    expect(down.error.message).toMatch(/connection refused/);
  });
});

describe('live pools', () => {
  it('an edited password takes effect on the next call; a deleted connection closes its pools and sessions fall back with a message', async () => {
    const created = await rest.call('POST', '/api/v1/connections', {
      token: admin,
      body: body({ name: 'live' }),
    });
    const id = created.body.id as string;
    const client = await mcpClient(server, { token: admin });
    const selected = await client.callTool({
      name: 'select_database_connection',
      arguments: { connection_id: 'live' },
    });
    expect(selected.isError, textOf(selected)).toBeFalsy();
    const who = async () =>
      textOf(
        await client.callTool({
          name: 'query_database',
          arguments: { query: 'SELECT current_user AS u, pg_backend_pid() AS pid' },
        }),
      );
    const pidOf = (text: string) => Number(new RegExp(`${ROLE}\\t(\\d+)`).exec(text)?.[1]);
    const first = pidOf(await who());
    expect(first).toBeGreaterThan(0);

    await adminQuery(db.url, `ALTER ROLE ${ROLE} PASSWORD '${NEXT_SECRET}'`);
    const patched = await rest.call('PATCH', `/api/v1/connections/${id}`, {
      token: admin,
      body: { password: NEXT_SECRET },
    });
    expect(patched.status, patched.text).toBe(200);
    // The old pool was closed: the next call logs in anew, with the new password.
    const second = pidOf(await who());
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    await expect.poll(() => backendsOf(ROLE)).toEqual([second]);

    const deleted = await rest.call('DELETE', `/api/v1/connections/${id}`, { token: admin });
    expect(deleted.status).toBe(204);
    await expect.poll(() => backendsOf(ROLE)).toEqual([]);
    const fallback = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1 AS one' },
    });
    expect(fallback.isError).toBe(true);
    expect(textOf(fallback)).toContain('Your current connection "live" no longer exists');
    const next = await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1 AS one' } });
    expect(textOf(next)).toContain('one\n1');
    await client.close();
    await adminQuery(db.url, `ALTER ROLE ${ROLE} PASSWORD '${SECRET}'`);
  });
});

describe('per-user credentials', () => {
  it("each user's calls connect as their own database role, so row-level security shows each their own rows", async () => {
    const alice = `alice_${ROLE}`;
    const bob = `bob_${ROLE}`;
    for (const role of [alice, bob]) {
      await adminQuery(db.url, `CREATE ROLE ${role} LOGIN PASSWORD '${role}-pw'`);
      await adminQuery(db.url, `GRANT CONNECT ON DATABASE "${db.name}" TO ${role}`);
    }
    await adminQuery(db.url, 'CREATE TABLE notes (owner name NOT NULL, body text NOT NULL)');
    await adminQuery(db.url, `INSERT INTO notes VALUES ('${alice}', 'for alice'), ('${bob}', 'for bob')`);
    await adminQuery(db.url, 'ALTER TABLE notes ENABLE ROW LEVEL SECURITY');
    await adminQuery(db.url, 'CREATE POLICY own ON notes USING (owner = current_user)');
    await adminQuery(db.url, `GRANT SELECT ON notes TO ${alice}, ${bob}`);
    try {
      const created = await rest.call('POST', '/api/v1/connections', {
        token: admin,
        body: body({ name: 'rls', username: null, password: null, credentials: 'per_user' }),
      });
      expect(created.status, created.text).toBe(201);
      const id = created.body.id as string;
      const group = await server.auth.createGroup({ name: 'rls-readers' });
      await server.auth.grantPrivilege(group.id, { type: 'connection', name: 'rls', access: 'read' });
      await server.auth.grantPrivilege(group.id, { type: 'mcp_item', kind: 'tool', name: 'query_database' });
      const users = [];
      for (const [username, role] of [
        ['alice', alice],
        ['bob', bob],
      ] as const) {
        const user = await rest.createUser(admin, username);
        await server.auth.addGroupMember(group.id, { userId: user.id });
        users.push({ ...user, role });
      }
      const notes = async (token: string) =>
        textOf(
          await (
            await mcpClient(server, { token })
          ).callTool({
            name: 'query_database',
            arguments: { connection_id: 'rls', query: 'SELECT current_user AS who, body FROM notes' },
          }),
        );
      // Without a stored login: a tool error that says how to add one.
      expect(await notes(users[0]!.token)).toContain('pgmcp connection login rls');
      for (const user of users) {
        const stored = await rest.call('PUT', `/api/v1/connections/${id}/my-credentials`, {
          token: user.token,
          body: { username: user.role, password: `${user.role}-pw` },
        });
        expect(stored.status, stored.text).toBe(204);
      }
      const aliceSees = await notes(users[0]!.token);
      const bobSees = await notes(users[1]!.token);
      expect(aliceSees).toContain(`${alice}\tfor alice`);
      expect(aliceSees).not.toContain('for bob');
      expect(bobSees).toContain(`${bob}\tfor bob`);
      expect(bobSees).not.toContain('for alice');
      expect(rest.seen.join('\n')).not.toContain(`${alice}-pw`);
      const removed = await rest.call('DELETE', `/api/v1/connections/${id}/my-credentials`, {
        token: users[1]!.token,
      });
      expect(removed.status).toBe(204);
      expect(await notes(users[1]!.token)).toContain('have not stored one');
      await rest.call('DELETE', `/api/v1/connections/${id}`, { token: admin });
    } finally {
      await adminQuery(db.url, 'DROP TABLE notes');
      await expect.poll(() => backendsOf(alice)).toEqual([]);
      await expect.poll(() => backendsOf(bob)).toEqual([]);
      await adminQuery(db.url, `REVOKE CONNECT ON DATABASE "${db.name}" FROM ${alice}, ${bob}`);
      for (const role of [alice, bob]) await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${role}`);
    }
  });
});

describe('replicas sharing a PostgreSQL store', () => {
  let storeDb: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    storeDb = await createTestDatabase('managed-store');
    const keyFile = path.join(makeTempDir('pgmcp-shared-key-'), 'secret.key');
    // Replicas share the key file (a mounted secret in a real deployment).
    createKeyFile(keyFile);
    const env = {
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_DATABASE_URL: db.url,
      PGMCP_STORE_URL: storeDb.url,
      PGMCP_SECRET_KEY_FILE: keyFile,
    };
    a = await startTestServer(env, { yaml: YAML });
    b = await startTestServer(env, { yaml: YAML });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await storeDb?.drop();
  });

  it('a connection saved on one replica is usable on the other within the poll interval; the store holds no plaintext', async () => {
    const restA = restClient(a);
    const restB = restClient(b);
    const tokenA = await restA.login('admin', ADMIN_PASSWORD);
    const tokenB = await restB.login('admin', ADMIN_PASSWORD);
    const saved = Date.now();
    const created = await restA.call('POST', '/api/v1/connections', {
      token: tokenA,
      body: body({ name: 'shared' }),
    });
    expect(created.status, created.text).toBe(201);
    const client = await mcpClient(b, { token: tokenB });
    await expect
      .poll(async () =>
        textOf(
          await client.callTool({
            name: 'query_database',
            arguments: { connection_id: 'shared', query: 'SELECT current_user AS u' },
          }),
        ),
      )
      .toContain(ROLE);
    console.log(
      `save on replica A → first successful call on replica B: ${Date.now() - saved} ms (poll interval 200 ms)`,
    );
    await client.close();
    const dump = (
      await adminQuery<{ row: string }>(storeDb.url, 'SELECT t::text AS row FROM conn_connections t')
    )
      .map((r) => r.row)
      .join('\n');
    expect(dump).toContain('shared');
    expect(dump).not.toContain(SECRET);
    expect((await restB.call('GET', '/api/v1/connections', { token: tokenB })).text).toContain('"shared"');
  });
});

describe('the secret key file', () => {
  it('refuses to start when the configured key file is missing, naming it', async () => {
    const missing = path.join(makeTempDir('pgmcp-nokey-'), 'absent.key');
    await expect(
      startTestServer({ PGMCP_DATABASE_URL: db.url, PGMCP_SECRET_KEY_FILE: missing }, { yaml: YAML }),
    ).rejects.toThrow(missing);
  });
});
