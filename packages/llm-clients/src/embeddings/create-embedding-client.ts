import { LlmClientError } from '../errors.js';
import type { EmbeddingClient } from './embedding-client.js';
import { createOllamaEmbeddingClient, type OllamaEmbeddingConfig } from './ollama-embeddings.js';
import { createOpenAiEmbeddingClient, type OpenAiEmbeddingConfig } from './openai-embeddings.js';

/** The providers that serve embeddings. */
export type EmbeddingProvider = 'openai' | 'ollama';

/** An embedding client config tagged with its provider, e.g. from a config file. */
export type EmbeddingProviderConfig =
  ({ provider: 'openai' } & OpenAiEmbeddingConfig) | ({ provider: 'ollama' } & OllamaEmbeddingConfig);

/**
 * Creates the embedding client for `config.provider`.
 * @example
 *   const embedder = createEmbeddingClient({ provider: 'ollama', defaultModel: 'nomic-embed-text' });
 */
export function createEmbeddingClient(config: EmbeddingProviderConfig): EmbeddingClient {
  switch (config.provider) {
    case 'openai':
      return createOpenAiEmbeddingClient(config);
    case 'ollama':
      return createOllamaEmbeddingClient(config);
    default: {
      const provider = (config as { provider?: unknown }).provider;
      throw new LlmClientError(
        'BAD_CONFIG',
        `Unknown embedding provider ${JSON.stringify(provider)}; expected "openai" (or an OpenAI-compatible server) or "ollama".`,
      );
    }
  }
}
