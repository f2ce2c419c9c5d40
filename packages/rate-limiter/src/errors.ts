/** What went wrong in @pgmcp/rate-limiter. */
export type RateLimiterErrorCode =
  /** A key or rule is out of range (the message names it and the allowed values). */
  | 'INVALID_INPUT'
  /** The limiter was closed. */
  | 'CLOSED';

/** The one error type of @pgmcp/rate-limiter; `code` says what failed. */
export class RateLimiterError extends Error {
  override readonly name = 'RateLimiterError';
  readonly code: RateLimiterErrorCode;

  constructor(code: RateLimiterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
