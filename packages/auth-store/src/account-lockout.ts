import type { RateLimitRule } from '@pgmcp/rate-limiter';
import type { Settings } from './config.js';
import { toUser, type Lockout } from './rows.js';
import type { UsersTable } from './schema.js';
import type { StoreContext } from './store-context.js';
import type { User } from './types.js';

// An account's failed logins are counted in the store's rate limiter (so every replica agrees, and
// an attempt counts from before its password is checked): key `auth:login:account:<user id>`,
// `lockout.maxFailures` attempts per `lockout.durationMs`, and the attempt that fills the limit
// locks the account for `lockout.durationMs` from then.

const NO_LOCKOUT: Lockout = { failedAttempts: 0, lockedUntil: undefined };

/** The limiter key of an account's login attempts. */
export function accountKey(userId: string): string {
  return `auth:login:account:${userId}`;
}

/** The limiter key of the login attempts from one client address (cut as sessions store it). */
export function ipKey(ip: string): string {
  return `auth:login:ip:${String(ip).slice(0, 100)}`;
}

/** The lockout rule, or undefined when lockout is switched off. */
export function lockoutRule(settings: Settings): RateLimitRule | undefined {
  const { maxFailures, durationMs } = settings.lockout;
  return maxFailures > 0 ? { limit: maxFailures, windowMs: durationMs, blockMs: durationMs } : undefined;
}

/** The per-IP rule, or undefined when it is switched off. */
export function ipRule(settings: Settings): RateLimitRule | undefined {
  const { maxFailures, windowMs } = settings.ipRateLimit;
  return maxFailures > 0 ? { limit: maxFailures, windowMs } : undefined;
}

/** Users with their current failed-attempt count and lock (one query for all of them). */
export async function usersOf(ctx: StoreContext, rows: readonly UsersTable[]): Promise<User[]> {
  const rule = lockoutRule(ctx.settings);
  if (!rule || rows.length === 0) return rows.map((row) => toUser(row, NO_LOCKOUT));
  const statuses = await ctx.limiter.peekMany(
    rows.map((row) => accountKey(row.id)),
    rule,
  );
  return rows.map((row) => {
    const status = statuses.get(accountKey(row.id));
    if (!status || status.count === 0) return toUser(row, NO_LOCKOUT);
    const locked = status.count >= rule.limit && status.resetAt !== undefined;
    return toUser(row, { failedAttempts: status.count, lockedUntil: locked ? status.resetAt : undefined });
  });
}

/** One user with their lockout state. */
export async function userOf(ctx: StoreContext, row: UsersTable): Promise<User> {
  const [user] = await usersOf(ctx, [row]);
  return user!;
}

/** A user just created: nothing counted yet. */
export function newUserOf(row: UsersTable): User {
  return toUser(row, NO_LOCKOUT);
}
