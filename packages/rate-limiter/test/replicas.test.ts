import { describe, expect, it } from 'vitest';
import type { RateLimitHit } from '../src/index.js';
import { FakeClock, useLimiterTargets } from './helpers.js';

const MINUTE = 60_000;
const stores = useLimiterTargets('rate_limiter_replicas').filter((target) => target.backend !== 'memory');

describe.each(stores)('two limiters on one $backend store', (target) => {
  it('agree under concurrent hits: together they allow exactly the limit', async () => {
    const { limiter, another } = await target.fresh();
    const replica = await another();
    const rule = { limit: 25, windowMs: MINUTE };
    const hits = await Promise.all(
      Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? limiter : replica).hit('shared', rule)),
    );
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(25);
    expect(await replica.peek('shared', rule)).toMatchObject({ count: 25, remaining: 0 });
  });

  it('see each other’s releases and resets at once', async () => {
    const clock = new FakeClock();
    const { limiter, another } = await target.fresh({ now: clock.now });
    const replica = await another({ now: clock.now });
    const rule = { limit: 10, windowMs: MINUTE };
    const hits: RateLimitHit[] = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? limiter : replica).hit('k', rule)),
    );
    expect((await replica.hit('k', rule)).allowed).toBe(false);
    // Settle concurrently: half turned out not to count.
    await Promise.all(hits.slice(0, 5).map((hit) => hit.release()));
    expect(await limiter.peek('k', rule)).toMatchObject({ count: 5 });
    const again = await Promise.all(Array.from({ length: 8 }, () => replica.hit('k', rule)));
    expect(again.filter((hit) => hit.allowed)).toHaveLength(5);
    await limiter.reset('k');
    expect(await replica.peek('k', rule)).toMatchObject({ count: 0 });
  });
});
