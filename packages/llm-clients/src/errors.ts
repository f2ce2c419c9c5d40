/** Every way an LLM call can fail, as a stable code. */
export type LlmClientErrorCode =
  | 'BAD_CONFIG'
  | 'BAD_REQUEST'
  | 'BAD_API_KEY'
  | 'PERMISSION_DENIED'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'CONTEXT_TOO_LONG'
  | 'REQUEST_TOO_LARGE'
  | 'MODEL_NOT_FOUND'
  | 'ENDPOINT_NOT_FOUND'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_UNREACHABLE'
  | 'BAD_RESPONSE'
  | 'TIMEOUT'
  | 'CANCELLED';

/** Codes worth another attempt: the same request may succeed a moment later. */
const RETRYABLE: ReadonlySet<LlmClientErrorCode> = new Set([
  'RATE_LIMITED',
  'PROVIDER_ERROR',
  'PROVIDER_UNREACHABLE',
  'TIMEOUT',
]);

/** Extra facts about a failure; none of them ever holds a secret. */
export interface LlmClientErrorDetails {
  /** Which provider failed ("anthropic", "openai", "ollama"). */
  provider?: string;
  /** HTTP status the provider answered with, if it answered. */
  status?: number;
  /** How long the provider asked us to wait before retrying (from `retry-after`). */
  retryAfterMs?: number;
  /** The underlying error, already stripped of secrets. */
  cause?: unknown;
}

/** The one error type of `@pgmcp/llm-clients`; its message never contains an API key. */
export class LlmClientError extends Error {
  override readonly name = 'LlmClientError';
  readonly code: LlmClientErrorCode;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: LlmClientErrorCode, message: string, details: LlmClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** True for failures that a later attempt may not hit (rate limits, 5xx, network, timeouts). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** Type guard for {@link LlmClientError}, optionally for one code. */
export function isLlmClientError(error: unknown, code?: LlmClientErrorCode): error is LlmClientError {
  return error instanceof LlmClientError && (code === undefined || error.code === code);
}
