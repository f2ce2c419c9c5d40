import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addKeyToFile, SecretsError } from '@pgmcp/secrets';
import { openSqlDatabase, parseStoreUrl } from '@pgmcp/sql-store';
import { useStoreTestTargets, type StoreTestTarget } from '@pgmcp/sql-store/testing';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectionStore,
  type ConnectionStoreConfig,
  type ConnectionStoreError,
  createConnectionStore,
  MAX_CONNECTION_PASSWORD_BYTES,
} from '../src/index.js';

const PASSWORD = 'Sup3r-secret-pässword';
const open: ConnectionStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

async function fresh(target: StoreTestTarget, more: Partial<ConnectionStoreConfig> = {}) {
  const url = await target.newUrl();
  const keyFile = path.join(makeTempDir('pgmcp-conn-key-'), 'secret.key');
  const reopen = async (extra: Partial<ConnectionStoreConfig> = {}) => {
    const store = await createConnectionStore({ url, keyFile, createKeyFile: true, ...more, ...extra });
    open.push(store);
    return store;
  };
  return { url, keyFile, store: await reopen(), reopen };
}

/** Every stored value of the connection tables as text: the SQLite file's bytes or a PostgreSQL data dump. */
async function storeBytes(url: string): Promise<string> {
  const location = parseStoreUrl(url);
  if (location.dialect === 'sqlite') {
    const files = [url, `${url}-wal`].flatMap((file) => {
      try {
        return [readFileSync(file).toString('latin1') + readFileSync(file).toString('utf8')];
      } catch {
        return [];
      }
    });
    return files.join('\n');
  }
  const database = await openSqlDatabase({ url });
  try {
    const dump = await sql<{ row: string }>`
      select t::text as row from conn_connections t
      union all select u::text from conn_user_credentials u`.execute(database.kysely);
    return dump.rows.map((r) => r.row).join('\n');
  } finally {
    await database.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe.each(useStoreTestTargets('conn'))('connection store on $dialect', (target) => {
  it('creates, lists, updates and deletes connections; secrets are write-only and encrypted at rest', async () => {
    const { store, url } = await fresh(target);
    const v0 = await store.version();
    const created = await store.create({
      name: 'Sales',
      host: 'db.internal',
      database: 'sales',
      username: 'app',
      password: PASSWORD,
      sslpassword: 'key-passphrase-xyz',
      isMonitored: true,
    });
    expect(created).toMatchObject({
      name: 'Sales',
      host: 'db.internal',
      port: 5432,
      database: 'sales',
      username: 'app',
      hasPassword: true,
      hasSslPassword: true,
      sslmode: 'prefer',
      allowWrites: false,
      credentials: 'shared',
      isMonitored: true,
      revision: 1,
    });
    expect(JSON.stringify(created)).not.toContain(PASSWORD);
    expect(await store.version()).toBeGreaterThan(v0);
    expect((await store.find('sales'))?.id).toBe(created.id);
    expect(await store.secrets(created.id)).toEqual({
      password: PASSWORD,
      sslpassword: 'key-passphrase-xyz',
    });

    const bytes = await storeBytes(url);
    expect(bytes).toContain('db.internal');
    expect(bytes).not.toContain(PASSWORD);
    expect(bytes).not.toContain('key-passphrase-xyz');

    const v1 = await store.version();
    const edited = await store.update(created.id, { port: 6543, allowWrites: true });
    expect(edited).toMatchObject({ port: 6543, allowWrites: true, hasPassword: true, revision: 2 });
    expect(await store.version()).toBeGreaterThan(v1);
    const cleared = await store.update('Sales', { password: null });
    expect(cleared.hasPassword).toBe(false);
    expect(await store.secrets(created.id)).toEqual({ sslpassword: 'key-passphrase-xyz' });

    // PUT semantics: fields left out return to their defaults.
    const replaced = await store.replace(created.id, {
      name: 'Sales',
      host: 'db2.internal',
      database: 'sales2',
    });
    expect(replaced).toMatchObject({
      host: 'db2.internal',
      port: 5432,
      allowWrites: false,
      isMonitored: false,
    });

    expect((await store.list()).map((c) => c.name)).toEqual(['Sales']);
    await store.delete('sales');
    expect(await store.list()).toEqual([]);
    expect(((await failure(store.get(created.id))) as ConnectionStoreError).code).toBe('NOT_FOUND');
  });

  it('refuses bad input naming the field, duplicates (also of config-file names) and renames; nothing half-saved', async () => {
    const { store } = await fresh(target, { reservedNames: ['default'] });
    const base = { name: 'a', host: 'localhost', database: 'postgres' };
    const cases: [Record<string, unknown>, string][] = [
      [{ port: 70000 }, 'port'],
      [{ port: 0 }, 'port'],
      [{ sslmode: 'sometimes' }, 'sslmode'],
      [{ host: 'bad host/x' }, 'host'],
      [{ name: 'no spaces' }, 'name'],
      [{ password: 'x'.repeat(MAX_CONNECTION_PASSWORD_BYTES + 1) }, 'password'],
      [{ credentials: 'mine' }, 'credentials'],
      [{ host: undefined }, 'host'],
    ];
    for (const [change, field] of cases) {
      const error = (await failure(store.create({ ...base, ...change }))) as ConnectionStoreError;
      expect(error.code, field).toBe('INVALID_INPUT');
      expect(error.field).toBe(field);
      expect(error.message).toMatch(new RegExp(`^${field}:`));
    }
    expect(await store.list()).toEqual([]);

    await store.create(base);
    const dup = (await failure(store.create({ ...base, name: 'A' }))) as ConnectionStoreError;
    expect([dup.code, dup.field]).toEqual(['ALREADY_EXISTS', 'name']);
    const reserved = (await failure(store.create({ ...base, name: 'Default' }))) as ConnectionStoreError;
    expect([reserved.code, reserved.field]).toEqual(['ALREADY_EXISTS', 'name']);
    const rename = (await failure(store.update('a', { name: 'b' }))) as ConnectionStoreError;
    expect([rename.code, rename.field]).toEqual(['INVALID_INPUT', 'name']);
    const badPort = (await failure(
      store.update('a', { host: 'elsewhere', port: -1 }),
    )) as ConnectionStoreError;
    expect(badPort.field).toBe('port');
    expect((await store.get('a')).host).toBe('localhost');
  });

  it('keeps per-user logins encrypted, per user, and drops them with the connection', async () => {
    const { store, url } = await fresh(target);
    const c = await store.create({
      name: 'rls',
      host: 'localhost',
      database: 'app',
      credentials: 'per_user',
    });
    const v = await store.version();
    await store.setUserCredentials(c.id, 'u1', { username: 'alice', password: 'alice-pw-123' });
    await store.setUserCredentials(c.id, 'u2', { username: 'bob', password: 'bob-pw-456' });
    expect(await store.version()).toBeGreaterThan(v);
    expect(await store.findUserCredentials(c.id, 'u1')).toMatchObject({
      username: 'alice',
      password: 'alice-pw-123',
    });
    await store.setUserCredentials(c.id, 'u1', { username: 'alice2', password: 'alice-pw-789' });
    expect(await store.findUserCredentials(c.id, 'u1')).toMatchObject({
      username: 'alice2',
      password: 'alice-pw-789',
    });
    expect(await storeBytes(url)).not.toMatch(/alice-pw|bob-pw/);
    expect(await store.deleteUserCredentials(c.id, 'u1')).toBe(true);
    expect(await store.deleteUserCredentials(c.id, 'u1')).toBe(false);
    expect(await store.findUserCredentials(c.id, 'u1')).toBeUndefined();
    await store.delete(c.id);
    expect(await store.findUserCredentials(c.id, 'u2')).toBeUndefined();
  });

  it('rotates keys: re-encrypts everything under the new key and keeps reading on a replica opened before', async () => {
    const { store, keyFile, reopen } = await fresh(target);
    const c = await store.create({ name: 'x', host: 'localhost', database: 'd', password: PASSWORD });
    await store.setUserCredentials(c.id, 'u1', { username: 'alice', password: 'alice-pw-123' });
    const replica = await reopen();
    const oldKey = store.keyRing.activeKeyId();

    const added = addKeyToFile(keyFile);
    expect(await store.reencryptSecrets()).toBe(2);
    expect(store.keyRing.activeKeyId()).toBe(added.id);
    expect(await store.reencryptSecrets()).toBe(0);
    // The replica still has only the old key in memory: it re-reads the file for the new id.
    expect(await replica.secrets(c.id)).toEqual({ password: PASSWORD });
    expect((await replica.findUserCredentials(c.id, 'u1'))?.password).toBe('alice-pw-123');
    expect(readFileSync(keyFile, 'utf8')).toContain(oldKey);
  });

  it('a missing or wrong key file stops the start with an error naming the file; nothing is dropped', async () => {
    const { store, keyFile, reopen } = await fresh(target);
    await store.create({ name: 'x', host: 'localhost', database: 'd', password: PASSWORD });

    writeFileSync(keyFile, `${store.keyRing.activeKeyId()} ${Buffer.alloc(32, 1).toString('base64')}\n`);
    const wrong = await failure(reopen());
    expect(wrong).toBeInstanceOf(SecretsError);
    expect((wrong as SecretsError).code).toBe('DECRYPT_FAILED');
    expect(wrong.message).toContain(keyFile);

    const missing = path.join(path.dirname(keyFile), 'gone.key');
    const absent = await failure(reopen({ keyFile: missing }));
    expect((absent as SecretsError).code).toBe('KEY_FILE_MISSING');
    expect(absent.message).toContain(missing);
    expect(absent.message).toMatch(/holds 1 encrypted/);
    expect((await store.list()).map((c) => c.name)).toEqual(['x']);
  });
});
