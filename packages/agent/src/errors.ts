/** Every code an {@link AgentError} can carry. */
export type AgentErrorCode =
  /** A factory or `runTurn` got options it cannot use (the message names the option). */
  | 'BAD_OPTIONS'
  /** `runTurn` got a history providers would reject (the message says where). */
  | 'INVALID_HISTORY'
  /** The LLM proxy or the MCP server said the session or token is not (or no longer) valid: log in again. */
  | 'UNAUTHORIZED'
  /** The model call failed; `upstreamCode` is the proxy's or provider's code (RATE_LIMITED, BAD_STREAM, …). */
  | 'LLM_FAILED'
  /** The tool list could not be read from the MCP server. */
  | 'TOOLS_UNAVAILABLE';

/** The one error type of @pgmcp/agent. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;
  /** For LLM_FAILED and UNAUTHORIZED: the code the proxy, provider or MCP server reported. */
  readonly upstreamCode: string | undefined;

  constructor(
    code: AgentErrorCode,
    message: string,
    options: { upstreamCode?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.upstreamCode = options.upstreamCode;
  }
}

/** True when `error` is an {@link AgentError} (with the given code, if one is given). */
export function isAgentError(error: unknown, code?: AgentErrorCode): error is AgentError {
  return error instanceof AgentError && (code === undefined || error.code === code);
}

/** The message of anything thrown, for error texts (never a stack trace). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
