import type { StoreMigration } from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';

// Frozen: this migration has shipped. Change the schema with a new, later-named migration.
export const initial: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('provider', 'text')
      .addColumn('model', 'text')
      .addColumn('connection', 'text')
      .addColumn('messages', 'text', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull())
      .addColumn('preview', 'text', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('conversations_user_updated')
      .on('conversations')
      .columns(['user_id', 'updated_at', 'id'])
      .execute();
  },
};
