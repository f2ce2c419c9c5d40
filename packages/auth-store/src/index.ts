// The store.
export { createAuthStore } from './auth-store.js';
export {
  type AuthStore,
  type AuthStoreConfig,
  type CreateApiTokenInput,
  type CreatedApiToken,
  type CreateGroupInput,
  type CreateUserInput,
  type EnsureAdminResult,
  type ExternalLoginInput,
  type ExternalLoginResult,
  type LoginAttempt,
  type LoginContext,
  type LoginOutcome,
  type LoginResult,
  type Principal,
  type PrivilegeRef,
  type UpdateGroupInput,
  type UpdateUserInput,
} from './auth-store-api.js';

// The activity log (same database, its own tables).
export { createAuditLog, type AuditLog, type AuditLogOptions } from './audit/audit-log.js';
export {
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  type AuditEvent,
  type AuditEventInput,
  type AuditFilter,
  type AuditKind,
  type AuditOutcome,
} from './audit/audit-types.js';
export { sqlFingerprint } from './audit/sql-fingerprint.js';
export { auditEventJson, type AuditEventJsonLine } from './audit/audit-json.js';

// The SQL console's history and saved queries (same database, their own tables).
export {
  createQueryLibrary,
  MAX_QUERY_SQL_CHARS,
  type QueryLibrary,
  type QueryLibraryOptions,
} from './query-library/query-library.js';
export type {
  QueryHistoryEntry,
  QueryHistoryFilter,
  QueryHistoryInput,
  QueryHistoryPage,
  SavedQuery,
  SavedQueryInput,
} from './query-library/query-library-types.js';

// Evaluating access.
export {
  Access,
  createAccess,
  fullAccess,
  type AccessExplanation,
  type AccessGroup,
  type AccessInput,
  type AdminDecision,
  type ConnectionDecision,
  type ItemDecision,
} from './access.js';
export { explanationJson } from './access-json.js';

// Values.
export {
  ADMIN_PERMISSIONS,
  MCP_ITEM_KINDS,
  type AdminPermission,
  type ApiToken,
  type ConnectionAccess,
  type ConnectionGrant,
  type CredentialKind,
  type CurrentConnection,
  type Group,
  type GroupMember,
  type GroupMembers,
  type GroupPrivileges,
  type McpItem,
  type McpItemKind,
  type McpItemRef,
  type Privilege,
  type RevokeEvent,
  type RevokeReason,
  type Session,
  type TokenScope,
  type User,
} from './types.js';
export { API_TOKEN_PREFIX } from './tokens.js';
export { MAX_PASSWORD_BYTES } from './passwords.js';

// OAuth 2.1 (auth.oauth).
export {
  type IssuedOAuthTokens,
  type OAuthAuthorization,
  type OAuthClient,
  type OAuthClientKind,
  type OAuthClientStatus,
  type OAuthExchangeRefusal,
  type OAuthGrant,
  type OAuthLifetimes,
  type OAuthStore,
  type RegisterOAuthClientInput,
} from './oauth-types.js';

// Errors.
export { AuthStoreError, type AuthStoreErrorCode } from './errors.js';
