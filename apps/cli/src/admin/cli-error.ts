/** A failure the CLI itself detects; the message says what to do next. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** usage (exit 2, the default): fix the command line; failure (exit 1): it could not be done. */
    readonly kind: 'usage' | 'failure' = 'usage',
  ) {
    super(message);
  }
}

/** The person at the terminal pressed Ctrl-C (or Ctrl-D) at a prompt. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
  constructor() {
    super('cancelled; nothing was changed.');
  }
}
