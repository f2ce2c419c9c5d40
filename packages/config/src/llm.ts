// The LLM providers as pgmcp builds them from the `llm` section: a separate entry point, because
// it loads every provider SDK and most users of the configuration (the admin CLI) need none.
export {
  createLlmProviders,
  LLM_NOT_CONFIGURED_MESSAGE,
  providerKeyVariable,
  providerLabel,
  type ConfiguredProvider,
  type LlmProviders,
  type ProviderLogger,
} from './llm-providers.js';
export { createEmbeddings } from './embeddings.js';
