import { retryDelay, sleep, toLlmClientError } from '../client-runtime.js';
import type { ResolvedOptions } from '../config.js';
import { LlmClientError } from '../errors.js';
import type { EmbeddingClient, EmbeddingRequest, EmbeddingResult } from './embedding-client.js';

/** What each embedding provider implements; the runtime adds the rest (as for chat). */
export interface EmbeddingAdapter {
  readonly provider: string;
  embed(request: EmbeddingRequest & { model: string }, signal: AbortSignal): Promise<EmbeddingResult>;
  /** Maps the SDK's own error to a typed one; undefined if it does not recognise it. */
  toError(error: unknown): LlmClientError | undefined;
}

/**
 * Builds the public embedding client around an adapter: defaults, input checks, per-attempt
 * timeout, cancellation, retries with backoff for transient failures, and redaction of the key
 * in every error — the same policy as the chat clients.
 */
export function createEmbeddingRuntime(adapter: EmbeddingAdapter, options: ResolvedOptions): EmbeddingClient {
  const { provider } = adapter;
  const secrets = options.apiKey === undefined ? [] : [options.apiKey];

  const normalize = (error: unknown, timedOut: boolean, signal: AbortSignal | undefined): LlmClientError =>
    toLlmClientError(error, {
      provider,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      secrets,
      toError: (e) => adapter.toError(e),
      cancelled: signal?.aborted === true,
      timedOut,
    });

  async function embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    const model = request.model ?? options.defaultModel;
    if (!model) {
      throw new LlmClientError(
        'BAD_REQUEST',
        `${provider}: no embedding model given and no defaultModel configured.`,
        {
          provider,
        },
      );
    }
    if (request.input.length === 0) {
      throw new LlmClientError('BAD_REQUEST', `${provider}: input must hold at least one text.`, {
        provider,
      });
    }
    const { signal } = request;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw normalize(undefined, false, signal);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('attempt timed out'));
      }, options.timeoutMs);
      const onAbort = () => controller.abort(new Error('cancelled by the caller'));
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await adapter.embed({ ...request, model }, controller.signal);
        if (result.embeddings.length !== request.input.length) {
          throw new LlmClientError(
            'BAD_RESPONSE',
            `${provider}: asked for ${request.input.length} embeddings, got ${result.embeddings.length}.`,
            { provider },
          );
        }
        return result;
      } catch (error) {
        const typed = normalize(error, timedOut, signal);
        const delayMs = retryDelay(typed, attempt, options);
        if (delayMs === undefined) throw typed;
        options.onRetry?.({ attempt, delayMs, error: typed });
        await sleep(delayMs, signal).catch(() => {
          throw normalize(undefined, false, signal);
        });
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  return {
    provider,
    ...(options.defaultModel === undefined ? {} : { defaultModel: options.defaultModel }),
    embed,
  };
}
