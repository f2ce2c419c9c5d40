import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';

// In-process runs of the real CLI (runCli) against a real store directory and real PostgreSQL.
const db = useTestDatabase('cli-connections');
const ROLE = `cli_role_${randomBytes(3).toString('hex')}`;
const SECRET = `Cli-pw-${randomBytes(6).toString('hex')}`;
const dir = makeTempDir('pgmcp-cli-conn-');
const dataDir = path.join(dir, 'data');
const config = path.join(dir, 'pgmcp.yaml');
writeFileSync(config, 'auth:\n  bcrypt_cost: 4\n');
for (const key of Object.keys(process.env)) if (key.startsWith('PGMCP_')) delete process.env[key];

async function pgmcp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runCli(['node', 'pgmcp', ...args, '--config', config, '--data-dir', dataDir], {
    out: sink((t) => (stdout += t)),
    err: sink((t) => (stderr += t)),
  });
  return { code, stdout, stderr };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests assert on the JSON's shape.
async function json(...args: string[]): Promise<any> {
  const result = await pgmcp(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

const server = () => {
  const url = new URL(db.url);
  return ['--host', url.hostname, '--port', url.port, '--database', db.name];
};

beforeAll(async () => {
  await adminQuery(db.url, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRET}'`);
  await adminQuery(db.url, `GRANT CONNECT ON DATABASE "${db.name}" TO ${ROLE}`);
});
afterAll(async () => {
  await db.drop();
  await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${ROLE}`);
});

describe('pgmcp connection', () => {
  it('adds, lists, shows, tests, updates and deletes a connection; the password is never printed or stored in plain text', async () => {
    const added = await json(
      'connection',
      'add',
      'sales',
      ...server(),
      '--db-user',
      ROLE,
      '--password',
      SECRET,
    );
    expect(added).toMatchObject({ name: 'sales', source: 'store', has_password: true, username: ROLE });
    expect(JSON.stringify(added)).not.toContain(SECRET);

    // Granting a stored connection: no "unknown connection" warning.
    expect((await pgmcp('group', 'add', 'analysts')).code).toBe(0);
    const granted = await pgmcp('grant', 'connection', 'sales', 'read', '--group', 'analysts');
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stderr).not.toMatch(/defines no connection/);
    const unknown = await pgmcp('grant', 'connection', 'nowhere', 'read', '--group', 'analysts');
    expect(unknown.stderr).toMatch(/defines no connection 'nowhere' \(known: demo, sales\)/);

    const list = await json('connection', 'list');
    expect(list.connections).toContainEqual(expect.objectContaining({ name: 'sales', source: 'store' }));
    const shown = await pgmcp('connection', 'show', 'sales');
    expect(shown.stdout).toMatch(/Password\s+set \(encrypted\)/);
    expect(shown.stdout).not.toContain(SECRET);

    const tested = await json('connection', 'test', 'sales');
    expect(tested).toMatchObject({ ok: true, server_version: expect.stringMatching(/^\d+/) });
    const dbs = await json('connection', 'databases', 'sales');
    expect(dbs.databases).toContainEqual(expect.objectContaining({ name: db.name, encoding: 'UTF8' }));

    expect((await pgmcp('connection', 'update', 'sales', '--port', '1')).code).toBe(0);
    const down = await pgmcp('connection', 'test', 'sales');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/FAILED \(refused\).*connection refused/);
    expect((await pgmcp('connection', 'update', 'sales', '--port', new URL(db.url).port)).code).toBe(0);

    // Marking and unmarking for the monitoring collector (running servers follow within seconds).
    expect(await json('connection', 'update', 'sales', '--monitored')).toMatchObject({ is_monitored: true });
    expect((await pgmcp('connection', 'show', 'sales')).stdout).toMatch(/Monitored\s+yes/);
    expect(await json('connection', 'update', 'sales', '--no-monitored')).toMatchObject({
      is_monitored: false,
    });
    expect((await pgmcp('connection', 'show', 'sales')).stdout).toMatch(/Monitored\s+no/);

    const storeBytes = readdirSync(dataDir)
      .filter((f) => f.startsWith('pgmcp.sqlite'))
      .map((f) => readFileSync(path.join(dataDir, f)).toString('latin1'))
      .join('');
    expect(storeBytes).toContain(ROLE);
    expect(storeBytes).not.toContain(SECRET);

    const deleted = await pgmcp('connection', 'delete', 'sales', '--yes');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect((await json('connection', 'list')).connections).not.toContainEqual(
      expect.objectContaining({ name: 'sales' }),
    );
  });

  it('refuses bad input with a message naming the field (exit 2), and duplicates (exit 1)', async () => {
    const metadata = await pgmcp('connection', 'add', 'meta', '--host', '169.254.169.254', '--database', 'x');
    expect(metadata.code).toBe(2);
    expect(metadata.stderr).toMatch(/host: "169\.254\.169\.254" .*metadata/);
    const port = await pgmcp(
      'connection',
      'add',
      'p',
      '--host',
      'localhost',
      '--database',
      'x',
      '--port',
      '70000',
    );
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/port: 70000 is out of range/);
    expect((await pgmcp('connection', 'add', 'dup', ...server())).code).toBe(0);
    const dup = await pgmcp('connection', 'add', 'DUP', ...server());
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/name: a connection named "DUP" already exists/);
    const help = await pgmcp('connection', '--help');
    expect(help.stdout + help.stderr).toMatch(/add .*list.*show.*update.*delete.*test.*databases.*login/s);
  });

  it("stores a user's own login for a per-user connection, and rotates the key without losing anything", async () => {
    expect((await pgmcp('connection', 'add', 'rls', ...server(), '--per-user')).code).toBe(0);
    expect((await pgmcp('user', 'add', 'ann', '--password', 'ann has a long password')).code).toBe(0);
    const login = await pgmcp(
      'connection',
      'login',
      'rls',
      '--user',
      'ann',
      '--db-user',
      ROLE,
      '--password',
      SECRET,
    );
    expect(login.code, login.stderr).toBe(0);
    expect(await json('connection', 'test', 'rls', '--user', 'ann')).toMatchObject({ ok: true });
    await json('connection', 'add', 'shared', ...server(), '--db-user', ROLE, '--password', SECRET);

    const rotated = await json('secrets', 'rotate');
    expect(rotated.reencrypted).toBe(2);
    expect(readFileSync(rotated.key_file, 'utf8')).toContain(rotated.active_key);
    expect(await json('connection', 'test', 'rls', '--user', 'ann')).toMatchObject({ ok: true });
    const pruned = await json('secrets', 'rotate', '--prune');
    expect(pruned.pruned).toHaveLength(2);
    expect(await json('connection', 'test', 'shared')).toMatchObject({ ok: true });

    const logout = await pgmcp('connection', 'login', 'rls', '--user', 'ann', '--logout');
    expect(logout.code, logout.stderr).toBe(0);
    const gone = await pgmcp('connection', 'test', 'rls', '--user', 'ann');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/ann has no login stored for rls/);
  });
});
