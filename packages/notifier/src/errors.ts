/** What went wrong in @pgmcp/notifier. */
export type NotifierErrorCode =
  /** An input field has a bad value (or a URL/host the SSRF guard refuses); `field` names it, e.g. "smtp.host". */
  | 'INVALID_INPUT'
  /** No notification channel with that id. */
  | 'NOT_FOUND'
  /** A channel with that name exists. */
  | 'ALREADY_EXISTS';

/** The one error type of @pgmcp/notifier. Messages never hold a secret. */
export class NotifierError extends Error {
  override readonly name = 'NotifierError';
  readonly code: NotifierErrorCode;
  /** INVALID_INPUT and ALREADY_EXISTS: the input field at fault, e.g. "to[0]". */
  readonly field: string | undefined;

  constructor(code: NotifierErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
  }
}

/** An INVALID_INPUT error whose message starts with the field: "url: …". */
export function invalidInput(field: string, why: string, cause?: unknown): NotifierError {
  return new NotifierError('INVALID_INPUT', `${field}: ${why}`, {
    field,
    ...(cause === undefined ? {} : { cause }),
  });
}
