import { SqlStoreError, type SqlStoreErrorCode } from './errors.js';

// PostgreSQL SQLSTATEs and better-sqlite3 extended result codes for the same violations.
const PG_CODES: Record<string, SqlStoreErrorCode> = {
  '23505': 'UNIQUE_VIOLATION',
  '23503': 'FOREIGN_KEY_VIOLATION',
  '23514': 'CHECK_VIOLATION',
  '23502': 'NOT_NULL_VIOLATION',
};
const SQLITE_CODES: Record<string, SqlStoreErrorCode> = {
  SQLITE_CONSTRAINT_UNIQUE: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'UNIQUE_VIOLATION',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'FOREIGN_KEY_VIOLATION',
  SQLITE_CONSTRAINT_CHECK: 'CHECK_VIOLATION',
  SQLITE_CONSTRAINT_NOTNULL: 'NOT_NULL_VIOLATION',
};
const CONSTRAINT_CODES = new Set<SqlStoreErrorCode>(Object.values(PG_CODES));

/**
 * Recognises a constraint violation from either driver (pg or better-sqlite3) and returns it as a
 * SqlStoreError with a dialect-independent code; anything else gives `undefined`.
 *
 * @example
 *   try { await insertUser(); } catch (error) {
 *     if (constraintError(error)?.code === 'UNIQUE_VIOLATION') throw new MyError('ALREADY_EXISTS', '...');
 *     throw error;
 *   }
 */
export function constraintError(error: unknown): SqlStoreError | undefined {
  if (error instanceof SqlStoreError) return CONSTRAINT_CODES.has(error.code) ? error : undefined;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (typeof code !== 'string') return undefined;
  const mapped = PG_CODES[code] ?? SQLITE_CODES[code];
  if (mapped === undefined) return undefined;
  const text = typeof message === 'string' ? message : '';
  // SQLite names the columns in the message: "UNIQUE constraint failed: users.username_key".
  const name = typeof constraint === 'string' ? constraint : /constraint failed: (.+)$/.exec(text)?.[1];
  return new SqlStoreError(
    mapped,
    text || mapped,
    name === undefined ? { cause: error } : { cause: error, constraint: name },
  );
}

/** True when `error` is a unique or primary-key violation from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  return constraintError(error)?.code === 'UNIQUE_VIOLATION';
}
