/** What went wrong in @pgmcp/alerter. */
export type AlerterErrorCode =
  /** An argument has a bad value; `field` names it and the message says what is valid. */
  | 'INVALID_INPUT'
  /** The rule, alert or blackout named does not exist. */
  | 'NOT_FOUND'
  /** The alerter needs a PostgreSQL database (the metrics datastore). */
  | 'NOT_POSTGRES';

/** The one error type of @pgmcp/alerter. Messages never hold a secret. */
export class AlerterError extends Error {
  override readonly name = 'AlerterError';
  readonly code: AlerterErrorCode;
  /** INVALID_INPUT: the argument at fault, e.g. "threshold" or "time_zone". */
  readonly field: string | undefined;

  constructor(code: AlerterErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }
}

/** An INVALID_INPUT error naming `field`. */
export function invalid(field: string, message: string): AlerterError {
  return new AlerterError('INVALID_INPUT', `${field}: ${message}`, { field });
}
