/** What went wrong in @pgmcp/collector. */
export type CollectorErrorCode =
  /** A probe definition or option is invalid; the message names it. */
  'INVALID_CONFIG';

/** The one error type of @pgmcp/collector (probe failures are recorded as statuses, not thrown). */
export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  readonly code: CollectorErrorCode;

  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
