export {
  DEFAULT_POOL_LIMITS,
  resolveConnection,
  type ConnectionConfig,
  type ConnectionInfo,
  type PoolLimits,
  type SslMode,
} from './connection-config.js';
export { PoolManagerError, type PoolManagerErrorCode } from './errors.js';
export {
  createPoolManager,
  type ConnectionCheck,
  type Lease,
  type PoolManager,
  type PoolManagerOptions,
  type PoolStats,
  type SessionTarget,
} from './pool-manager.js';
export { formatBytes, type LiftLimit, type ResultLimit, type ResultSizeExceeded } from './result-guard.js';
export { DEFAULT_SESSION_LIMITS, type SessionLimits } from './session-limits.js';
