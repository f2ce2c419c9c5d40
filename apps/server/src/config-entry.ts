// The configuration without the server: what the CLI's administration commands need to find the
// same store as the server, without loading the server itself.
export {
  ConfigError,
  ConfigSchema,
  defaultDataDir,
  loadConfig,
  suggestion,
  type ConfigFlags,
  type LoadedConfig,
  type PgmcpConfig,
} from './config.js';
export { PGMCP_VERSION } from './version.js';
