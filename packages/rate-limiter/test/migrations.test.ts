import { openSqlDatabase } from '@pgmcp/sql-store';
import { schemaSnapshot, useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/index.js';

describe.each(useStoreTestTargets('rate_limit_migrations'))(
  'rate limiter migrations on $dialect',
  (target) => {
    it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
      const database = await openSqlDatabase({ url: await target.newUrl() });
      try {
        await (await createRateLimiter({ database })).close();
        expect(await schemaSnapshot(database, 'rate_limit')).toMatchSnapshot();
        const applied = await sql<{ name: string }>`select name from rate_limit_migrations`.execute(
          database.kysely,
        );
        expect(applied.rows.map((row) => row.name)).toEqual(['2026-12-01-01-initial']);
        // Opening again migrates nothing and leaves the database open (the caller owns it).
        await (await createRateLimiter({ database })).close();
        await expect(sql`select 1`.execute(database.kysely)).resolves.toBeDefined();
      } finally {
        await database.close();
      }
    });
  },
);
