// The client interface and its request/response types.
export type { LlmChatRequest, LlmChatResult, LlmClient, LlmModel } from './types.js';

// Factories and their configs.
export { createAnthropicClient, type AnthropicClientConfig } from './anthropic/anthropic-client.js';
export { createOpenAiClient, type OpenAiClientConfig } from './openai/openai-client.js';
export type { MaxTokensField } from './openai/openai-mapping.js';
export { createOllamaClient, type OllamaClientConfig } from './ollama/ollama-client.js';
export { createLlmClient, type LlmProvider, type ProviderConfig } from './create-llm-client.js';
export type { LlmClientOptions, RetryEvent } from './config.js';

// Embeddings.
export type { EmbeddingClient, EmbeddingRequest, EmbeddingResult } from './embeddings/embedding-client.js';
export {
  createEmbeddingClient,
  type EmbeddingProvider,
  type EmbeddingProviderConfig,
} from './embeddings/create-embedding-client.js';
export { createOpenAiEmbeddingClient, type OpenAiEmbeddingConfig } from './embeddings/openai-embeddings.js';
export { createOllamaEmbeddingClient, type OllamaEmbeddingConfig } from './embeddings/ollama-embeddings.js';

// Errors.
export {
  LlmClientError,
  isLlmClientError,
  type LlmClientErrorCode,
  type LlmClientErrorDetails,
} from './errors.js';

// Helpers other packages reuse.
export { collectStream } from './collect-stream.js';
export { isChatModelId } from './model-filter.js';
export { redactSecrets } from './redact.js';
