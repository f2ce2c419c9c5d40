import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('limits an address after maxFailures within the window, until the oldest leaves it', () => {
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 1000, maxTrackedIps: 10 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 100);
    expect(limiter.retryAfterMs('a', 200)).toBeUndefined();
    limiter.recordFailure('a', 200);
    expect(limiter.retryAfterMs('a', 300)).toBe(700);
    expect(limiter.retryAfterMs('b', 300)).toBeUndefined();
    expect(limiter.retryAfterMs('a', 1000)).toBeUndefined();
  });

  it('can be switched off', () => {
    const limiter = new LoginLimiter({ maxFailures: 0, windowMs: 1000, maxTrackedIps: 10 });
    for (let i = 0; i < 100; i += 1) limiter.recordFailure('a', i);
    expect(limiter.retryAfterMs('a', 100)).toBeUndefined();
  });

  it('remembers a bounded number of addresses, forgetting the least recent first', () => {
    const limiter = new LoginLimiter({ maxFailures: 1, windowMs: 1000, maxTrackedIps: 2 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 1);
    limiter.recordFailure('a', 2);
    limiter.recordFailure('c', 3);
    expect(limiter.retryAfterMs('a', 4)).toBeDefined();
    expect(limiter.retryAfterMs('b', 4)).toBeUndefined();
    expect(limiter.retryAfterMs('c', 4)).toBeDefined();
  });
});
