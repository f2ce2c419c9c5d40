/** What went wrong in @pgmcp/auth-store. */
export type AuthStoreErrorCode =
  /** A field has a bad value (the message names the field and the rule). */
  | 'INVALID_INPUT'
  /** The password is shorter than the policy allows. */
  | 'WEAK_PASSWORD'
  /** The password is longer than bcrypt's 72-byte limit (refused rather than silently truncated). */
  | 'PASSWORD_TOO_LONG'
  /** Unknown user, wrong password, or an account without password login: deliberately indistinguishable. */
  | 'INVALID_CREDENTIALS'
  /** Too many failed logins on this account; `retryAfterSeconds` says when it unlocks. */
  | 'ACCOUNT_LOCKED'
  /** The password was right but the account is disabled. */
  | 'ACCOUNT_DISABLED'
  /** Too many failed logins from this IP address; `retryAfterSeconds` says when to try again. */
  | 'RATE_LIMITED'
  /** No such user, group, session or token (or it belongs to someone else). */
  | 'NOT_FOUND'
  /** A user or group with that name exists. */
  | 'ALREADY_EXISTS'
  /** Adding that group member would make a group contain itself. */
  | 'GROUP_CYCLE'
  /** The change would leave no enabled superuser. */
  | 'LAST_SUPERUSER';

/** The one error type of @pgmcp/auth-store; `code` says what failed. */
export class AuthStoreError extends Error {
  override readonly name = 'AuthStoreError';
  readonly code: AuthStoreErrorCode;
  /** RATE_LIMITED and ACCOUNT_LOCKED: whole seconds until a new attempt can succeed (for Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AuthStoreErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
