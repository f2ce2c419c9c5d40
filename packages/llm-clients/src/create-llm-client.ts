import { createAnthropicClient, type AnthropicClientConfig } from './anthropic/anthropic-client.js';
import { LlmClientError } from './errors.js';
import { createOllamaClient, type OllamaClientConfig } from './ollama/ollama-client.js';
import { createOpenAiClient, type OpenAiClientConfig } from './openai/openai-client.js';
import type { LlmClient } from './types.js';

/** The providers this package speaks to. */
export type LlmProvider = 'anthropic' | 'openai' | 'ollama';

/** A client config tagged with its provider, e.g. from a config file. */
export type ProviderConfig =
  | ({ provider: 'anthropic' } & AnthropicClientConfig)
  | ({ provider: 'openai' } & OpenAiClientConfig)
  | ({ provider: 'ollama' } & OllamaClientConfig);

/**
 * Creates the client for `config.provider`.
 * @example
 *   const llm = createLlmClient({ provider: 'openai', apiKey, defaultModel: 'gpt-4.1-mini' });
 */
export function createLlmClient(config: ProviderConfig): LlmClient {
  switch (config.provider) {
    case 'anthropic':
      return createAnthropicClient(config);
    case 'openai':
      return createOpenAiClient(config);
    case 'ollama':
      return createOllamaClient(config);
    default: {
      const provider = (config as { provider?: unknown }).provider;
      throw new LlmClientError(
        'BAD_CONFIG',
        `Unknown LLM provider ${JSON.stringify(provider)}; expected "anthropic", "openai" or "ollama".`,
      );
    }
  }
}
