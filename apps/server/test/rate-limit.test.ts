import { createAccess } from '@pgmcp/auth-store';
import { ConfigSchema } from '@pgmcp/config';
import { createRateLimiter, type RateLimiter } from '@pgmcp/rate-limiter';
import { describe, expect, it } from 'vitest';
import { createRateLimit, leaseSize } from '../src/auth/rate-limit.js';
import { rateFor } from '../src/limits.js';

// The rate limits' logic on an in-memory limiter with a clock the test moves: leases that add up
// to the limit exactly, shared by "replicas" (two RateLimits on one limiter), and remembered refusals.

let clock = Date.parse('2026-01-01T00:00:00Z');
const now = () => clock;

/** A limiter that counts the hits it is asked for (store round trips, on a real store). */
async function countingLimiter(): Promise<{ limiter: RateLimiter; hits: () => number }> {
  const inner = await createRateLimiter({ now: () => new Date(clock), sweepIntervalMs: 0 });
  let hits = 0;
  const limiter = Object.assign(Object.create(inner) as RateLimiter, {
    hit: (key: string, rule: Parameters<RateLimiter['hit']>[1]) => {
      hits += 1;
      return inner.hit(key, rule);
    },
  });
  return { limiter, hits: () => hits };
}

const limitOf = (limiter: RateLimiter) =>
  createRateLimit({ limiter, prefix: 't', perMinute: 600, lease: true, now, message: (w) => `wait ${w}` });

describe('leaseSize', () => {
  it('is a divisor of the limit up to a twentieth of it (at most 50), 1 for small or prime limits', () => {
    expect(leaseSize(1200)).toBe(50);
    expect(leaseSize(600)).toBe(30);
    expect(leaseSize(100)).toBe(5);
    expect(leaseSize(6)).toBe(1);
    expect(leaseSize(601)).toBe(1);
    for (const limit of [7, 60, 97, 250, 1000, 5000, 999_983]) expect(limit % leaseSize(limit)).toBe(0);
  });
});

describe('leased rate limits', () => {
  it('two replicas alternating get exactly the limit in all, with one store hit per lease', async () => {
    const { limiter, hits } = await countingLimiter();
    const replicas = [limitOf(limiter), limitOf(limiter)];
    let allowed = 0;
    for (let i = 0; i < 700; i++) if ((await replicas[i % 2]!.check('token')) === undefined) allowed += 1;
    expect(allowed).toBe(600);
    // 20 leases of 30, one refusal each replica remembers: no further store round trips.
    expect(hits()).toBe(22);
  });

  it('remembers a refusal until the window ends, then counts afresh', async () => {
    const { limiter, hits } = await countingLimiter();
    const limit = createRateLimit({
      limiter,
      prefix: 'r',
      perMinute: 3,
      lease: true,
      now,
      message: (w) => `${w}`,
    });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await limit.check('k'));
    expect(answers.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(answers[3]).toBeGreaterThan(0);
    expect(answers[3]).toBeLessThanOrEqual(60);
    expect(hits()).toBe(4);
    clock += 61_000;
    expect(await limit.check('k')).toBeUndefined();
  });

  it('concurrent calls never pass the limit: small limits hit the store per call, large ones share leases', async () => {
    const { limiter } = await countingLimiter();
    const small = createRateLimit({
      limiter,
      prefix: 's',
      perMinute: 6,
      lease: true,
      now,
      message: (w) => `${w}`,
    });
    const smallAnswers = await Promise.all(Array.from({ length: 10 }, () => small.check('k')));
    expect(smallAnswers.filter((a) => a === undefined)).toHaveLength(6);
    const { limiter: second, hits } = await countingLimiter();
    const large = limitOf(second);
    const largeAnswers = await Promise.all(Array.from({ length: 650 }, () => large.check('k')));
    expect(largeAnswers.filter((a) => a === undefined)).toHaveLength(600);
    expect(hits()).toBeLessThanOrEqual(21);
  });

  it('charge throws RATE_LIMITED with Retry-After and the message; 0 is no limit', async () => {
    const { limiter } = await countingLimiter();
    const limit = createRateLimit({
      limiter,
      prefix: 'c',
      perMinute: 1,
      message: (wait, perMinute) => `over ${perMinute}, wait ${wait}`,
    });
    await limit.charge('k');
    await expect(limit.charge('k')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^over 1, wait \d+$/),
      options: { headers: { 'Retry-After': expect.stringMatching(/^\d+$/) } },
    });
    for (let i = 0; i < 5; i++) await limit.charge('k', 0);
  });
});

describe('rateFor', () => {
  const config = ConfigSchema.parse({
    limits: {
      mcp_calls_per_minute: 100,
      groups: {
        slow: { mcp_calls_per_minute: 10 },
        fast: { mcp_calls_per_minute: 500 },
        free: { mcp_calls_per_minute: 0 },
        rest_only: { rest_requests_per_minute: 7 },
      },
    },
  }).limits;
  const member = (...groups: string[]) =>
    createAccess({
      superuser: false,
      groups: groups.map((name) => ({ id: name, name, path: [name] })),
      grants: [],
      items: [],
    });

  it('takes the most generous of the user’s configured groups, 0 (no limit) above all, else the default', () => {
    expect(rateFor(config, member(), 'mcp_calls_per_minute')).toBe(100);
    expect(rateFor(config, member('other'), 'mcp_calls_per_minute')).toBe(100);
    expect(rateFor(config, member('slow'), 'mcp_calls_per_minute')).toBe(10);
    expect(rateFor(config, member('slow', 'fast'), 'mcp_calls_per_minute')).toBe(500);
    expect(rateFor(config, member('fast', 'free', 'slow'), 'mcp_calls_per_minute')).toBe(0);
    expect(rateFor(config, member('rest_only'), 'mcp_calls_per_minute')).toBe(100);
    expect(rateFor(config, member('rest_only'), 'rest_requests_per_minute')).toBe(7);
  });
});
