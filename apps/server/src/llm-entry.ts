// The LLM providers as the server builds them from its configuration, for other pgmcp programs
// (the CLI's local chat mode) that read the same settings.
export {
  createLlmProviders,
  type ConfiguredProvider,
  type LlmProviders,
  type ProviderLogger,
} from './llm-providers.js';
