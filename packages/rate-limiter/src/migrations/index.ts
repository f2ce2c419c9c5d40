import type { PackageMigrations } from '@pgmcp/sql-store';
import { initial } from './2026-12-01-01-initial.js';

/** The limiter's migrations, recorded in `rate_limit_migrations`. Append new ones; never edit shipped ones. */
export const rateLimitMigrations: PackageMigrations = {
  name: 'rate_limit',
  migrations: {
    '2026-12-01-01-initial': initial,
  },
};
