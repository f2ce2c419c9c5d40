import type { Kysely } from 'kysely';
import type { StoreMigration } from '@pgmcp/sql-store';

// Frozen once released: change the schema with a new, later-named migration.
export const initial: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limit_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('window_id', 'text', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('reset_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('rate_limit_counters_reset_at')
      .on('rate_limit_counters')
      .column('reset_at')
      .execute();
  },
};
