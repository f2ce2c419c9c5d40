/** What went wrong while preparing or running a local PostgreSQL cluster. */
export type PgEmbeddedErrorCode =
  | 'BINARIES_NOT_FOUND'
  | 'NO_POSTGRES_OS_USER'
  | 'DATA_DIR_UNREACHABLE'
  | 'INITDB_FAILED'
  | 'START_FAILED'
  | 'DATA_DIR_IN_USE'
  | 'NOT_READY';

/** The one error type of @pgmcp/pg-embedded; `code` says which step failed. */
export class PgEmbeddedError extends Error {
  override readonly name = 'PgEmbeddedError';
  readonly code: PgEmbeddedErrorCode;

  constructor(code: PgEmbeddedErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
