// Opening a store database from a URL.
export {
  openSqlDatabase,
  typedKysely,
  type SqlDatabase,
  type SqlDatabaseConfig,
  type SqlDialect,
} from './open-database.js';
export { describeStoreLocation, parseStoreUrl, type StoreLocation } from './store-url.js';

// Migrations.
export { runMigrations, type PackageMigrations, type StoreMigration } from './run-migrations.js';

// Dialect-independent values and errors.
export {
  fromDbBool,
  fromDbJson,
  fromDbTime,
  fromDbTimeOrUndefined,
  toDbBool,
  toDbJson,
  toDbTime,
} from './values.js';
export { constraintError, isUniqueViolation } from './constraint-error.js';
export { SqlStoreError, type SqlStoreErrorCode } from './errors.js';
