import { openSqlDatabase } from '@pgmcp/sql-store';
import type { StoreTestTarget } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { afterEach } from 'vitest';
import { createAuthStore, type AuthStore, type AuthStoreConfig } from '../src/index.js';

/** A clock the test moves by hand. */
export class FakeClock {
  #ms: number;
  constructor(start = Date.parse('2026-11-21T12:00:00.000Z')) {
    this.#ms = start;
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** A strong enough password for tests. */
export const PASSWORD = 'correct horse battery';

const open: AuthStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

/** An auth store on a fresh database of `target`, cheap bcrypt, a fake clock; closed after the test. */
export async function freshStore(
  target: StoreTestTarget,
  config: Partial<AuthStoreConfig> = {},
): Promise<{
  store: AuthStore;
  url: string;
  clock: FakeClock;
  reopen: (more?: Partial<AuthStoreConfig>) => Promise<AuthStore>;
}> {
  const url = await target.newUrl();
  const clock = new FakeClock();
  const reopen = async (more: Partial<AuthStoreConfig> = {}) => {
    const store = await createAuthStore({ url, bcryptCost: 4, now: clock.now, ...config, ...more });
    open.push(store);
    return store;
  };
  return { store: await reopen(), url, clock, reopen };
}

/** Every row of a table, read with plain SQL beside the store. */
export async function rawRows(url: string, table: string): Promise<Record<string, unknown>[]> {
  const database = await openSqlDatabase({ url });
  try {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      database.kysely,
    );
    return rows;
  } finally {
    await database.close();
  }
}

/** The error a promise rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
