import { openSqlDatabase } from '@pgmcp/sql-store';
import { schemaSnapshot } from '@pgmcp/sql-store/testing';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openNotifier } from './harness.js';

const db = useTestDatabase('notifier_migrations');

describe('notifier migrations', () => {
  it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
    await openNotifier(db.url);
    const database = await openSqlDatabase({ url: db.url });
    try {
      expect(await schemaSnapshot(database, 'notification')).toMatchSnapshot();
      const applied = await sql<{ name: string }>`select name from notifier_migrations`.execute(
        database.kysely,
      );
      expect(applied.rows.map((row) => row.name)).toEqual(['2026-12-07-01-notifications']);
    } finally {
      await database.close();
    }
  });
});
