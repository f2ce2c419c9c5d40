/** What went wrong in @pgmcp/connection-store. */
export type ConnectionStoreErrorCode =
  /** A field has a bad value; `field` names it. */
  | 'INVALID_INPUT'
  /** A connection with that name exists (stored or from the config file). */
  | 'ALREADY_EXISTS'
  /** No such stored connection (or no stored credentials). */
  | 'NOT_FOUND';

/** The one error type of @pgmcp/connection-store. Messages never hold a secret. */
export class ConnectionStoreError extends Error {
  override readonly name = 'ConnectionStoreError';
  readonly code: ConnectionStoreErrorCode;
  /** INVALID_INPUT and ALREADY_EXISTS: the input field at fault, e.g. "port". */
  readonly field: string | undefined;

  constructor(
    code: ConnectionStoreErrorCode,
    message: string,
    options?: { field?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }
}
