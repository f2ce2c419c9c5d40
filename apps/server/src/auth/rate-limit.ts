import type { RateLimiter } from '@pgmcp/rate-limiter';
import { RestError } from '../errors/rest-error.js';

/** A per-key limit on calls; `charge` counts one call or throws RATE_LIMITED with Retry-After. */
export interface RateLimit {
  charge(key: string): Promise<void>;
}

/**
 * `perMinute` calls per key in a window of a minute from the key's first call (0: no limit),
 * counted by `limiter` — in the account store, so replicas sharing a PostgreSQL store share the
 * count. Keys are namespaced with `prefix`; `message` says what was exceeded and when to retry.
 */
export function createRateLimit(options: {
  limiter: RateLimiter;
  prefix: string;
  perMinute: number;
  message: (waitSeconds: number) => string;
}): RateLimit {
  const { perMinute, limiter } = options;
  const rule = { limit: perMinute, windowMs: 60_000 };
  return {
    async charge(key) {
      if (perMinute === 0) return;
      const hit = await limiter.hit(`${options.prefix}:${key}`, rule);
      if (hit.allowed) return;
      const wait = Math.max(1, Math.ceil(hit.retryAfterMs / 1000));
      throw new RestError('RATE_LIMITED', options.message(wait), {
        headers: { 'Retry-After': String(wait) },
      });
    },
  };
}
