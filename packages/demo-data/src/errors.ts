/** What went wrong while seeding the demo database or setting up its read-only role. */
export type DemoDataErrorCode =
  | 'CONNECTION_FAILED'
  | 'CLIENT_IN_TRANSACTION'
  | 'NOT_EMPTY'
  | 'ALREADY_SEEDED'
  | 'SEED_FAILED'
  | 'INVALID_OPTIONS'
  | 'WRONG_DATABASE'
  | 'SCHEMA_NOT_FOUND'
  | 'UNSAFE_ROLE'
  | 'ROLE_FAILED';

/** The one error type of @pgmcp/demo-data; `code` says what failed. */
export class DemoDataError extends Error {
  override readonly name = 'DemoDataError';
  readonly code: DemoDataErrorCode;

  constructor(code: DemoDataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The server's message of a failed query, without stack or connection details. */
export function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
