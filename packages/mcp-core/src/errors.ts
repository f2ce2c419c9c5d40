import type { CallToolResult } from '@modelcontextprotocol/server';

/** Codes of {@link McpCoreError}. */
export type McpCoreErrorCode = 'DUPLICATE_ITEM' | 'INVALID_ITEM' | 'UNKNOWN_RESOURCE' | 'NOT_ALLOWED';

/** Local (non-wire) errors of @pgmcp/mcp-core, e.g. registering two tools with one name. */
export class McpCoreError extends Error {
  override readonly name = 'McpCoreError';
  readonly code: McpCoreErrorCode;

  constructor(code: McpCoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Thrown by a tool handler to fail the call with a message meant for the model: the call
 * answers `isError: true` with exactly this text. Any other error is reported as an internal
 * error without its details.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  /** The call was refused by a policy (e.g. a SQL guard), not failed: the message says why. */
  readonly refused: boolean;

  constructor(message: string, options?: { cause?: unknown; refused?: boolean }) {
    super(message, options);
    this.refused = options?.refused ?? false;
  }
}

/** A failed tool result whose text the model reads to correct itself. */
export function toolErrorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/**
 * A call refused by a limit (e.g. calls per minute): the message names the limit and when to
 * retry. A plain HTTP request answers it as 429 with Retry-After; a call inside a batch or stream
 * gets it as a tool error (or a JSON-RPC error for resources and prompts).
 */
export class McpLimitError extends Error {
  override readonly name = 'McpLimitError';
  /** Seconds until a call can be allowed (at least 1). */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
