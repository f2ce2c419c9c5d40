import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { RateLimiterError } from '../src/index.js';
import { FakeClock, useLimiterTargets } from './helpers.js';

const MINUTE = 60_000;

describe.each(useLimiterTargets('rate_limiter'))('rate limiter in $backend', (target) => {
  it('allows `limit` hits per window, then refuses until the window that began with the first hit ends', async () => {
    const clock = new FakeClock();
    const { limiter } = await target.fresh({ now: clock.now });
    expect(limiter.backend).toBe(target.backend);
    const rule = { limit: 3, windowMs: 15 * MINUTE };
    const start = clock.now().getTime();

    const first = await limiter.hit('ip:a', rule);
    expect(first).toMatchObject({ allowed: true, count: 1, remaining: 2, retryAfterMs: 0 });
    expect(first.resetAt).toEqual(new Date(start + 15 * MINUTE));
    clock.advance(MINUTE);
    await limiter.hit('ip:a', rule);
    clock.advance(MINUTE);
    expect(await limiter.hit('ip:a', rule)).toMatchObject({ allowed: true, count: 3, remaining: 0 });

    clock.advance(MINUTE);
    const refused = await limiter.hit('ip:a', rule);
    expect(refused).toMatchObject({ allowed: false, count: 3, remaining: 0, retryAfterMs: 12 * MINUTE });
    // A refused hit is not counted, and other keys are not affected.
    expect(await limiter.peek('ip:a', rule)).toMatchObject({ count: 3 });
    expect(await limiter.hit('ip:b', rule)).toMatchObject({ allowed: true, count: 1 });

    clock.advance(12 * MINUTE);
    const afresh = await limiter.hit('ip:a', rule);
    expect(afresh).toMatchObject({ allowed: true, count: 1, remaining: 2 });
    expect(afresh.resetAt).toEqual(new Date(clock.now().getTime() + 15 * MINUTE));
  });

  it('takes back a released hit once, and never from a later window', async () => {
    const clock = new FakeClock();
    const { limiter } = await target.fresh({ now: clock.now });
    const rule = { limit: 2, windowMs: MINUTE };
    const a = await limiter.hit('k', rule);
    const b = await limiter.hit('k', rule);
    expect((await limiter.hit('k', rule)).allowed).toBe(false);
    await b.release();
    await b.release(); // idempotent
    expect(await limiter.peek('k', rule)).toMatchObject({ count: 1, remaining: 1 });
    const c = await limiter.hit('k', rule);
    expect(c.allowed).toBe(true);
    const refused = await limiter.hit('k', rule);
    await refused.release(); // a refused hit has nothing to give back
    expect(await limiter.peek('k', rule)).toMatchObject({ count: 2 });

    clock.advance(MINUTE);
    const next = await limiter.hit('k', rule);
    expect(next).toMatchObject({ allowed: true, count: 1 });
    await a.release(); // counted in the window that ended
    expect(await limiter.peek('k', rule)).toMatchObject({ count: 1 });
  });

  it('stretches the window by blockMs from the hit that fills the limit (a lockout)', async () => {
    const clock = new FakeClock();
    const { limiter } = await target.fresh({ now: clock.now });
    const rule = { limit: 3, windowMs: 15 * MINUTE, blockMs: 15 * MINUTE };
    await limiter.hit('acct', rule);
    clock.advance(10 * MINUTE);
    await limiter.hit('acct', rule);
    expect((await limiter.peek('acct', rule)).resetAt).toEqual(new Date(clock.now().getTime() + 5 * MINUTE));
    clock.advance(4 * MINUTE);
    const filling = await limiter.hit('acct', rule);
    expect(filling).toMatchObject({ allowed: true, count: 3, remaining: 0 });
    expect(filling.resetAt).toEqual(new Date(clock.now().getTime() + 15 * MINUTE));
    clock.advance(14 * MINUTE);
    expect(await limiter.hit('acct', rule)).toMatchObject({ allowed: false, retryAfterMs: MINUTE });
    clock.advance(MINUTE);
    expect(await limiter.hit('acct', rule)).toMatchObject({ allowed: true, count: 1 });

    // With a limit of one, the first hit already fills it.
    const single = await limiter.hit('one', { limit: 1, windowMs: MINUTE, blockMs: 10 * MINUTE });
    expect(single.resetAt).toEqual(new Date(clock.now().getTime() + 10 * MINUTE));
  });

  it('peeks without counting, and forgets a key on reset', async () => {
    const { limiter } = await target.fresh();
    const rule = { limit: 2, windowMs: MINUTE };
    expect(await limiter.peek('k', rule)).toEqual({
      count: 0,
      remaining: 2,
      resetAt: undefined,
      retryAfterMs: 0,
    });
    await limiter.hit('k', rule);
    await limiter.hit('k', rule);
    await limiter.hit('other', rule);
    const many = await limiter.peekMany(['k', 'other', 'never'], rule);
    expect([...many.keys()].sort()).toEqual(['k', 'other']);
    expect(many.get('k')).toMatchObject({ count: 2, remaining: 0 });
    expect(many.get('k')!.retryAfterMs).toBeGreaterThan(0);
    await limiter.reset('k');
    expect(await limiter.peek('k', rule)).toMatchObject({ count: 0 });
    expect(await limiter.hit('k', rule)).toMatchObject({ allowed: true, count: 1 });
  });

  it('sweeps ended windows by itself every sweepIntervalMs, and on request', async () => {
    const clock = new FakeClock();
    const { limiter, database } = await target.fresh({ now: clock.now, sweepIntervalMs: 10 * MINUTE });
    const rows = async () => {
      if (!database) return undefined;
      const result = await sql<{ key: string }>`select key from rate_limit_counters order by key`.execute(
        database.kysely,
      );
      return result.rows.map((row) => row.key);
    };
    await limiter.hit('short', { limit: 5, windowMs: MINUTE });
    await limiter.hit('long', { limit: 5, windowMs: 60 * MINUTE });
    clock.advance(2 * MINUTE);
    expect(await limiter.sweep()).toBe(1);
    if (database) expect(await rows()).toEqual(['long']);

    await limiter.hit('short', { limit: 5, windowMs: MINUTE });
    clock.advance(10 * MINUTE);
    // This hit is due to sweep first: 'short' ended, so it is gone.
    await limiter.hit('third', { limit: 5, windowMs: MINUTE });
    if (database) expect(await rows()).toEqual(['long', 'third']);
    else expect(await limiter.sweep(new Date(clock.now().getTime() + MINUTE))).toBe(1);
  });

  it('never lets concurrent hits pass the limit', async () => {
    const { limiter } = await target.fresh();
    const rule = { limit: 20, windowMs: MINUTE };
    const hits = await Promise.all(Array.from({ length: 60 }, () => limiter.hit('busy', rule)));
    expect(hits.filter((hit) => hit.allowed)).toHaveLength(20);
    expect(hits.filter((hit) => !hit.allowed).every((hit) => hit.retryAfterMs > 0)).toBe(true);
    expect(await limiter.peek('busy', rule)).toMatchObject({ count: 20 });
  });

  it('refuses bad keys and rules with INVALID_INPUT naming what is wrong, and calls after close with CLOSED', async () => {
    const { limiter } = await target.fresh();
    const rule = { limit: 1, windowMs: MINUTE };
    await expect(limiter.hit('', rule)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('key'),
    });
    await expect(limiter.hit('x'.repeat(513), rule)).rejects.toBeInstanceOf(RateLimiterError);
    await expect(limiter.hit('k', { limit: 0, windowMs: MINUTE })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('limit'),
    });
    await expect(limiter.hit('k', { limit: 1.5, windowMs: MINUTE })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(limiter.hit('k', { limit: 1, windowMs: 0 })).rejects.toMatchObject({
      message: expect.stringContaining('windowMs'),
    });
    await expect(limiter.hit('k', { limit: 1, windowMs: MINUTE, blockMs: -1 })).rejects.toMatchObject({
      message: expect.stringContaining('blockMs'),
    });
    await limiter.close();
    await expect(limiter.hit('k', rule)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
