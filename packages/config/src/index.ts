// Configuration: pgmcp.yaml + PGMCP_* variables + flags, validated once (Node only).
export { ConfigSchema, type PgmcpConfig } from './config-schema.js';
export { defaultDataDir } from './data-dir.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export { loadConfig, type ConfigFlags, type LoadedConfig } from './load-config.js';
export { readSecretFile } from './secret-file.js';
export { suggestion } from './suggestion.js';
export { PGMCP_VERSION } from './version.js';
export {
  ConnectionConfigSchema,
  type ConnectionFileConfig,
  type LimitsConfig,
} from './schema/connections.js';
export { type AuthConfig } from './schema/auth.js';
export { type HttpConfig } from './schema/http.js';
export { type OAuthConfig } from './schema/oauth.js';
export { OIDC_ALGORITHMS, type OidcConfig } from './schema/oidc.js';
export { type LlmConfig, type LlmProviderFileConfig } from './schema/llm.js';
export { type EmbeddingsConfig, type ToolsetsConfig } from './schema/tools.js';
export {
  type CustomPromptConfig,
  type CustomResourceConfig,
  type CustomToolConfig,
  type WritesConfig,
} from './schema/custom-items.js';
export {
  type AlertsFileConfig,
  type CollectorFileConfig,
  type DatastoreFileConfig,
} from './schema/monitoring.js';
export { type NotificationsFileConfig } from './schema/notifications.js';

// The LLM providers are built by '@pgmcp/config/llm' (it loads the provider SDKs, which the
// administration commands do not need); their types are here.
export type { ConfiguredProvider, LlmProviders, ProviderLogger } from './llm-providers.js';

// Configuration → package options, shared by the server and the CLI.
export {
  authStoreOptions,
  compactorOptions,
  conversationStoreOptions,
  customItemsOf,
  pgToolsOptions,
  poolConnections,
  poolManagerOptions,
  toPoolConnection,
} from './package-options.js';
