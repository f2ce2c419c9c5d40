import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAuthStore } from '../src/index.js';

async function schemaOf(database: SqlDatabase): Promise<unknown[]> {
  if (database.dialect === 'sqlite') {
    const { rows } = await sql`
      select type, name, tbl_name, sql from sqlite_master
      where tbl_name like 'auth%' and sql is not null order by name`.execute(database.kysely);
    return rows;
  }
  const columns = await sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public' and table_name like 'auth%'
    order by table_name, ordinal_position`.execute(database.kysely);
  const indexes = await sql`
    select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename like 'auth%'
    order by indexname`.execute(database.kysely);
  // contype 'n': PostgreSQL 18 also catalogues NOT NULL as constraints (already in the columns above).
  const constraints = await sql`
    select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid::regclass::text like 'auth%' and contype <> 'n' order by conname`.execute(database.kysely);
  return [...columns.rows, ...indexes.rows, ...constraints.rows];
}

describe.each(useStoreTestTargets('auth_migrations'))('auth migrations on $dialect', (target) => {
  it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
    const url = await target.newUrl();
    await (await createAuthStore({ url })).close();
    const database = await openSqlDatabase({ url });
    try {
      expect(await schemaOf(database)).toMatchSnapshot();
      const applied = await sql<{ name: string }>`select name from auth_migrations`.execute(database.kysely);
      expect(applied.rows.map((row) => row.name)).toEqual(['2026-11-21-01-initial']);
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
