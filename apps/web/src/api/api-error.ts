/** A failed REST call: the server's `{"error":{"code","message"}}`, or what went wrong on the way. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The server's error code (UNAUTHORIZED, LLM_NOT_CONFIGURED, …), or NETWORK / BAD_RESPONSE. */
    readonly code: string,
    message: string,
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** True when `error` is an {@link ApiError} with the given code (any code without one). */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** A sentence for the user from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
