import { createDatastore, type Datastore } from '@pgmcp/datastore';
import { adminQuery, createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll } from 'vitest';
import { targetFromUrl } from '../src/index.js';

/** The target for a test database URL. */
export const targetOf = targetFromUrl;

/** A monitored database (with pg_stat_statements) and a datastore database, both dropped after the file. */
export function useCollectorDatabases(label: string): {
  monitored: () => TestDatabase;
  storeDb: () => TestDatabase;
  store: () => Datastore;
} {
  let monitored: TestDatabase | undefined;
  let storeDb: TestDatabase | undefined;
  let store: Datastore | undefined;
  beforeAll(async () => {
    monitored = await createTestDatabase(`${label}_mon`);
    storeDb = await createTestDatabase(`${label}_store`);
    await adminQuery(monitored.url, 'create extension if not exists pg_stat_statements');
    store = await createDatastore({ url: storeDb.url });
  });
  afterAll(async () => {
    await store?.close();
    await monitored?.drop();
    await storeDb?.drop();
  });
  return {
    monitored: () => monitored!,
    storeDb: () => storeDb!,
    store: () => store!,
  };
}
