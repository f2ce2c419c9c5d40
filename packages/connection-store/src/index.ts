export {
  createConnectionStore,
  type ConnectionStore,
  type ConnectionStoreConfig,
} from './connection-store.js';
export {
  CREDENTIAL_MODES,
  MAX_CONNECTION_PASSWORD_BYTES,
  SSL_MODES,
  type ConnectionInput,
  type ConnectionSecrets,
  type CredentialsMode,
  type SslMode,
  type StoredConnection,
  type UserCredentials,
} from './types.js';
export { CONNECTION_NAME } from './validation.js';
export { connectionJson } from './connection-json.js';
export { ConnectionStoreError, type ConnectionStoreErrorCode } from './errors.js';
export { createHostGuard, type HostGuard, type HostPolicy, type Resolver } from './host-guard.js';
export { poolDefinition, type PoolConnectionDefinition } from './pool-definition.js';
