import { openSqlDatabase } from '@pgmcp/sql-store';
import { schemaSnapshot, useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createConversationStore } from '../src/index.js';

describe.each(useStoreTestTargets('conversation_migrations'))(
  'conversation migrations on $dialect',
  (target) => {
    it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
      const url = await target.newUrl();
      await (await createConversationStore({ url })).close();
      const database = await openSqlDatabase({ url });
      try {
        expect(await schemaSnapshot(database, 'conversation')).toMatchSnapshot();
        const applied = await sql<{ name: string }>`select name from conversation_migrations`.execute(
          database.kysely,
        );
        expect(applied.rows.map((row) => row.name)).toEqual(['2026-11-21-01-initial']);
      } finally {
        await database.close();
      }
    });
  },
);
