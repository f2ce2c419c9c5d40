/** What kind of configuration problem stopped pgmcp. */
export type ConfigErrorCode =
  /** A key, variable or flag has a bad value, or is unknown. */
  | 'INVALID_CONFIG'
  /** A named file (config, secret) does not exist or cannot be read. */
  | 'FILE_UNREADABLE'
  /** Settings that are each valid but cannot work together (or with this machine). */
  | 'CONFLICT';

/** A start-up configuration problem; the message names the key or variable and what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;

  constructor(message: string, code: ConfigErrorCode = 'INVALID_CONFIG', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
