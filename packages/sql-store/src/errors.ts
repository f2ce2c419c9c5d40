/** What went wrong in @pgmcp/sql-store. */
export type SqlStoreErrorCode =
  | 'INVALID_URL'
  | 'OPEN_FAILED'
  | 'MIGRATION_FAILED'
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'CHECK_VIOLATION'
  | 'NOT_NULL_VIOLATION';

/** The one error type of @pgmcp/sql-store; `code` says what failed. */
export class SqlStoreError extends Error {
  override readonly name = 'SqlStoreError';
  readonly code: SqlStoreErrorCode;
  /** For constraint violations: the constraint (PostgreSQL) or `table.column` list (SQLite), when known. */
  readonly constraint: string | undefined;

  constructor(code: SqlStoreErrorCode, message: string, options?: { cause?: unknown; constraint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.constraint = options?.constraint;
  }
}
