/** Why the pool manager could not give out a database session. */
export type PoolManagerErrorCode =
  | 'UNKNOWN_CONNECTION'
  | 'INVALID_CONNECTION_CONFIG'
  | 'DATABASE_NOT_ALLOWED'
  | 'CONNECTION_FAILED'
  | 'AUTHENTICATION_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'CREDENTIALS_REQUIRED'
  | 'TLS_FAILED'
  | 'TOO_MANY_CONNECTIONS'
  | 'POOL_EXHAUSTED'
  | 'USER_SESSION_LIMIT'
  | 'TOKEN_STATEMENT_LIMIT'
  | 'GLOBAL_SESSION_LIMIT'
  | 'RESULT_TOO_LARGE'
  | 'PROTOCOL_ERROR'
  | 'CLOSED';

/** The one error type of @pgmcp/pool-manager. Messages name the connection and say what to check. */
export class PoolManagerError extends Error {
  override readonly name = 'PoolManagerError';
  readonly code: PoolManagerErrorCode;

  constructor(code: PoolManagerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
