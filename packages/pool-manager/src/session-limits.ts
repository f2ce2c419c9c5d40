import type { ConnectionInfo } from './connection-config.js';
import { PoolManagerError } from './errors.js';

/** Caps on open database sessions (backends) across every pool of a pool manager. */
export interface SessionLimits {
  /** Backends all users together may hold open (default 50): keeps slots free for everyone else. */
  global: number;
  /** Backends one user may hold open across all of their tokens and databases (default 10). */
  perUser: number;
  /**
   * Statements one credential (session key: a token, a login session) may run at once in this
   * process (default 8). One more fails at once instead of queueing, so one busy token cannot hold
   * every slot its user or the server has.
   */
  perToken: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { global: 50, perUser: 10, perToken: 8 };

/** Fills in defaults and validates. */
export function resolveSessionLimits(limits: Partial<SessionLimits> = {}): SessionLimits {
  const resolved = { ...DEFAULT_SESSION_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new PoolManagerError(
        'INVALID_CONNECTION_CONFIG',
        `sessionLimits.${name} must be a positive integer (got ${String(value)}).`,
      );
    }
  }
  return resolved;
}

/** The error for a user or the whole server at its cap, or undefined when a backend may open. */
export function sessionLimitError(
  open: { user: number; all: number },
  limits: SessionLimits,
  info: ConnectionInfo,
): PoolManagerError | undefined {
  if (open.user >= limits.perUser) {
    return new PoolManagerError(
      'USER_SESSION_LIMIT',
      `You already hold ${open.user} open database session${open.user === 1 ? '' : 's'} (the limit per user is ${limits.perUser}, across all your tokens and databases), all busy. Wait for your running queries to finish, or cancel them, then try again on "${info.name}".`,
    );
  }
  if (open.all >= limits.global) {
    return new PoolManagerError(
      'GLOBAL_SESSION_LIMIT',
      `pgmcp already holds ${open.all} open database sessions for all users (its limit is ${limits.global}), all busy. Try again in a moment; if it persists, ask an administrator to raise the limit.`,
    );
  }
  return undefined;
}

/** The error for a credential already running `limits.perToken` statements, or undefined. */
export function statementLimitError(
  running: number,
  limits: SessionLimits,
  info: ConnectionInfo,
): PoolManagerError | undefined {
  if (running < limits.perToken) return undefined;
  return new PoolManagerError(
    'TOKEN_STATEMENT_LIMIT',
    `This token already runs ${running} statement${running === 1 ? '' : 's'} at once (limits.concurrent_statements_per_token is ${limits.perToken}). Wait for one to finish, then try again on "${info.name}"; other tokens are not affected.`,
  );
}
