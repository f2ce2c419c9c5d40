import type { Access } from '@pgmcp/auth-store';
import type { LimitsConfig } from '@pgmcp/config';
import type { RateLimiter } from '@pgmcp/rate-limiter';
import { createRateLimit, type RateLimit } from './auth/rate-limit.js';
import type { Caller } from './auth/caller.js';

type RateKey = 'mcp_calls_per_minute' | 'rest_requests_per_minute';

/** The per-caller rates of `limits:`: MCP calls per token and REST requests per user. */
export interface CallLimits {
  /** Counts one MCP call of a token: undefined when allowed, else the seconds to wait. */
  mcpCall: (tokenKey: string, access: Access) => Promise<number | undefined>;
  /** What a refused MCP call is told. */
  mcpMessage: (waitSeconds: number, access: Access) => string;
  /** Counts one REST request of a signed-in caller, or throws RATE_LIMITED (429) with Retry-After. */
  restRequest: (caller: Caller) => Promise<void>;
}

/**
 * A user's rate for `key`: the most generous of their groups named under `limits.groups` (0, no
 * limit, beats any number), else the default. Remembered per Access (one per credential and
 * change of rights), so the hot path does not walk groups on every call.
 */
export function rateFor(config: LimitsConfig, access: Access, key: RateKey): number {
  let best: number | undefined;
  for (const group of access.groupNames) {
    const rate = config.groups[group]?.[key];
    if (rate === undefined) continue;
    if (rate === 0 || best === 0) best = 0;
    else best = Math.max(best ?? 0, rate);
  }
  return best ?? config[key];
}

/** Builds the MCP and REST rate limits on the shared limiter (the account store's). */
export function createCallLimits(config: LimitsConfig, limiter: RateLimiter): CallLimits {
  const cache = new WeakMap<Access, Record<RateKey, number>>();
  const rates = (access: Access) => {
    let found = cache.get(access);
    if (!found) {
      found = {
        mcp_calls_per_minute: rateFor(config, access, 'mcp_calls_per_minute'),
        rest_requests_per_minute: rateFor(config, access, 'rest_requests_per_minute'),
      };
      cache.set(access, found);
    }
    return found;
  };
  const mcpMessage = (wait: number, perMinute: number) =>
    `Rate limit: this token has made ${perMinute} MCP calls in a minute (limits.mcp_calls_per_minute). Try again in ${wait} s.`;
  const mcp: RateLimit = createRateLimit({
    limiter,
    prefix: 'mcp:token',
    perMinute: config.mcp_calls_per_minute,
    lease: true,
    message: mcpMessage,
  });
  const rest = createRateLimit({
    limiter,
    prefix: 'rest:user',
    perMinute: config.rest_requests_per_minute,
    lease: true,
    message: (wait, perMinute) =>
      `Rate limit: you have made ${perMinute} API requests in a minute (limits.rest_requests_per_minute). Try again in ${wait} s.`,
  });
  return {
    mcpCall: (tokenKey, access) => mcp.check(tokenKey, rates(access).mcp_calls_per_minute),
    mcpMessage: (wait, access) => mcpMessage(wait, rates(access).mcp_calls_per_minute),
    restRequest: (caller) => rest.charge(caller.user.id, rates(caller.access).rest_requests_per_minute),
  };
}
