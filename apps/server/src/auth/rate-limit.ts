import type { RateLimiter } from '@pgmcp/rate-limiter';
import { RestError } from '../errors/rest-error.js';

/** A per-key limit on calls per minute. */
export interface RateLimit {
  /** Counts one call for `key`, or throws RATE_LIMITED (429) with Retry-After. */
  charge(key: string, perMinute?: number): Promise<void>;
  /** Counts one call for `key`: undefined when allowed, else the seconds to wait (at least 1). */
  check(key: string, perMinute?: number): Promise<number | undefined>;
}

const WINDOW_MS = 60_000;
/** A lease covers at most this share of a window's calls, so replicas waste little at its end. */
const LEASES_PER_WINDOW = 20;
/** Calls one lease covers at most (one store round trip per this many calls). */
const MAX_LEASE = 50;
/** Local lease entries kept before ended ones are dropped. */
const MAX_LOCAL_KEYS = 10_000;

/**
 * Calls one store hit covers for a limit of `perMinute`: the largest divisor of the limit up to a
 * twentieth of it (at most 50), so whole leases add up to the limit exactly. 1 for small limits
 * (every call is one hit: exact across replicas).
 */
export function leaseSize(perMinute: number): number {
  const most = Math.min(MAX_LEASE, Math.floor(perMinute / LEASES_PER_WINDOW));
  for (let size = most; size > 1; size -= 1) if (perMinute % size === 0) return size;
  return 1;
}

interface LocalLease {
  /** Calls left in the lease. */
  left: number;
  /** Epoch ms when the shared window (and so the lease) ends. */
  until: number;
  /** Epoch ms until which the shared count refused: answered here without the store. */
  refusedUntil: number;
}

/**
 * `perMinute` calls per key (0: no limit; `charge`/`check` may pass another limit per call, e.g.
 * a group's) in a window of a minute from the key's first call, counted by `limiter` — in the
 * account store, so replicas sharing a PostgreSQL store share the count. Keys are namespaced with
 * `prefix`; `message` says what was exceeded and when to retry.
 *
 * With `lease`, a hot path (every MCP call) avoids a store round trip per call: one hit in the
 * store takes a lease of {@link leaseSize} calls that this process hands out itself, and a refusal
 * is remembered until the window ends. Leases add up to the limit exactly, so replicas together
 * never exceed it; calls a replica leased but did not use are lost when the window ends (the
 * others may be refused up to that many calls early).
 */
export function createRateLimit(options: {
  limiter: RateLimiter;
  prefix: string;
  perMinute: number;
  message: (waitSeconds: number, perMinute: number) => string;
  lease?: boolean;
  now?: () => number;
}): RateLimit {
  const { limiter } = options;
  const now = options.now ?? Date.now;
  const leases = new Map<string, LocalLease>();
  const pending = new Map<string, Promise<LocalLease>>();
  const waitOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  async function takeLease(key: string, size: number, perMinute: number): Promise<LocalLease> {
    const hit = await limiter.hit(key, { limit: perMinute / size, windowMs: WINDOW_MS });
    const at = now();
    if (leases.size >= MAX_LOCAL_KEYS) {
      for (const [k, l] of leases) if (l.until <= at && l.refusedUntil <= at) leases.delete(k);
    }
    const lease = hit.allowed
      ? { left: size, until: hit.resetAt?.getTime() ?? at + WINDOW_MS, refusedUntil: 0 }
      : { left: 0, until: 0, refusedUntil: at + Math.max(1, hit.retryAfterMs) };
    leases.set(key, lease);
    return lease;
  }

  async function checkLeased(key: string, perMinute: number): Promise<number | undefined> {
    const size = leaseSize(perMinute);
    const full = size === 1 ? key : `${key}:x${size}`;
    // Each round ends in a local call, a refusal, or a new lease taken from the store, which
    // refuses once the limit is spent: the loop ends.
    for (;;) {
      const at = now();
      const local = leases.get(full);
      if (local && local.refusedUntil > at) return waitOf(local.refusedUntil - at);
      if (local && local.left > 0 && local.until > at) {
        local.left -= 1;
        return undefined;
      }
      // Leases of one call need no queue: concurrent hits are atomic in the store.
      if (size === 1) {
        const taken = await takeLease(full, size, perMinute);
        if (taken.left === 0) return waitOf(taken.refusedUntil - now());
        taken.left = 0;
        return undefined;
      }
      let taking = pending.get(full);
      if (!taking) {
        taking = takeLease(full, size, perMinute).finally(() => pending.delete(full));
        pending.set(full, taking);
      }
      await taking;
    }
  }

  async function check(key: string, perMinute = options.perMinute): Promise<number | undefined> {
    if (perMinute === 0) return undefined;
    const full = `${options.prefix}:${key}`;
    if (options.lease) return checkLeased(full, perMinute);
    const hit = await limiter.hit(full, { limit: perMinute, windowMs: WINDOW_MS });
    return hit.allowed ? undefined : waitOf(hit.retryAfterMs);
  }

  return {
    check,
    async charge(key, perMinute = options.perMinute) {
      const wait = await check(key, perMinute);
      if (wait === undefined) return;
      throw new RestError('RATE_LIMITED', options.message(wait, perMinute), {
        headers: { 'Retry-After': String(wait) },
      });
    },
  };
}
