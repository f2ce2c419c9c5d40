import { chmod, stat } from 'node:fs/promises';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { schemaSnapshot, useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAuthStore } from '../src/index.js';

describe.each(useStoreTestTargets('auth_migrations'))('auth migrations on $dialect', (target) => {
  it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
    const url = await target.newUrl();
    await (await createAuthStore({ url })).close();
    const database = await openSqlDatabase({ url });
    try {
      expect(await schemaSnapshot(database, 'auth')).toMatchSnapshot();
      const applied = await sql<{ name: string }>`select name from auth_migrations`.execute(database.kysely);
      expect(applied.rows.map((row) => row.name)).toEqual([
        '2026-11-21-01-initial',
        '2026-12-06-01-oauth',
        '2026-12-07-01-external-identities',
      ]);
    } finally {
      await database.close();
    }
  });

  it('runs on a database shared with other stores and leaves it open', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      const store = await createAuthStore({ database, bcryptCost: 4 });
      await store.createUser({ username: 'shared', serviceAccount: true });
      await store.close();
      const again = await createAuthStore({ database });
      expect((await again.listUsers()).map((u) => u.username)).toEqual(['shared']);
      await again.close();
      await expect(sql`select 1`.execute(database.kysely)).resolves.toBeDefined();
    } finally {
      await database.close();
    }
  });
});

describe('createAuthStore', () => {
  it('wants exactly one of url and database, and a bcrypt cost bcrypt accepts', async () => {
    await expect(createAuthStore({})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(createAuthStore({ url: ':memory:', bcryptCost: 3 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('4 to 31'),
    });
  });
});

describe('createAuthStore on a SQLite file it opens itself', () => {
  // At the describe level, so its files are removed after the file (a hook inside a test is not run).
  const [sqlite] = useStoreTestTargets('auth_file_modes');
  it('makes the store file private and says so through onWarning when it was not', async () => {
    const url = await sqlite!.newUrl();
    await (await createAuthStore({ url })).close();
    await chmod(url, 0o644);
    const warnings: string[] = [];
    await (await createAuthStore({ url, onWarning: (message) => warnings.push(message) })).close();
    expect((await stat(url)).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining(`Made the store file ${url} private`)]);
  });
});
