import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll } from 'vitest';
import type { SqlDialect } from './open-database.js';

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
