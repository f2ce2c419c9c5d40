import type { PackageMigrations } from '@pgmcp/sql-store';
import { alerts } from './2026-12-07-01-alerts.js';

/** The alerter's migrations, recorded in `alerts_migrations`. Append new ones; never edit shipped ones. */
export const alerterMigrations: PackageMigrations = {
  name: 'alerts',
  migrations: {
    '2026-12-07-01-alerts': alerts,
  },
};
