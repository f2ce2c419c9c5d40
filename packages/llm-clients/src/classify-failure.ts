import { LlmClientError, type LlmClientErrorCode } from './errors.js';

/** What a provider told us when it refused a request (HTTP status and/or its error body). */
export interface ProviderFailure {
  provider: string;
  status?: number;
  /** Provider's error type, e.g. Anthropic `rate_limit_error`, OpenAI `invalid_request_error`. */
  type?: string;
  /** Provider's error code, e.g. OpenAI `context_length_exceeded`. */
  code?: string;
  /** Provider's message; may contain an echoed key until redacted by the client. */
  message?: string;
  headers?: Headers;
}

const CONTEXT_TOO_LONG =
  /context[_ ]length|context window|context size|prompt is too long|too many tokens|maximum context|exceeds? the (available )?context/i;
const MODEL_MISSING = /model/i;

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), if present. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function codeOf(f: ProviderFailure): [LlmClientErrorCode, string] {
  const text = `${f.code ?? ''} ${f.type ?? ''} ${f.message ?? ''}`;
  const { status, type, code } = f;
  if (
    (status === 400 || status === 413 || status === 422 || status === undefined) &&
    CONTEXT_TOO_LONG.test(text)
  ) {
    return ['CONTEXT_TOO_LONG', 'the conversation is longer than the model accepts'];
  }
  if (status === 401 || type === 'authentication_error' || code === 'invalid_api_key') {
    return ['BAD_API_KEY', 'the API key was rejected'];
  }
  if (status === 402 || type === 'billing_error' || code === 'insufficient_quota') {
    return ['QUOTA_EXCEEDED', 'the account has no quota or credit left'];
  }
  if (status === 403 || type === 'permission_error')
    return ['PERMISSION_DENIED', 'the API key may not do this'];
  if (status === 404 || type === 'not_found_error' || code === 'model_not_found') {
    return MODEL_MISSING.test(text)
      ? ['MODEL_NOT_FOUND', 'the model does not exist or is not available to this key']
      : ['ENDPOINT_NOT_FOUND', 'the endpoint does not exist; check baseUrl'];
  }
  if (status === 429 || type === 'rate_limit_error' || code === 'rate_limit_exceeded') {
    return ['RATE_LIMITED', 'rate limited'];
  }
  if (status === 413 || type === 'request_too_large')
    return ['REQUEST_TOO_LARGE', 'the request body is too large'];
  if (status === 408) return ['TIMEOUT', 'the provider timed out'];
  if ((status !== undefined && status >= 500) || type === 'api_error' || type === 'overloaded_error') {
    return ['PROVIDER_ERROR', status === 529 || type === 'overloaded_error' ? 'overloaded' : 'server error'];
  }
  if (status !== undefined && status >= 400) return ['BAD_REQUEST', 'the request was rejected'];
  return ['BAD_RESPONSE', 'unexpected error'];
}

/** Turns a provider refusal into a typed error, using one status/type → code table for every provider. */
export function classifyFailure(f: ProviderFailure): LlmClientError {
  const [code, summary] = codeOf(f);
  const statusPart = f.status === undefined ? '' : ` (HTTP ${f.status})`;
  const detail = f.message?.trim() ? `: ${f.message.trim()}` : '';
  return new LlmClientError(code, `${f.provider}: ${summary}${statusPart}${detail}`, {
    provider: f.provider,
    status: f.status,
    retryAfterMs:
      code === 'RATE_LIMITED' || code === 'PROVIDER_ERROR' ? parseRetryAfter(f.headers) : undefined,
  });
}

/** True for errors from fetch/undici that mean the server could not be reached. */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(
        code,
      )
    ) {
      return true;
    }
    if (e.name === 'TypeError' && e.message === 'fetch failed') return true;
  }
  return false;
}
