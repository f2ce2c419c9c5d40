import { RestError } from '../errors/rest-error.js';

/** A per-key limit on calls; `charge` counts one call or throws RATE_LIMITED with Retry-After. */
export interface RateLimit {
  charge(key: string): Promise<void>;
}

/**
 * A token bucket per key: `perMinute` calls at once, refilled evenly over the minute (0: no limit).
 * `message` says what was exceeded and when to retry.
 */
export function createRateLimit(options: {
  perMinute: number;
  message: (waitSeconds: number) => string;
  now?: () => number;
}): RateLimit {
  const { perMinute } = options;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return {
    async charge(key) {
      if (perMinute === 0) return;
      const at = now();
      if (buckets.size > 10_000) {
        // Full buckets carry no state worth keeping.
        for (const [k, b] of buckets) if (b.tokens + (at - b.at) * perMs >= perMinute) buckets.delete(k);
      }
      const bucket = buckets.get(key) ?? { tokens: perMinute, at };
      bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * perMs);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      throw new RestError('RATE_LIMITED', options.message(wait), {
        headers: { 'Retry-After': String(wait) },
      });
    },
  };
}
