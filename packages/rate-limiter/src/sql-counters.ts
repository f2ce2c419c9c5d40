import { runMigrations, typedKysely, type SqlDatabase } from '@pgmcp/sql-store';
import { sql } from 'kysely';
import { rateLimitMigrations } from './migrations/index.js';
import type { Counter, CounterBackend } from './counter-backend.js';
import type { RateLimitCountersTable, RateLimitTables } from './schema.js';
import { firstResetAt } from './window.js';

const KEY_CHUNK = 500;

/**
 * Counters in the store's `rate_limit_counters` table. A hit is one INSERT … ON CONFLICT DO UPDATE
 * … WHERE statement: the row lock (PostgreSQL) or the write lock (SQLite) makes the check and the
 * increment one step, so concurrent hits from any number of replicas never pass the limit.
 */
export async function createSqlCounters(database: SqlDatabase): Promise<CounterBackend> {
  await runMigrations(database, rateLimitMigrations);
  const db = typedKysely<RateLimitTables>(database);
  const old = (column: keyof RateLimitCountersTable) => sql.ref(`rate_limit_counters.${column}`);

  return {
    kind: database.dialect,

    async hit(key, rule, nowMs, windowId) {
      const startReset = firstResetAt(rule, nowMs);
      const blockEnd = nowMs + (rule.blockMs ?? 0);
      const ended = sql<boolean>`${old('reset_at')} <= ${nowMs}`;
      const row = await db
        .insertInto('rate_limit_counters')
        .values({ key, window_id: windowId, hits: 1, reset_at: startReset })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({
              window_id: sql<string>`case when ${ended} then ${windowId} else ${old('window_id')} end`,
              hits: sql<number>`case when ${ended} then 1 else ${old('hits')} + 1 end`,
              reset_at: sql<number>`case
                when ${ended} then ${startReset}
                when ${old('hits')} + 1 >= ${rule.limit} and ${old('reset_at')} < ${blockEnd} then ${blockEnd}
                else ${old('reset_at')} end`,
            })
            .where((eb) => eb.or([eb(old('reset_at'), '<=', nowMs), eb(old('hits'), '<', rule.limit)])),
        )
        .returning(['window_id', 'hits', 'reset_at'])
        .executeTakeFirst();
      if (row) return { allowed: true, counter: toCounter(row) };
      const current = await db
        .selectFrom('rate_limit_counters')
        .select(['window_id', 'hits', 'reset_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      return { allowed: false, counter: current && toCounter(current) };
    },

    async release(key, windowId) {
      await db
        .updateTable('rate_limit_counters')
        .set((eb) => ({ hits: eb('hits', '-', 1) }))
        .where('key', '=', key)
        .where('window_id', '=', windowId)
        .where('hits', '>', 0)
        .execute();
    },

    async read(keys) {
      const found = new Map<string, Counter>();
      for (let start = 0; start < keys.length; start += KEY_CHUNK) {
        const rows = await db
          .selectFrom('rate_limit_counters')
          .selectAll()
          .where('key', 'in', keys.slice(start, start + KEY_CHUNK))
          .execute();
        for (const row of rows) found.set(row.key, toCounter(row));
      }
      return found;
    },

    async remove(key) {
      await db.deleteFrom('rate_limit_counters').where('key', '=', key).execute();
    },

    async removeEnded(nowMs) {
      const result = await db
        .deleteFrom('rate_limit_counters')
        .where('reset_at', '<=', nowMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toCounter(row: Pick<RateLimitCountersTable, 'window_id' | 'hits' | 'reset_at'>): Counter {
  return { windowId: row.window_id, hits: Number(row.hits), resetAtMs: Number(row.reset_at) };
}
