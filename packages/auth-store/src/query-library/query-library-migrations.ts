import type { Kysely } from 'kysely';
import type { PackageMigrations, StoreMigration } from '@pgmcp/sql-store';

// Frozen once shipped: change the schema with a new, later-named migration.
const initial: StoreMigration = {
  async up(db: Kysely<unknown>) {
    // No foreign keys, like the activity log: entries are removed with their user by the routes'
    // owner checks, and a saved query outlives a renamed or removed group (it is then unshared).
    await db.schema
      .createTable('query_history')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('connection_name', 'text')
      .addColumn('database_name', 'text')
      .addColumn('sql_text', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('row_count', 'bigint')
      .addColumn('duration_ms', 'bigint')
      .execute();
    await db.schema
      .createIndex('query_history_user_id')
      .on('query_history')
      .columns(['user_id', 'id'])
      .execute();

    await db.schema
      .createTable('saved_queries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('owner_name', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('sql_text', 'text', (c) => c.notNull())
      .addColumn('connection_name', 'text')
      .addColumn('group_id', 'text')
      .addColumn('group_name', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('saved_queries_owner_name')
      .on('saved_queries')
      .columns(['owner_id', 'name'])
      .unique()
      .execute();
    await db.schema.createIndex('saved_queries_group_id').on('saved_queries').column('group_id').execute();
  },
};

/** The SQL console's history and saved queries, recorded in `queries_migrations` in the account store. */
export const queryLibraryMigrations: PackageMigrations = {
  name: 'queries',
  migrations: { '2026-12-07-01-query-library': initial },
};
