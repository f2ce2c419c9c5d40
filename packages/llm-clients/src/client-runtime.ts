import type { StreamEvent } from '@pgmcp/api-contract';
import { isNetworkError } from './classify-failure.js';
import type { ResolvedOptions } from './config.js';
import { LlmClientError } from './errors.js';
import { redactSecrets } from './redact.js';
import type { LlmChatRequest, LlmChatResult, LlmClient, LlmModel } from './types.js';

/** A request with the client's defaults filled in, as adapters receive it. */
export interface ResolvedChatRequest extends Omit<LlmChatRequest, 'model' | 'max_tokens' | 'signal'> {
  model: string;
  max_tokens: number;
}

/**
 * What each provider implements; the runtime adds retries, timeouts, cancellation, defaults and
 * redaction identically for all of them. Adapters throw; they never retry.
 */
export interface ProviderAdapter {
  readonly provider: string;
  chat(request: ResolvedChatRequest, signal: AbortSignal): Promise<LlmChatResult>;
  /** Ends with a `done` event; ending without one is reported as a cut-off stream. */
  stream(request: ResolvedChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  listModels(signal: AbortSignal): Promise<LlmModel[]>;
  /** Maps the SDK's own error to a typed one; undefined if it does not recognise it. */
  toError(error: unknown): LlmClientError | undefined;
}

/** One try: its abort controller is linked to the caller's signal and to the per-attempt timer. */
class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onCallerAbort = () => this.controller.abort(new Error('cancelled by the caller'));

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {
    callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  arm(): void {
    this.disarm();
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('attempt timed out'));
    }, this.timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.#timer);
  }

  /** Stops the HTTP request if it still runs and unlinks from the caller's signal. */
  end(): void {
    this.disarm();
    this.callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    if (!this.controller.signal.aborted) this.controller.abort(new Error('attempt finished'));
  }
}

/** Waits `ms`, rejecting early when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter (half fixed, half random), honouring `retry-after`. */
export function retryDelay(
  error: LlmClientError,
  failedAttempt: number,
  options: Pick<ResolvedOptions, 'maxRetries' | 'retryBaseDelayMs' | 'retryMaxDelayMs'>,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || failedAttempt > options.maxRetries) return undefined;
  const backoff = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** (failedAttempt - 1));
  const jittered = Math.round(backoff / 2 + (random() * backoff) / 2);
  if (error.retryAfterMs === undefined) return jittered;
  // Waiting longer than the caller allows is pointless; let them decide with retryAfterMs.
  if (error.retryAfterMs > options.retryMaxDelayMs) return undefined;
  return Math.max(error.retryAfterMs, jittered);
}

function sanitizedCause(error: unknown, secrets: readonly string[]): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = error.name;
  return copy;
}

/** What {@link toLlmClientError} needs to know about the call that failed. */
export interface FailureContext {
  provider: string;
  baseUrl: string;
  timeoutMs: number;
  /** Keys to remove from every message. */
  secrets: readonly string[];
  /** The adapter's mapping of its SDK's errors; undefined when it does not recognise one. */
  toError: (error: unknown) => LlmClientError | undefined;
  cancelled: boolean;
  timedOut: boolean;
}

/**
 * Any failure of a provider call as an LlmClientError: cancelled, timed out, the SDK's own error
 * as the adapter maps it, unreachable, or an unexpected one; keys removed from message and cause.
 * Chat and embedding clients share it.
 */
