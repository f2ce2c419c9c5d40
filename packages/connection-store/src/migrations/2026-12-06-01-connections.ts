import type { StoreMigration } from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';

// Frozen once shipped: change the schema with a new, later-named migration.
export const connections: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conn_connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('database_name', 'text', (c) => c.notNull())
      .addColumn('username', 'text')
      // Ciphertexts of @pgmcp/secrets (key id inside), never plain text.
      .addColumn('password_secret', 'text')
      .addColumn('sslmode', 'text', (c) => c.notNull())
      .addColumn('sslrootcert', 'text')
      .addColumn('sslcert', 'text')
      .addColumn('sslkey', 'text')
      .addColumn('sslpassword_secret', 'text')
      .addColumn('allow_writes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('credentials', 'text', (c) => c.notNull().defaultTo('shared'))
      .addColumn('is_monitored', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('owner_user_id', 'text')
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('conn_user_credentials')
      .addColumn('connection_id', 'text', (c) =>
        c.notNull().references('conn_connections.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('password_secret', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('conn_user_credentials_pk', ['connection_id', 'user_id'])
      .execute();

    // One row: bumped in the same transaction as every change, polled by every replica.
    await db.schema
      .createTable('conn_changes')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await db
      .insertInto('conn_changes' as never)
      .values({ id: 1, version: 0 })
      .execute();
  },
};
