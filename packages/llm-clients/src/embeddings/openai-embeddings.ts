import OpenAI from 'openai';
import { resolveOptions, type LlmClientOptions } from '../config.js';
import { LlmClientError } from '../errors.js';
import { fromStainlessError } from '../stainless-errors.js';
import type { EmbeddingClient } from './embedding-client.js';
import { createEmbeddingRuntime } from './embedding-runtime.js';

/** Settings of the OpenAI(-compatible) embedding client (`POST /v1/embeddings`). */
export type OpenAiEmbeddingConfig = Omit<LlmClientOptions, 'defaultMaxTokens'>;

const PROVIDER = 'openai';
const SDK_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Creates an {@link EmbeddingClient} for OpenAI's embeddings API or any compatible server (vLLM,
 * LM Studio, llama.cpp, Ollama's /v1).
 * @example
 *   const embedder = createOpenAiEmbeddingClient({ apiKey, defaultModel: 'text-embedding-3-small' });
 *   const { embeddings } = await embedder.embed({ input: ['red shoes'] });
 */
export function createOpenAiEmbeddingClient(config: OpenAiEmbeddingConfig = {}): EmbeddingClient {
  const options = resolveOptions(PROVIDER, config, 'https://api.openai.com/v1');
  const sdk = new OpenAI({
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseUrl,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    defaultHeaders:
      options.apiKey === undefined ? { ...options.headers, Authorization: null } : options.headers,
    logLevel: 'off',
  });
  return createEmbeddingRuntime(
    {
      provider: PROVIDER,
      async embed(request, signal) {
        const response = await sdk.embeddings.create(
          {
            model: request.model,
            input: request.input,
            // Floats, not the SDK's default base64: not every compatible server speaks base64.
            encoding_format: 'float',
            ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
          },
          { signal },
        );
        const data = [...(response.data ?? [])].sort((a, b) => a.index - b.index);
        const embeddings = data.map((item) => item.embedding);
        if (embeddings.some((e) => !Array.isArray(e) || e.some((v) => typeof v !== 'number'))) {
          throw new LlmClientError('BAD_RESPONSE', `${PROVIDER}: the embeddings are not arrays of numbers.`, {
            provider: PROVIDER,
          });
        }
        return {
          embeddings,
          model: response.model ?? request.model,
          ...(response.usage ? { usage: { input_tokens: response.usage.prompt_tokens } } : {}),
        };
      },
      toError: (error) => fromStainlessError(PROVIDER, error, OpenAI),
    },
    options,
  );
}
