import { createEmbeddingClient, type EmbeddingClient, isLlmClientError } from '@pgmcp/llm-clients';
import type { PgmcpConfig } from './config-schema.js';
import { ConfigError } from './errors.js';

/** Each embedding provider's model when `embeddings.model` names none. */
const DEFAULT_MODELS = { openai: 'text-embedding-3-small', ollama: 'nomic-embed-text' } as const;

/**
 * The embedding client of `embeddings:` (undefined when no provider is set). A key or base URL it
 * does not set itself comes from the LLM provider of the same name (OPENAI_API_KEY, OLLAMA_HOST).
 *
 * @example
 *   const embeddings = createEmbeddings(loaded.config); // for registerPgTools({ embeddings })
 */
export function createEmbeddings(config: PgmcpConfig): EmbeddingClient | undefined {
  const settings = config.embeddings;
  const provider = settings.provider;
  if (!provider) return undefined;
  const llm = config.llm.providers[provider];
  const apiKey = settings.api_key ?? llm?.api_key;
  const baseUrl = settings.base_url ?? llm?.base_url;
  if (provider === 'openai' && apiKey === undefined && baseUrl === undefined) {
    throw new ConfigError(
      'embeddings.provider is "openai" but there is no key: set OPENAI_API_KEY (or embeddings.api_key / api_key_file), or embeddings.base_url for an OpenAI-compatible server.',
    );
  }
  try {
    return createEmbeddingClient({
      provider,
      defaultModel: settings.model ?? DEFAULT_MODELS[provider],
      ...(apiKey !== undefined ? { apiKey } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
    });
  } catch (error) {
    if (isLlmClientError(error, 'BAD_CONFIG')) {
      throw new ConfigError(
        `embeddings: ${error.message} (base_url: embeddings.base_url or the ${provider} provider's).`,
      );
    }
    throw error;
  }
}
