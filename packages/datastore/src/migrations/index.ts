import type { PackageMigrations } from '@pgmcp/sql-store';
import { metrics } from './2026-12-07-01-metrics.js';

/** The datastore's migrations, recorded in `metrics_migrations`. Append new ones; never edit shipped ones. */
export const datastoreMigrations: PackageMigrations = {
  name: 'metrics',
  migrations: {
    '2026-12-07-01-metrics': metrics,
  },
};
