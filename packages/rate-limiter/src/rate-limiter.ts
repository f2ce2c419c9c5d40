import type { SqlDatabase } from '@pgmcp/sql-store';
import { RateLimiterError } from './errors.js';
import { createMemoryCounters } from './memory-counters.js';
import { createSqlCounters } from './sql-counters.js';
import type { RateLimiter } from './types.js';
import { checkKey, checkRule, newWindowId, statusOf } from './window.js';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterConfig {
  /**
   * The store to count in (from @pgmcp/sql-store), shared by every replica; its migration runs here.
   * The limiter does not close it. Left out, counts live in this process only.
   */
  readonly database?: SqlDatabase;
  /** The clock; tests pass a fake one. Default `() => new Date()`. */
  readonly now?: () => Date;
  /**
   * How often a hit also deletes ended windows (ms); 0 leaves it to `sweep()`. Default 60 000.
   */
  readonly sweepIntervalMs?: number;
  /** Called when that automatic sweep fails (the hit itself carries on). */
  readonly onSweepError?: (error: unknown) => void;
  /** In memory only: keys kept at most; the oldest are forgotten first. Default 10 000. */
  readonly maxKeys?: number;
}

// A refused hit whose counter vanished or ended meanwhile (a reset or sweep raced it) is tried again.
const MAX_TRIES = 3;

/**
 * A rate limiter counting in the given store (atomic on SQLite and PostgreSQL, so replicas agree)
 * or, without one, in memory.
 *
 * @example
 *   const limiter = await createRateLimiter({ database });
 *   const hit = await limiter.hit(`login:ip:${ip}`, { limit: 10, windowMs: 15 * 60_000 });
 *   if (!hit.allowed) throw tooMany(Math.ceil(hit.retryAfterMs / 1000));
 *   if (await passwordIsRight()) await hit.release(); // only failures count
 */
export async function createRateLimiter(config: RateLimiterConfig = {}): Promise<RateLimiter> {
  const now = config.now ?? (() => new Date());
  const sweepIntervalMs = config.sweepIntervalMs ?? 60_000;
  const backend = config.database
    ? await createSqlCounters(config.database)
    : createMemoryCounters(config.maxKeys ?? 10_000);
  let closed = false;
  let lastSweepMs = now().getTime();

  const open = () => {
    if (closed) throw new RateLimiterError('CLOSED', 'The rate limiter is closed.');
  };

  async function sweepIfDue(nowMs: number): Promise<void> {
    if (sweepIntervalMs <= 0 || nowMs - lastSweepMs < sweepIntervalMs) return;
    lastSweepMs = nowMs;
    try {
      await backend.removeEnded(nowMs);
    } catch (error) {
      config.onSweepError?.(error);
    }
  }

  return {
    backend: backend.kind,

    async hit(key, rule) {
      open();
      checkKey(key);
      checkRule(rule);
      const nowMs = now().getTime();
      await sweepIfDue(nowMs);
      for (let attempt = 1; ; attempt += 1) {
        const windowId = newWindowId();
        const { allowed, counter } = await backend.hit(key, rule, nowMs, windowId);
        const status = statusOf(counter, rule, nowMs);
        if (!allowed && status.count === 0 && attempt < MAX_TRIES) continue;
        let released = !allowed;
        const counted = counter?.windowId;
        return {
          ...status,
          // A refused hit whose counter vanished meanwhile: say "soon" rather than "now".
          retryAfterMs: allowed ? 0 : Math.max(1, status.retryAfterMs),
          allowed,
          async release() {
            if (released || counted === undefined) return;
            released = true;
            await backend.release(key, counted);
          },
        };
      }
    },

    async peek(key, rule) {
      open();
      checkKey(key);
      checkRule(rule);
      const counters = await backend.read([key]);
      return statusOf(counters.get(key), rule, now().getTime());
    },

    async peekMany(keys, rule) {
      open();
      keys.forEach(checkKey);
      checkRule(rule);
      const counters = await backend.read(keys);
      const nowMs = now().getTime();
      return new Map([...counters].map(([key, counter]) => [key, statusOf(counter, rule, nowMs)]));
    },

    async reset(key) {
      open();
      await backend.remove(checkKey(key));
    },

    async sweep(at = now()) {
      open();
      return backend.removeEnded(at.getTime());
    },

    async close() {
      closed = true;
    },
  };
}
