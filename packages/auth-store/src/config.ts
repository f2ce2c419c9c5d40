import type { AuthStoreConfig } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';

const MINUTE = 60_000;

/** Defaults of every AuthStoreConfig setting. */
export const DEFAULTS = {
  bcryptCost: 12,
  minPasswordLength: 12,
  sessionTtlMs: 24 * 60 * MINUTE,
  lockoutMaxFailures: 5,
  lockoutDurationMs: 15 * MINUTE,
  ipMaxFailures: 10,
  ipWindowMs: 15 * MINUTE,
  maxTrackedIps: 10_000,
  cacheTtlMs: 30_000,
  cacheMaxEntries: 10_000,
  lastUsedResolutionMs: MINUTE,
} as const;

/** Every setting of the store with its default applied: resolved once, when the store opens. */
export interface Settings {
  readonly bcryptCost: number;
  readonly minPasswordLength: number;
  readonly sessionTtlMs: number;
  readonly lockout: { readonly maxFailures: number; readonly durationMs: number };
  readonly ipRateLimit: {
    readonly maxFailures: number;
    readonly windowMs: number;
    readonly maxTrackedIps: number;
  };
  readonly cache: { readonly ttlMs: number; readonly maxEntries: number };
  readonly lastUsedResolutionMs: number;
  readonly now: () => Date;
  readonly onListenerError: ((error: unknown) => void) | undefined;
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
      maxFailures: config.lockout?.maxFailures ?? DEFAULTS.lockoutMaxFailures,
      durationMs: config.lockout?.durationMs ?? DEFAULTS.lockoutDurationMs,
    },
    ipRateLimit: {
      maxFailures: config.ipRateLimit?.maxFailures ?? DEFAULTS.ipMaxFailures,
      windowMs: config.ipRateLimit?.windowMs ?? DEFAULTS.ipWindowMs,
      maxTrackedIps: config.ipRateLimit?.maxTrackedIps ?? DEFAULTS.maxTrackedIps,
    },
    cache: {
      ttlMs: config.cache?.ttlMs ?? DEFAULTS.cacheTtlMs,
      maxEntries: config.cache?.maxEntries ?? DEFAULTS.cacheMaxEntries,
    },
    lastUsedResolutionMs: config.lastUsedResolutionMs ?? DEFAULTS.lastUsedResolutionMs,
    now: config.now ?? (() => new Date()),
    onListenerError: config.onListenerError,
  };
}
