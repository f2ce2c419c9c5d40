import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import { sql } from 'kysely';
import { afterAll } from 'vitest';
import type { SqlDatabase, SqlDialect } from './open-database.js';

/** One dialect a store's test suite runs against. */
export interface StoreTestTarget {
  /** `sqlite` (a temporary file) or `postgres` (the vitest harness's server). */
  readonly dialect: SqlDialect;
  /** A URL of a fresh, empty store: a new SQLite file or a new PostgreSQL database. */
  newUrl(): Promise<string>;
}

/**
 * The two dialects for `describe.each`, with empty stores on demand; everything created is removed
 * after the test file. Needs `createVitestConfig({ postgres: true })`.
 *
 * @example
 *   describe.each(useStoreTestTargets('auth'))('$dialect', (target) => {
 *     it('opens', async () => { const store = await createAuthStore({ url: await target.newUrl() }); ... });
 *   });
 */
export function useStoreTestTargets(label: string): StoreTestTarget[] {
  const directories: string[] = [];
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all([
      ...directories.map((directory) => rm(directory, { recursive: true, force: true })),
      ...databases.map((database) => database.drop()),
    ]);
  });
  return [
    {
      dialect: 'sqlite',
      async newUrl() {
        const directory = await mkdtemp(path.join(tmpdir(), `pgmcp-${label}-`));
        directories.push(directory);
        return path.join(directory, 'store.db');
      },
    },
    {
      dialect: 'postgres',
      async newUrl() {
        const database = await createTestDatabase(label);
        databases.push(database);
        return database.url;
      },
    },
  ];
}

/**
 * The schema of the tables whose names start with `prefix` (columns, indexes, constraints), in a
 * stable form for a snapshot test that fails when a shipped migration is edited. Identical on
 * PostgreSQL 15 and 18.
 *
 * @example
 *   expect(await schemaSnapshot(database, 'auth')).toMatchSnapshot();
 */
export async function schemaSnapshot(database: SqlDatabase, prefix: string): Promise<unknown[]> {
  const pattern = `${prefix}%`;
  if (database.dialect === 'sqlite') {
    const { rows } = await sql`
      select type, name, tbl_name, sql from sqlite_master
      where tbl_name like ${pattern} and sql is not null order by name`.execute(database.kysely);
    return rows;
  }
  const columns = await sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = current_schema() and table_name like ${pattern}
    order by table_name, ordinal_position`.execute(database.kysely);
  const indexes = await sql`
    select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename like ${pattern}
    order by indexname`.execute(database.kysely);
  // contype 'n': PostgreSQL 18 also catalogues NOT NULL as constraints (already in the columns above).
  const constraints = await sql`
    select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid::regclass::text like ${pattern} and contype <> 'n' order by conname`.execute(
    database.kysely,
  );
  return [...columns.rows, ...indexes.rows, ...constraints.rows];
}
