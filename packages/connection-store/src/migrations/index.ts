import type { PackageMigrations } from '@pgmcp/sql-store';
import { connections } from './2026-12-06-01-connections.js';

/** The connection store's migrations, recorded in `conn_migrations`. Append new ones; never edit shipped ones. */
export const connectionMigrations: PackageMigrations = {
  name: 'conn',
  migrations: {
    '2026-12-06-01-connections': connections,
  },
};
