import type pg from 'pg';
import type { ConnectionInfo } from './connection-config.js';
import { PoolManagerError } from './errors.js';

/** `"name" (host:port, database "db")` for messages. */
export function describeTarget(info: ConnectionInfo, database: string): string {
  return `"${info.name}" (${info.host}:${info.port}, database "${database}")`;
}

/** Turns a driver failure during connect into an error that says what to check. */
export function connectError(
  error: unknown,
  info: ConnectionInfo,
  database: string,
  pool?: pg.Pool,
): PoolManagerError {
  const where = describeTarget(info, database);
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  if (
    pool &&
    /timeout exceeded when trying to connect/i.test(message) &&
    pool.totalCount >= (pool.options.max ?? 10)
  ) {
    return new PoolManagerError(
      'POOL_EXHAUSTED',
      `All ${pool.options.max} connections of this session to ${where} are busy. Wait for running queries to finish and try again.`,
      { cause: error },
    );
  }
  switch (err.code) {
    case '28P01':
    case '28000':
      return new PoolManagerError(
        'AUTHENTICATION_FAILED',
        `PostgreSQL refused the login of user "${info.user}" on ${where}. Check the connection's user and password.`,
        { cause: error },
      );
    case '3D000':
      return new PoolManagerError(
        'DATABASE_NOT_FOUND',
        `Database "${database}" does not exist on ${where}.`,
        {
          cause: error,
        },
      );
    case '53300':
      return new PoolManagerError(
        'TOO_MANY_CONNECTIONS',
        `${where} has no free connection slots (too many clients). Try again shortly.`,
        { cause: error },
      );
    default: {
      const reason =
        err.code === 'ECONNREFUSED'
          ? 'connection refused'
          : err.code === 'ENOTFOUND'
            ? 'host not found'
            : /timeout/i.test(message)
              ? 'timed out'
              : message.replace(/\s+/g, ' ').slice(0, 200);
      return new PoolManagerError(
        'CONNECTION_FAILED',
        `Could not connect to ${where}: ${reason}. Check that the database server is running and reachable; the next call tries again.`,
        { cause: error },
      );
    }
  }
}
