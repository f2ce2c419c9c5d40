import type { PackageMigrations } from '@pgmcp/sql-store';
import { notifications } from './2026-12-07-01-notifications.js';

/** The notifier's migrations, recorded in `notifier_migrations`. Append new ones; never edit shipped ones. */
export const notifierMigrations: PackageMigrations = {
  name: 'notifier',
  migrations: {
    '2026-12-07-01-notifications': notifications,
  },
};
