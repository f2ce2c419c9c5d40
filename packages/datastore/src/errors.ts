/** What went wrong in @pgmcp/datastore. */
export type DatastoreErrorCode =
  /** An argument has a bad value; `field` names it and the message says what is valid. */
  | 'INVALID_INPUT'
  /** The datastore URL is not a PostgreSQL URL (the datastore needs native partitioning). */
  | 'NOT_POSTGRES';

/** The one error type of @pgmcp/datastore. Messages never hold a secret. */
export class DatastoreError extends Error {
  override readonly name = 'DatastoreError';
  readonly code: DatastoreErrorCode;
  /** INVALID_INPUT: the argument at fault, e.g. "buckets". */
  readonly field: string | undefined;

  constructor(code: DatastoreErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }
}
