import type { Kysely } from 'kysely';
import type { StoreMigration } from '@pgmcp/sql-store';

// Frozen once shipped: single sign-on identities. A user created by an OpenID provider is found
// again by (issuer, subject), never by username, so a provider cannot take over a local account.
export const externalIdentities: StoreMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('auth_external_identities')
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('auth_users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('auth_external_identities_pk', ['issuer', 'subject'])
      .execute();
    await db.schema
      .createIndex('auth_external_identities_user_id')
      .on('auth_external_identities')
      .column('user_id')
      .execute();
  },
};
