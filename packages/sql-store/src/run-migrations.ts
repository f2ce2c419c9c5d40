import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';
import { SqlStoreError } from './errors.js';
import type { SqlDatabase, SqlDialect } from './open-database.js';

/** One schema change. Once released it is frozen: later changes are new migrations. */
export interface StoreMigration {
  /** Applies the change; `dialect` is there for the rare statement the two dialects spell differently. */
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** A package's migrations and the name its bookkeeping tables are derived from. */
export interface PackageMigrations {
  /**
   * Short lower-case name, e.g. `auth`: the applied migrations are recorded in `<name>_migrations`
   * (lock table `<name>_migrations_lock`), so several packages can share one database.
   */
  readonly name: string;
  /** Migrations by name; names sort in the order they apply (use `YYYY-MM-DD-NN-what`). */
  readonly migrations: Readonly<Record<string, StoreMigration>>;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * Applies a package's pending migrations in name order, all in one transaction: if one fails, none
 * of this run's migrations stay applied. Concurrent starts are serialised (an advisory lock on
 * PostgreSQL, the BEGIN IMMEDIATE write lock on SQLite), so replicas and a CLI may start together.
 * Returns the names applied. A database holding a migration this code does not know (a newer
 * release ran on it) is refused.
 *
 * @example
 *   await runMigrations(database, { name: 'auth', migrations: { '2026-11-21-01-initial': initial } });
 */
export async function runMigrations(database: SqlDatabase, set: PackageMigrations): Promise<string[]> {
  if (!NAME.test(set.name)) {
    throw new SqlStoreError(
      'MIGRATION_FAILED',
      `Migration set name '${set.name}' is not a short lower-case identifier (letters, digits, _).`,
    );
  }
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(set.migrations)) {
    migrations[name] = { up: (db: Kysely<unknown>) => migration.up(db, database.dialect) };
  }
  const migrator = new Migrator({
    db: database.kysely,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: `${set.name}_migrations`,
    migrationLockTableName: `${set.name}_migrations_lock`,
  });
  let outcome: { error?: unknown; results?: MigrationResult[] };
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    outcome = { error };
  }
  const failed = outcome.results?.find((result) => result.status === 'Error');
  if (outcome.error !== undefined) {
    const which = failed ? `migration ${failed.migrationName}` : 'migrations';
    throw new SqlStoreError(
      'MIGRATION_FAILED',
      `Could not apply the ${set.name} ${which} to ${database.description}: ${messageOf(outcome.error)}`,
      { cause: outcome.error },
    );
  }
  return (outcome.results ?? []).filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
