import type { Kysely } from 'kysely';
import type { StoreMigration } from '@pgmcp/sql-store';

// Frozen once shipped: OAuth 2.1 clients, pending authorizations (codes), grants and their refresh
// tokens. Access tokens are API tokens that name their grant (three new columns).
export const oauth: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_oauth_clients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('client_uri', 'text')
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('auth_oauth_grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) =>
        c.notNull().references('auth_oauth_clients.id').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_refreshed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('auth_oauth_grants_user_id')
      .on('auth_oauth_grants')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('auth_oauth_grants_client_id')
      .on('auth_oauth_grants')
      .column('client_id')
      .execute();

    await db.schema
      .createTable('auth_oauth_authorizations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) =>
        c.notNull().references('auth_oauth_clients.id').onDelete('cascade'),
      )
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('code_challenge', 'text', (c) => c.notNull())
      .addColumn('state', 'text')
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('auth_users.id').onDelete('cascade'))
      .addColumn('scope', 'text')
      .addColumn('code_hash', 'text', (c) => c.unique())
      .addColumn('grant_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('auth_oauth_refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('grant_id', 'text', (c) =>
        c.notNull().references('auth_oauth_grants.id').onDelete('cascade'),
      )
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('auth_oauth_refresh_tokens_grant_id')
      .on('auth_oauth_refresh_tokens')
      .column('grant_id')
      .execute();

    await db.schema.alterTable('auth_api_tokens').addColumn('oauth_grant_id', 'text').execute();
    await db.schema.alterTable('auth_api_tokens').addColumn('oauth_client_id', 'text').execute();
    await db.schema.alterTable('auth_api_tokens').addColumn('oauth_resource', 'text').execute();
    await db.schema
      .createIndex('auth_api_tokens_oauth_grant_id')
      .on('auth_api_tokens')
      .column('oauth_grant_id')
      .execute();
  },
};
