export { createApp, type AppDeps, type ConnectionHealth, type HealthReport } from './app.js';
export { clientSetupText, type BannerInfo } from './banner.js';
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
export { createLogger, type Logger } from './logger.js';
export { PGMCP_VERSION } from './version.js';
export { startServer, startStdioServer, type RunningServer, type StartOptions } from './start.js';
