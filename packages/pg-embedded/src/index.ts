export { findPostgresBinaries, type PostgresBinaries } from './binaries.js';
export { PgEmbeddedError, type PgEmbeddedErrorCode } from './errors.js';
export { startLocalPostgres, type LocalPostgres, type LocalPostgresOptions } from './local-postgres.js';
