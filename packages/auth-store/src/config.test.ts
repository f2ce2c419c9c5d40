import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolveSettings } from './config.js';

describe('resolveSettings', () => {
  it('applies the defaults once, keeping bcrypt to at most two at a time', () => {
    const settings = resolveSettings({ url: ':memory:' });
    expect(settings.lockout).toEqual({ maxFailures: 5, durationMs: 15 * 60_000 });
    expect(settings.ipRateLimit).toEqual({ maxFailures: 10, windowMs: 15 * 60_000 });
    expect(settings.bcryptQueue.maxWaiting).toBe(16);
    expect(settings.bcryptQueue.maxConcurrent).toBe(DEFAULTS.bcryptMaxConcurrent);
    expect([1, 2]).toContain(DEFAULTS.bcryptMaxConcurrent);
  });

  it('rounds durations given in fractional minutes, and names a bad setting', () => {
    expect(resolveSettings({ lockout: { durationMs: 0.1234 * 60_000 } }).lockout.durationMs).toBe(7404);
    expect(() => resolveSettings({ lockout: { maxFailures: -1 } })).toThrow(
      /lockout.maxFailures must be a whole number/,
    );
    expect(() => resolveSettings({ ipRateLimit: { windowMs: 0 } })).toThrow(
      /ipRateLimit.windowMs must be a duration/,
    );
    expect(() => resolveSettings({ bcryptQueue: { maxConcurrent: 0 } })).toThrow(/bcryptQueue.maxConcurrent/);
    expect(() => resolveSettings({ bcryptCost: 3 })).toThrow(/bcryptCost must be an integer from 4 to 31/);
  });
});
