/** What went wrong in @pgmcp/secrets. */
export type SecretsErrorCode =
  /** The key file does not exist (and was not to be created). */
  | 'KEY_FILE_MISSING'
  /** The key file cannot be read or holds a line that is not `<id> <base64 of 32 bytes>`. */
  | 'KEY_FILE_INVALID'
  /** A ciphertext names a key id the key file does not hold. */
  | 'UNKNOWN_KEY'
  /** A ciphertext does not decrypt with its key: a different key under the same id, or tampering. */
  | 'DECRYPT_FAILED'
  /** A value is not a ciphertext this package wrote. */
  | 'INVALID_CIPHERTEXT';

/** The one error type of @pgmcp/secrets. Messages name the key file; they never hold a secret. */
export class SecretsError extends Error {
  override readonly name = 'SecretsError';
  readonly code: SecretsErrorCode;

  constructor(code: SecretsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
