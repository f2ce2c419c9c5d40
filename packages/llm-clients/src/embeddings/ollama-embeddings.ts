import { Ollama } from 'ollama';
import { classifyFailure } from '../classify-failure.js';
import { resolveOptions, type LlmClientOptions } from '../config.js';
import { LlmClientError } from '../errors.js';
import type { EmbeddingClient } from './embedding-client.js';
import { createEmbeddingRuntime } from './embedding-runtime.js';

/** Settings of the Ollama embedding client (`POST /api/embed`). */
export interface OllamaEmbeddingConfig extends Omit<LlmClientOptions, 'defaultMaxTokens'> {
  /** How long Ollama keeps the model loaded after a call (`keep_alive`). */
  keepAlive?: string | number;
  /** Let Ollama cut inputs longer than the model's context instead of failing (default true, Ollama's own default). */
  truncate?: boolean;
}

const PROVIDER = 'ollama';

async function checkedFetch(input: string | URL | Request, init: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON: keep the text.
  }
  throw classifyFailure({ provider: PROVIDER, status: response.status, message, headers: response.headers });
}

/**
 * Creates an {@link EmbeddingClient} for an Ollama server.
 * @example
 *   const embedder = createOllamaEmbeddingClient({ defaultModel: 'nomic-embed-text' });
 *   const { embeddings } = await embedder.embed({ input: ['red shoes'] });
 */
export function createOllamaEmbeddingClient(config: OllamaEmbeddingConfig = {}): EmbeddingClient {
  const options = resolveOptions(PROVIDER, config, 'http://127.0.0.1:11434');
  if (options.apiKey === undefined && new URL(options.baseUrl).hostname === 'ollama.com') {
    throw new LlmClientError('BAD_CONFIG', `${PROVIDER} client: apiKey is required for ollama.com.`, {
      provider: PROVIDER,
    });
  }
  const headers = {
    ...options.headers,
    ...(options.apiKey === undefined ? {} : { Authorization: `Bearer ${options.apiKey}` }),
  };
  return createEmbeddingRuntime(
    {
      provider: PROVIDER,
      async embed(request, signal) {
        // The SDK takes no per-request signal, so each call gets an instance whose fetch carries ours.
        const sdk = new Ollama({
          host: options.baseUrl,
          headers,
          fetch: (input, init) =>
            checkedFetch(input, {
              ...init,
              signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
            }),
        });
        const response = await sdk.embed({
          model: request.model,
          input: request.input,
          ...(config.truncate === undefined ? {} : { truncate: config.truncate }),
          ...(config.keepAlive === undefined ? {} : { keep_alive: config.keepAlive }),
          ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
        });
        if (!Array.isArray(response.embeddings)) {
          throw new LlmClientError('BAD_RESPONSE', `${PROVIDER}: the answer has no embeddings.`, {
            provider: PROVIDER,
          });
        }
        return {
          embeddings: response.embeddings,
          model: response.model ?? request.model,
          ...(typeof response.prompt_eval_count === 'number'
            ? { usage: { input_tokens: response.prompt_eval_count } }
            : {}),
        };
      },
      // HTTP errors are typed in checkedFetch; everything else is the runtime's to classify.
      toError: () => undefined,
    },
    options,
  );
}