export function toLlmClientError(error: unknown, context: FailureContext): LlmClientError {
  const { provider, secrets } = context;
  if (context.cancelled)
    return new LlmClientError('CANCELLED', `${provider}: the request was cancelled.`, { provider });
  if (context.timedOut) {
    return new LlmClientError('TIMEOUT', `${provider}: no answer within ${context.timeoutMs} ms.`, {
      provider,
    });
  }
  const typed =
    error instanceof LlmClientError
      ? error
      : (context.toError(error) ??
        (isNetworkError(error)
          ? new LlmClientError('PROVIDER_UNREACHABLE', `${provider}: cannot reach ${context.baseUrl}.`, {
              provider,
            })
          : new LlmClientError(
              'BAD_RESPONSE',
              `${provider}: unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
              { provider },
            )));
  return new LlmClientError(typed.code, redactSecrets(typed.message, secrets), {
    provider,
    status: typed.status,
    retryAfterMs: typed.retryAfterMs,
    cause: sanitizedCause(error === typed ? typed.cause : error, secrets),
  });
}

/** Builds the public client around a provider adapter. */
export function createClientRuntime(adapter: ProviderAdapter, options: ResolvedOptions): LlmClient {
  const { provider } = adapter;
  const secrets = options.apiKey === undefined ? [] : [options.apiKey];

  const normalize = (error: unknown, attempt: Attempt | undefined, callerSignal: AbortSignal | undefined) =>
    toLlmClientError(error, {
      provider,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      secrets,
      toError: (e) => adapter.toError(e),
      cancelled: callerSignal?.aborted === true,
      timedOut: attempt?.timedOut === true,
    });

  /** Runs `run` until it succeeds or fails for good; on success the attempt is still open. */
  async function withRetries<T>(
    callerSignal: AbortSignal | undefined,
    run: (attempt: Attempt) => Promise<T>,
  ): Promise<{ value: T; attempt: Attempt }> {
    for (let n = 1; ; n++) {
      if (callerSignal?.aborted) throw normalize(undefined, undefined, callerSignal);
      const attempt = new Attempt(callerSignal, options.timeoutMs);
      attempt.arm();
      try {
        return { value: await run(attempt), attempt };
      } catch (error) {
        attempt.end();
        const typed = normalize(error, attempt, callerSignal);
        const delayMs = retryDelay(typed, n, options);
        if (delayMs === undefined) throw typed;
        options.onRetry?.({ attempt: n, delayMs, error: typed });
        await sleep(delayMs, callerSignal).catch(() => {
          throw normalize(undefined, undefined, callerSignal);
        });
      }
    }
  }

  function resolve(request: LlmChatRequest): ResolvedChatRequest {
    const model = request.model ?? options.defaultModel;
    if (model === undefined || model === '') {
      throw new LlmClientError('BAD_REQUEST', `${provider}: no model given and no defaultModel configured.`, {
        provider,
      });
    }
    if (request.messages.length === 0) {
      throw new LlmClientError('BAD_REQUEST', `${provider}: messages must not be empty.`, { provider });
    }
    const { signal: _signal, ...rest } = request;
    return { ...rest, model, max_tokens: request.max_tokens ?? options.defaultMaxTokens };
  }

  async function once<T>(
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { value, attempt } = await withRetries(signal, (a) => call(a.controller.signal));
    attempt.end();
    return value;
  }

  async function* stream(request: LlmChatRequest): AsyncGenerator<StreamEvent> {
    const callerSignal = request.signal;
    let opened: {
      value: { iterator: AsyncIterator<StreamEvent>; first: IteratorResult<StreamEvent> };
      attempt: Attempt;
    };
    try {
      const resolved = resolve(request);
      // Only the opening is retried: once an event has been handed out, a retry would repeat it.
      opened = await withRetries(callerSignal, async (attempt) => {
        const iterator = adapter.stream(resolved, attempt.controller.signal)[Symbol.asyncIterator]();
        return { iterator, first: await iterator.next() };
      });
    } catch (error) {
      const typed = normalize(error, undefined, callerSignal);
      yield { type: 'error', code: typed.code, message: typed.message };
      return;
    }
    const { attempt, value } = opened;
    const { iterator } = value;
    let result = value.first;
    try {
      while (!result.done) {
        // The consumer's own pace does not count against the provider's timeout.
        attempt.disarm();
        yield result.value;
        if (result.value.type === 'done' || result.value.type === 'error') return;
        attempt.arm();
        result = await iterator.next();
      }
      throw new LlmClientError(
        'BAD_RESPONSE',
        `${provider}: the stream ended before the message was complete.`,
        {
          provider,
        },
      );
    } catch (error) {
      const typed = normalize(error, attempt, callerSignal);
      yield { type: 'error', code: typed.code, message: typed.message };
    } finally {
      attempt.end();
      await iterator.return?.().catch(() => undefined);
    }
  }

  return {
    provider,
    ...(options.defaultModel === undefined ? {} : { defaultModel: options.defaultModel }),
    chat: (request) => {
      try {
        const resolved = resolve(request);
        return once(request.signal, (signal) => adapter.chat(resolved, signal));
      } catch (error) {
        return Promise.reject(normalize(error, undefined, request.signal));
      }
    },
    stream,
    listModels: (listOptions) => once(listOptions?.signal, (signal) => adapter.listModels(signal)),
  };
}
