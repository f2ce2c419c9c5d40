import type { AlerterErrorCode } from '@pgmcp/alerter';
import type { AuthStoreErrorCode } from '@pgmcp/auth-store';
import type { CompactorErrorCode } from '@pgmcp/compactor';
import type { ConnectionStoreErrorCode } from '@pgmcp/connection-store';
import type { ConversationStoreErrorCode } from '@pgmcp/conversation-store';
import type { DatastoreErrorCode } from '@pgmcp/datastore';
import type { LlmClientErrorCode } from '@pgmcp/llm-clients';
import type { NotifierErrorCode } from '@pgmcp/notifier';
import type { PoolManagerErrorCode } from '@pgmcp/pool-manager';

/** The error codes of the REST surface and their HTTP statuses (STYLE.md: one table; toErrorResponse reads it). */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  FORBIDDEN_ORIGIN: 403,
  FORBIDDEN_HOST: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

// Each package's error codes and the REST code whose status they answer with. The body keeps the
// package's own code (e.g. ACCOUNT_LOCKED), so clients can tell cases apart.

export const AUTH_STORE_ERRORS: Record<AuthStoreErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  WEAK_PASSWORD: 'BAD_REQUEST',
  PASSWORD_TOO_LONG: 'BAD_REQUEST',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  ACCOUNT_DISABLED: 'FORBIDDEN',
  ACCOUNT_LOCKED: 'LOCKED',
  RATE_LIMITED: 'RATE_LIMITED',
  BUSY: 'RATE_LIMITED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  GROUP_CYCLE: 'CONFLICT',
  LAST_SUPERUSER: 'CONFLICT',
};

export const LLM_CLIENT_ERRORS: Record<LlmClientErrorCode, ErrorCode> = {
  BAD_REQUEST: 'BAD_REQUEST',
  CONTEXT_TOO_LONG: 'BAD_REQUEST',
  MODEL_NOT_FOUND: 'BAD_REQUEST',
  REQUEST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  // The server's key or account is at fault, not the caller: the gateway failed.
  BAD_API_KEY: 'BAD_GATEWAY',
  PERMISSION_DENIED: 'BAD_GATEWAY',
  QUOTA_EXCEEDED: 'BAD_GATEWAY',
  ENDPOINT_NOT_FOUND: 'BAD_GATEWAY',
  PROVIDER_ERROR: 'BAD_GATEWAY',
  BAD_RESPONSE: 'BAD_GATEWAY',
  PROVIDER_UNREACHABLE: 'UNAVAILABLE',
  CANCELLED: 'UNAVAILABLE',
  TIMEOUT: 'GATEWAY_TIMEOUT',
  BAD_CONFIG: 'INTERNAL',
};

export const COMPACTOR_ERRORS: Record<CompactorErrorCode, ErrorCode> = {
  INVALID_REQUEST: 'BAD_REQUEST',
  INVALID_CONFIG: 'INTERNAL',
  COMPACTOR_CLOSED: 'UNAVAILABLE',
  TOKENIZER_UNAVAILABLE: 'UNAVAILABLE',
};

export const CONVERSATION_STORE_ERRORS: Record<ConversationStoreErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY: 'RATE_LIMITED',
  QUOTA_EXCEEDED: 'PAYLOAD_TOO_LARGE',
};

export const POOL_MANAGER_ERRORS: Record<PoolManagerErrorCode, ErrorCode> = {
  UNKNOWN_CONNECTION: 'NOT_FOUND',
  INVALID_CONNECTION_CONFIG: 'BAD_REQUEST',
  DATABASE_NOT_ALLOWED: 'FORBIDDEN',
  CONNECTION_FAILED: 'BAD_GATEWAY',
  AUTHENTICATION_FAILED: 'BAD_GATEWAY',
  DATABASE_NOT_FOUND: 'NOT_FOUND',
  // The caller has to store their own database login first (per_user connections).
  CREDENTIALS_REQUIRED: 'FORBIDDEN',
  TLS_FAILED: 'BAD_GATEWAY',
  TOO_MANY_CONNECTIONS: 'RATE_LIMITED',
  POOL_EXHAUSTED: 'UNAVAILABLE',
  USER_SESSION_LIMIT: 'RATE_LIMITED',
  TOKEN_STATEMENT_LIMIT: 'RATE_LIMITED',
  GLOBAL_SESSION_LIMIT: 'UNAVAILABLE',
  RESULT_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  PROTOCOL_ERROR: 'BAD_GATEWAY',
  CLOSED: 'UNAVAILABLE',
};

export const CONNECTION_STORE_ERRORS: Record<ConnectionStoreErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  // A duplicate name is a bad value of the `name` field (400 naming it), like the other bad input.
  ALREADY_EXISTS: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
};

export const DATASTORE_ERRORS: Record<DatastoreErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  // A datastore URL that is not PostgreSQL is caught at start-up; here it is a server fault.
  NOT_POSTGRES: 'INTERNAL',
};
export const ALERTER_ERRORS: Record<AlerterErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  NOT_POSTGRES: 'INTERNAL',
};

export const NOTIFIER_ERRORS: Record<NotifierErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
};
