import type { PackageMigrations } from '@pgmcp/sql-store';
import { initial } from './2026-11-21-01-initial.js';

/** The conversation store's migrations, recorded in `conversation_migrations`. Append; never edit shipped ones. */
export const conversationMigrations: PackageMigrations = {
  name: 'conversation',
  migrations: {
    '2026-11-21-01-initial': initial,
  },
};
