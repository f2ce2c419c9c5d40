import { LlmClientError } from './errors.js';

/** Told before each retry, e.g. to log it; the error carries no secret. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  error: LlmClientError;
}

/** Settings every provider client takes. Every field is optional unless a provider says otherwise. */
export interface LlmClientOptions {
  /** Secret sent to the provider; never appears in an error message. */
  apiKey?: string;
  /** Root URL of the provider's API (each provider documents its default). */
  baseUrl?: string;
  /** Model used when a request names none. */
  defaultModel?: string;
  /** `max_tokens` used when a request gives none. Default 4096. */
  defaultMaxTokens?: number;
  /**
   * Per-attempt timeout in milliseconds. A non-streaming call must answer within it; a stream must
   * deliver its first event, and every later one, within it. Default 120000.
   */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (429, 5xx, unreachable, timeout). Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. Default 500. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts. A `retry-after` longer than this fails at once instead. Default 30000. */
  retryMaxDelayMs?: number;
  /** Extra HTTP headers sent with every request (e.g. for a gateway). */
  headers?: Record<string, string>;
  /** Called before each retry. */
  onRetry?: (event: RetryEvent) => void;
}

/** {@link LlmClientOptions} with defaults applied. */
export interface ResolvedOptions {
  apiKey: string | undefined;
  baseUrl: string;
  defaultModel: string | undefined;
  defaultMaxTokens: number;
  timeoutMs: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  headers: Record<string, string>;
  onRetry: ((event: RetryEvent) => void) | undefined;
}

function nonNegativeInteger(
  provider: string,
  field: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new LlmClientError('BAD_CONFIG', `${provider} client: ${field} must be a non-negative integer.`, {
      provider,
    });
  }
  return value;
}

/** Applies defaults and rejects bad values with a message naming the field. */
export function resolveOptions(
  provider: string,
  options: LlmClientOptions,
  defaultBaseUrl: string,
): ResolvedOptions {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new LlmClientError('BAD_CONFIG', `${provider} client: baseUrl must be an http(s) URL.`, {
      provider,
    });
  }
  if (options.apiKey !== undefined && options.apiKey.trim() === '') {
    throw new LlmClientError('BAD_CONFIG', `${provider} client: apiKey is empty.`, { provider });
  }
  const timeoutMs = nonNegativeInteger(provider, 'timeoutMs', options.timeoutMs, 120_000);
  const defaultMaxTokens = nonNegativeInteger(provider, 'defaultMaxTokens', options.defaultMaxTokens, 4096);
  if (timeoutMs === 0 || defaultMaxTokens === 0) {
    throw new LlmClientError(
      'BAD_CONFIG',
      `${provider} client: timeoutMs and defaultMaxTokens must be positive.`,
      {
        provider,
      },
    );
  }
  return {
    apiKey: options.apiKey,
    baseUrl,
    defaultModel: options.defaultModel,
    defaultMaxTokens,
    timeoutMs,
    maxRetries: nonNegativeInteger(provider, 'maxRetries', options.maxRetries, 2),
    retryBaseDelayMs: nonNegativeInteger(provider, 'retryBaseDelayMs', options.retryBaseDelayMs, 500),
    retryMaxDelayMs: nonNegativeInteger(provider, 'retryMaxDelayMs', options.retryMaxDelayMs, 30_000),
    headers: { ...options.headers },
    onRetry: options.onRetry,
  };
}
