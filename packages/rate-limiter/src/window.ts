import { randomBytes } from 'node:crypto';
import { RateLimiterError } from './errors.js';
import type { Counter } from './counter-backend.js';
import type { RateLimitRule, RateLimitStatus } from './types.js';

// The counting rule every backend applies (the SQL backend in one statement, the memory one here):
// a window starts with the first hit of a key and lasts `windowMs`; up to `limit` hits are allowed
// in it; the hit that fills the limit stretches the window to at least `blockMs` from then; when the
// window ends the count starts afresh.

const MAX_KEY_LENGTH = 512;
const MAX_DURATION_MS = 366 * 24 * 3_600_000;

/** A new window id. */
export function newWindowId(): string {
  return randomBytes(9).toString('base64url');
}

/** Where a window that starts now ends. */
export function firstResetAt(rule: RateLimitRule, nowMs: number): number {
  const windowEnd = nowMs + rule.windowMs;
  return rule.limit <= 1 ? Math.max(windowEnd, nowMs + (rule.blockMs ?? 0)) : windowEnd;
}

/** The counter after a hit at `nowMs`, or undefined when the hit is refused (the counter is unchanged). */
export function applyHit(
  counter: Counter | undefined,
  rule: RateLimitRule,
  nowMs: number,
  windowId: string,
): Counter | undefined {
  if (!counter || counter.resetAtMs <= nowMs) {
    return { windowId, hits: 1, resetAtMs: firstResetAt(rule, nowMs) };
  }
  if (counter.hits >= rule.limit) return undefined;
  const hits = counter.hits + 1;
  const blockEnd = nowMs + (rule.blockMs ?? 0);
  const resetAtMs = hits >= rule.limit ? Math.max(counter.resetAtMs, blockEnd) : counter.resetAtMs;
  return { windowId: counter.windowId, hits, resetAtMs };
}

/** What a counter means under a rule at `nowMs`. */
export function statusOf(counter: Counter | undefined, rule: RateLimitRule, nowMs: number): RateLimitStatus {
  if (!counter || counter.resetAtMs <= nowMs) {
    return { count: 0, remaining: rule.limit, resetAt: undefined, retryAfterMs: 0 };
  }
  const full = counter.hits >= rule.limit;
  return {
    count: counter.hits,
    remaining: Math.max(0, rule.limit - counter.hits),
    resetAt: new Date(counter.resetAtMs),
    retryAfterMs: full ? Math.max(1, counter.resetAtMs - nowMs) : 0,
  };
}

/** Throws INVALID_INPUT unless `key` is 1–512 characters. */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new RateLimiterError(
      'INVALID_INPUT',
      `A rate-limit key must be 1 to ${MAX_KEY_LENGTH} characters (e.g. 'login:ip:203.0.113.5').`,
    );
  }
  return key;
}

/** Throws INVALID_INPUT naming the field unless the rule's numbers are whole and in range. */
export function checkRule(rule: RateLimitRule): RateLimitRule {
  const whole = (value: unknown, min: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  if (!whole(rule.limit, 1, 1_000_000_000)) {
    throw new RateLimiterError(
      'INVALID_INPUT',
      `limit must be a whole number of hits, at least 1 (got ${String(rule.limit)}); to switch a limit off, do not call hit().`,
    );
  }
  if (!whole(rule.windowMs, 1, MAX_DURATION_MS)) {
    throw new RateLimiterError(
      'INVALID_INPUT',
      `windowMs must be whole milliseconds from 1 to ${MAX_DURATION_MS} (a year) (got ${String(rule.windowMs)}).`,
    );
  }
  if (rule.blockMs !== undefined && !whole(rule.blockMs, 0, MAX_DURATION_MS)) {
    throw new RateLimiterError(
      'INVALID_INPUT',
      `blockMs must be whole milliseconds from 0 to ${MAX_DURATION_MS} (a year) (got ${String(rule.blockMs)}).`,
    );
  }
  return rule;
}
