import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/**
 * An error the server itself answers with: a REST code from the status table, a message for the
 * caller, and headers (Retry-After, WWW-Authenticate). Route handlers and middleware throw it;
 * `app.onError` turns it into the response.
 */
export class RestError extends Error {
  override readonly name = 'RestError';
  readonly status: (typeof ERROR_STATUS)[ErrorCode];

  constructor(
    /** The code the body carries; its status comes from ERROR_STATUS unless `bodyCode` names another code. */
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      headers?: Record<string, string>;
      /** A more specific code for the body (e.g. LLM_NOT_CONFIGURED answering as UNAVAILABLE). */
      bodyCode?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = ERROR_STATUS[code];
  }
}
