import { sql, type Kysely } from 'kysely';
import type { StoreMigration } from '@pgmcp/sql-store';

// Frozen: this migration has shipped. Change the schema with a new, later-named migration.
export const initial: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('username_key', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text')
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('superuser', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('service_account', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login_at', 'bigint')
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .execute();

    await db.schema
      .createTable('auth_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .addColumn('user_agent', 'text')
      .addColumn('ip', 'text')
      .addColumn('current_connection', 'text')
      .addColumn('current_database', 'text')
      .execute();
    await db.schema.createIndex('auth_sessions_user_id').on('auth_sessions').column('user_id').execute();
    await db.schema
      .createIndex('auth_sessions_expires_at')
      .on('auth_sessions')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('auth_api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('note', 'text')
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('scope', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addColumn('current_connection', 'text')
      .addColumn('current_database', 'text')
      .execute();
    await db.schema.createIndex('auth_api_tokens_user_id').on('auth_api_tokens').column('user_id').execute();
    await db.schema
      .createIndex('auth_api_tokens_expires_at')
      .on('auth_api_tokens')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('auth_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('auth_group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('auth_groups.id').onDelete('cascade'))
      .addColumn('member_user_id', 'text', (c) => c.references('auth_users.id').onDelete('cascade'))
      .addColumn('member_group_id', 'text', (c) => c.references('auth_groups.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint(
        'auth_group_members_one_member',
        sql`(member_user_id is null) <> (member_group_id is null)`,
      )
      .execute();
    await db.schema
      .createIndex('auth_group_members_user')
      .unique()
      .on('auth_group_members')
      .columns(['member_user_id', 'group_id'])
      .execute();
    await db.schema
      .createIndex('auth_group_members_group')
      .unique()
      .on('auth_group_members')
      .columns(['member_group_id', 'group_id'])
      .execute();
    await db.schema
      .createIndex('auth_group_members_group_id')
      .on('auth_group_members')
      .column('group_id')
      .execute();

    await db.schema
      .createTable('auth_mcp_items')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_mcp_items_pk', ['kind', 'name'])
      .execute();

    await db.schema
      .createTable('auth_group_mcp_grants')
      .addColumn('group_id', 'text', (c) => c.notNull().references('auth_groups.id').onDelete('cascade'))
      .addColumn('item_kind', 'text', (c) => c.notNull())
      .addColumn('item_name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_group_mcp_grants_pk', ['group_id', 'item_kind', 'item_name'])
      .addForeignKeyConstraint(
        'auth_group_mcp_grants_item_fk',
        ['item_kind', 'item_name'],
        'auth_mcp_items',
        ['kind', 'name'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('auth_group_connection_grants')
      .addColumn('group_id', 'text', (c) => c.notNull().references('auth_groups.id').onDelete('cascade'))
      .addColumn('connection_name', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_group_connection_grants_pk', ['group_id', 'connection_name'])
      .execute();

    await db.schema
      .createTable('auth_group_admin_grants')
      .addColumn('group_id', 'text', (c) => c.notNull().references('auth_groups.id').onDelete('cascade'))
      .addColumn('permission', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_group_admin_grants_pk', ['group_id', 'permission'])
      .execute();
  },
};
