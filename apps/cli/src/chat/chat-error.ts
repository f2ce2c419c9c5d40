/** Why `pgmcp chat` stopped; each code maps to an exit status in {@link exitCodeOf}. */
export type ChatErrorCode =
  /** A flag, a value or the configuration is wrong: fix the command (exit 2). */
  | 'USAGE'
  /** Local mode has no LLM provider: set a key variable (exit 2). */
  | 'NO_PROVIDER'
  /** Not logged in and no terminal to log in on (exit 2). */
  | 'NOT_LOGGED_IN'
  /** The server refused the credentials (exit 1). */
  | 'UNAUTHORIZED'
  /** The server could not be reached (exit 1). */
  | 'UNREACHABLE'
  /** The server answered with an error (exit 1). */
  | 'SERVER_ERROR'
  /** A stored or local conversation does not exist (exit 2). */
  | 'NOT_FOUND'
  /** The local MCP server (pgmcp serve --stdio) did not start (exit 1). */
  | 'MCP_FAILED'
  /** The turn failed: the model, the tools (exit 1). */
  | 'TURN_FAILED'
  /** Ctrl-C (exit 130). */
  | 'CANCELLED';

/** A failure of `pgmcp chat`; the message says what happened and what to do next. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
  }
}

/** True when `error` is a {@link ChatError}, optionally with `code`. */
export function isChatError(error: unknown, code?: ChatErrorCode): error is ChatError {
  return error instanceof ChatError && (code === undefined || error.code === code);
}

/** The process exit status for an error code. */
export function exitCodeOf(code: ChatErrorCode): number {
  switch (code) {
    case 'USAGE':
    case 'NO_PROVIDER':
    case 'NOT_LOGGED_IN':
    case 'NOT_FOUND':
      return 2;
    case 'CANCELLED':
      return 130;
    case 'UNAUTHORIZED':
    case 'UNREACHABLE':
    case 'SERVER_ERROR':
    case 'MCP_FAILED':
    case 'TURN_FAILED':
      return 1;
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
