import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { afterEach } from 'vitest';
import { createRateLimiter, type RateLimiter, type RateLimiterConfig } from '../src/index.js';

/** A clock the test moves by hand. */
export class FakeClock {
  #ms = Date.parse('2026-12-01T12:00:00.000Z');
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Where a limiter counts: in memory, or in a fresh SQLite or PostgreSQL store. */
export interface LimiterTarget {
  readonly backend: RateLimiter['backend'];
  /** A limiter on a fresh store (or memory), and a way to open more limiters on that same store. */
  fresh(config?: RateLimiterConfig): Promise<{
    limiter: RateLimiter;
    database: SqlDatabase | undefined;
    another(config?: RateLimiterConfig): Promise<RateLimiter>;
  }>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Memory, SQLite and PostgreSQL, for `describe.each`; everything opened is closed after each test. */
export function useLimiterTargets(label: string): LimiterTarget[] {
  const stores = useStoreTestTargets(label).map((target): LimiterTarget => ({
    backend: target.dialect,
    async fresh(config = {}) {
      const url = await target.newUrl();
      const open = async (more: RateLimiterConfig) => {
        // Each limiter gets its own handle, as a replica would (SQLite shares the connection).
        const database = await openSqlDatabase({ url });
        const limiter = await createRateLimiter({ ...more, database });
        cleanups.push(async () => {
          await limiter.close();
          await database.close();
        });
        return { limiter, database };
      };
      const { limiter, database } = await open(config);
      return { limiter, database, another: async (more = config) => (await open(more)).limiter };
    },
  }));
  const memory: LimiterTarget = {
    backend: 'memory',
    async fresh(config = {}) {
      const limiter = await createRateLimiter(config);
      cleanups.push(() => limiter.close());
      return {
        limiter,
        database: undefined,
        another: () => Promise.reject(new Error('in-memory limiters share nothing')),
      };
    },
  };
  return [memory, ...stores];
}
