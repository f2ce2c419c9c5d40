export {
  DEFAULT_POOL_LIMITS,
  resolveConnection,
  type ConnectionConfig,
  type ConnectionInfo,
  type ConnectionSource,
  type DatabaseLogin,
  type PoolLimits,
  type SslMode,
} from './connection-config.js';
export { type FailureReason } from './connect-error.js';
export { PoolManagerError, type PoolManagerErrorCode } from './errors.js';
export {
  createPoolManager,
  type AppliedConnections,
  type ConnectionCheck,
  type Lease,
  type PoolManager,
  type PoolManagerOptions,
  type PoolStats,
  type SessionTarget,
} from './pool-manager.js';
export { formatBytes, type LiftLimit, type ResultLimit, type ResultSizeExceeded } from './result-guard.js';
export { DEFAULT_SESSION_LIMITS, type SessionLimits } from './session-limits.js';
