/** Codes a client gives failures that carry no server error body. */
export type ClientFailureCode =
  /** The server could not be reached (refused, DNS, TLS, reset). */
  | 'NETWORK'
  /** No answer within the client's time limit. */
  | 'TIMEOUT'
  /** The caller's AbortSignal ended the request. */
  | 'CANCELLED'
  /** The answer is not what a pgmcp server sends for this route (not JSON, or not its schema). */
  | 'BAD_RESPONSE';

/**
 * A failed REST call: the server's `{"error":{"code","message"}}` with its HTTP status, or a
 * {@link ClientFailureCode} (status 0) when there was no usable answer.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The server's error code (UNAUTHORIZED, LLM_NOT_CONFIGURED, …), `HTTP_<status>` without a body, or a client failure code. */
    readonly code: string,
    message: string,
    /** HTTP status; 0 when there was no answer. */
    readonly status: number,
    /** Seconds to wait before retrying, from Retry-After. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `error` is an {@link ApiError} (with the given code, when one is given). */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
