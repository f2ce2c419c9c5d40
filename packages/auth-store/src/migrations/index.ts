import type { PackageMigrations } from '@pgmcp/sql-store';
import { initial } from './2026-11-21-01-initial.js';
import { oauth } from './2026-12-06-01-oauth.js';
import { externalIdentities } from './2026-12-07-01-external-identities.js';

/** The auth store's migrations, recorded in `auth_migrations`. Append new ones; never edit shipped ones. */
export const authMigrations: PackageMigrations = {
  name: 'auth',
  migrations: {
    '2026-11-21-01-initial': initial,
    '2026-12-06-01-oauth': oauth,
    '2026-12-07-01-external-identities': externalIdentities,
  },
};
