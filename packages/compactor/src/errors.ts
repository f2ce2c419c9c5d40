/** Every code a CompactorError can carry. */
export type CompactorErrorCode =
  /** The compaction request is malformed (a message, a number or an option is wrong). */
  | 'INVALID_REQUEST'
  /** The configuration given to createCompactor is wrong. */
  | 'INVALID_CONFIG'
  /** compact() was called after close(). */
  | 'COMPACTOR_CLOSED'
  /** The exact tokenizer's ranks could not be loaded. */
  | 'TOKENIZER_UNAVAILABLE';

/** The one error type of @pgmcp/compactor; `code` says what went wrong. */
export class CompactorError extends Error {
  override readonly name = 'CompactorError';
  readonly code: CompactorErrorCode;

  constructor(code: CompactorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
