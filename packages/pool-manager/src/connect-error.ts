import type pg from 'pg';
import type { ConnectionInfo } from './connection-config.js';
import { PoolManagerError } from './errors.js';

/** `"name" (host:port, database "db")` for messages. */
export function describeTarget(info: ConnectionInfo, database: string): string {
  return `"${info.name}" (${info.host}:${info.port}, database "${database}")`;
}

/** Why a connection attempt failed, for the "Test" button and the CLI. */
export type FailureReason = 'dns' | 'refused' | 'timeout' | 'tls' | 'auth' | 'database_missing' | 'other';

const TLS_CODE = /CERT|TLS|SSL|EPROTO/;
const NO_TLS_SERVER = /does not support SSL/i;
// pg_hba.conf has only hostssl lines for this client: "... no encryption".
const TLS_REQUIRED = /no encryption/i;

/** Classifies a connect failure. */
export function failureReason(error: unknown): FailureReason {
  const { code, message = '' } = error as { code?: string; message?: string };
  if (code === '28000' && TLS_REQUIRED.test(message)) return 'tls';
  if (code === '28P01' || code === '28000') return 'auth';
  if (code === '3D000') return 'database_missing';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (NO_TLS_SERVER.test(message) || (code !== undefined && TLS_CODE.test(code))) return 'tls';
  if (/timeout|timed out/i.test(message) || code === 'ETIMEDOUT') return 'timeout';
  return 'other';
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
  if (failureReason(error) === 'tls') {
    const why =
      err.code === '28000'
        ? 'the server requires TLS for this client (pg_hba.conf has only hostssl entries); set sslmode to require or stricter'
        : NO_TLS_SERVER.test(message)
          ? 'the server does not accept TLS connections; use sslmode prefer or disable, or enable ssl on the server'
          : `the TLS handshake failed (${err.code ?? message.slice(0, 120)}); check sslmode and the CA certificate (sslrootcert)`;
    return new PoolManagerError('TLS_FAILED', `Could not connect to ${where}: ${why}.`, { cause: error });
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
          : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
            ? `host name "${info.host}" could not be resolved (DNS)`
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
