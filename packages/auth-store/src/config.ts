import { availableParallelism } from 'node:os';
import type { AuthStoreConfig, LoginAttempt } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';

const MINUTE = 60_000;
const YEAR = 366 * 24 * 60 * MINUTE;

/** Defaults of every AuthStoreConfig setting. */
export const DEFAULTS = {
  bcryptCost: 12,
  minPasswordLength: 12,
  sessionTtlMs: 24 * 60 * MINUTE,
  lockoutMaxFailures: 5,
  lockoutDurationMs: 15 * MINUTE,
  ipMaxFailures: 10,
  ipWindowMs: 15 * MINUTE,
  cacheTtlMs: 30_000,
  cacheMaxEntries: 10_000,
  lastUsedResolutionMs: MINUTE,
  // bcrypt runs on libuv's four-thread pool, which file reads share: leave threads and cores free.
  bcryptMaxConcurrent: Math.min(2, Math.max(1, Math.floor(availableParallelism() / 2))),
  bcryptMaxWaiting: 16,
} as const;

/** Every setting of the store with its default applied: resolved once, when the store opens. */
export interface Settings {
  readonly bcryptCost: number;
  readonly minPasswordLength: number;
  readonly sessionTtlMs: number;
  readonly lockout: { readonly maxFailures: number; readonly durationMs: number };
  readonly ipRateLimit: { readonly maxFailures: number; readonly windowMs: number };
  readonly bcryptQueue: { readonly maxConcurrent: number; readonly maxWaiting: number };
  readonly cache: { readonly ttlMs: number; readonly maxEntries: number };
  readonly lastUsedResolutionMs: number;
  readonly now: () => Date;
  readonly onListenerError: ((error: unknown) => void) | undefined;
  readonly onLoginAttempt: ((attempt: LoginAttempt) => void) | undefined;
}

/** Applies the defaults and checks the values bcrypt and the limits need; INVALID_INPUT names the setting. */
export function resolveSettings(config: AuthStoreConfig): Settings {
  const bcryptCost = config.bcryptCost ?? DEFAULTS.bcryptCost;
  if (!Number.isInteger(bcryptCost) || bcryptCost < 4 || bcryptCost > 31) {
    throw new AuthStoreError(
      'INVALID_INPUT',
      `bcryptCost must be an integer from 4 to 31 (got ${bcryptCost}).`,
    );
  }
  return {
    bcryptCost,
    minPasswordLength: config.minPasswordLength ?? DEFAULTS.minPasswordLength,
    sessionTtlMs: config.sessionTtlMs ?? DEFAULTS.sessionTtlMs,
    lockout: {
      maxFailures: whole('lockout.maxFailures', config.lockout?.maxFailures, DEFAULTS.lockoutMaxFailures, 0),
      durationMs: duration('lockout.durationMs', config.lockout?.durationMs, DEFAULTS.lockoutDurationMs),
    },
    ipRateLimit: {
      maxFailures: whole(
        'ipRateLimit.maxFailures',
        config.ipRateLimit?.maxFailures,
        DEFAULTS.ipMaxFailures,
        0,
      ),
      windowMs: duration('ipRateLimit.windowMs', config.ipRateLimit?.windowMs, DEFAULTS.ipWindowMs),
    },
    bcryptQueue: {
      maxConcurrent: whole(
        'bcryptQueue.maxConcurrent',
        config.bcryptQueue?.maxConcurrent,
        DEFAULTS.bcryptMaxConcurrent,
        1,
      ),
      maxWaiting: whole(
        'bcryptQueue.maxWaiting',
        config.bcryptQueue?.maxWaiting,
        DEFAULTS.bcryptMaxWaiting,
        0,
      ),
    },
    cache: {
      ttlMs: config.cache?.ttlMs ?? DEFAULTS.cacheTtlMs,
      maxEntries: config.cache?.maxEntries ?? DEFAULTS.cacheMaxEntries,
    },
    lastUsedResolutionMs: config.lastUsedResolutionMs ?? DEFAULTS.lastUsedResolutionMs,
    now: config.now ?? (() => new Date()),
    onListenerError: config.onListenerError,
    onLoginAttempt: config.onLoginAttempt,
  };
}

/** A whole-number setting in range, else INVALID_INPUT naming it. */
function whole(name: string, value: number | undefined, fallback: number, min: number): number {
  const max = 1_000_000;
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new AuthStoreError(
      'INVALID_INPUT',
      `${name} must be a whole number from ${min} to ${max} (got ${chosen}).`,
    );
  }
  return chosen;
}

/** A duration of at least 1 ms and at most a year, rounded to whole ms (e.g. from fractional minutes). */
function duration(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 1 || chosen > YEAR) {
    throw new AuthStoreError(
      'INVALID_INPUT',
      `${name} must be a duration from 1 ms to a year, in milliseconds (got ${chosen}).`,
    );
  }
  return Math.round(chosen);
}
