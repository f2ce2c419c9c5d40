import type { Kysely } from 'kysely';
import type { PackageMigrations, StoreMigration } from '@pgmcp/sql-store';

// Frozen once shipped: change the schema with a new, later-named migration.
const initial: StoreMigration = {
  async up(db: Kysely<unknown>) {
    // No foreign keys: a record outlives the user, token or group it names.
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('user_id', 'text')
      .addColumn('username', 'text')
      .addColumn('token_id', 'text')
      .addColumn('client_name', 'text')
      .addColumn('client_version', 'text')
      .addColumn('ip', 'text')
      .addColumn('connection_name', 'text')
      .addColumn('database_name', 'text')
      .addColumn('sql_text', 'text')
      .addColumn('sql_fingerprint', 'text')
      .addColumn('row_count', 'bigint')
      .addColumn('bytes', 'bigint')
      .addColumn('duration_ms', 'bigint')
      .addColumn('target', 'text')
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
    await db.schema
      .createIndex('audit_events_user_at')
      .on('audit_events')
      .columns(['user_id', 'at'])
      .execute();
  },
};

/** The activity log's migrations, recorded in `audit_migrations` in the account store's database. */
export const auditMigrations: PackageMigrations = {
  name: 'audit',
  migrations: { '2026-12-06-01-audit-events': initial },
};
