export { createApp, type AppDeps } from './app.js';
export { clientSetupText, type BannerInfo } from './banner.js';
export { createLogger, type Logger } from './logger.js';
export { startServer, startStdioServer, type RunningServer, type StartOptions } from './start.js';
export { startCollectorProcess, type RunningCollector } from './collector-process.js';
export { alertJson, blackoutJson, ruleJson, timelineJson } from './routes/alert-json.js';
