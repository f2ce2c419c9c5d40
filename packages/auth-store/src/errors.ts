/** What went wrong in @pgmcp/auth-store. */
export type AuthStoreErrorCode =
  /** A field has a bad value (the message names the field and the rule). */
  | 'INVALID_INPUT'
  /** The password is shorter than the policy allows. */
  | 'WEAK_PASSWORD'
  /** The password is longer than bcrypt's 72-byte limit (refused rather than silently truncated). */
  | 'PASSWORD_TOO_LONG'
  /**
   * A failed login: unknown user, wrong password, locked account, or an account without password
   * login — deliberately indistinguishable.
   */
  | 'INVALID_CREDENTIALS'
  /**
   * Too many failed logins on this account; `retryAfterSeconds` says when it unlocks. Only
   * `changePassword` says so (its caller is signed in as that user); `login` answers INVALID_CREDENTIALS.
   */
  | 'ACCOUNT_LOCKED'
  /** The password was right but the account is disabled. */
  | 'ACCOUNT_DISABLED'
  /** Too many failed logins from this IP address; `retryAfterSeconds` says when to try again. */
  | 'RATE_LIMITED'
  /**
   * Too many password checks are queued (bcrypt is capped so it cannot starve the server);
   * `retryAfterSeconds` says when to try again. Nothing was counted against the account.
   */
  | 'BUSY'
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
  /** RATE_LIMITED, BUSY and ACCOUNT_LOCKED: whole seconds until a new attempt can succeed (for Retry-After). */
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
