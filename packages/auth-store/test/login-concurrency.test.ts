import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { AuthStoreConfig, LoginOutcome } from '../src/index.js';
import { freshStore, PASSWORD, rejection } from './helpers.js';

/**
 * Collects the outcome of every login attempt a store sees. The waiting lines are made long enough
 * for every attempt below to get a turn (by default more than 16 at once for one name answer BUSY).
 */
function outcomes() {
  const seen: LoginOutcome[] = [];
  const config: Partial<AuthStoreConfig> = {
    onLoginAttempt: (attempt) => seen.push(attempt.outcome),
    bcryptQueue: { maxWaiting: 64 },
  };
  const count = (outcome: LoginOutcome) => seen.filter((o) => o === outcome).length;
  return { seen, config, count };
}

const wrong = (i: number) => `not the password ${i}`;

describe.each(useStoreTestTargets('auth_login_race'))('logins under concurrency on $dialect', (target) => {
  it('thirty wrong passwords and the right one at once from one IP: five are checked, the right one is not let in', async () => {
    const log = outcomes();
    const { store } = await freshStore(target, log.config);
    const user = await store.createUser({ username: 'vic', password: PASSWORD });
    const attempts = [...Array.from({ length: 30 }, (_, i) => wrong(i)), PASSWORD].map((password) =>
      rejection(store.login('vic', password, { ip: '203.0.113.7' })),
    );
    const errors = await Promise.all(attempts);
    // Only the first five attempts had their password checked; the other five the address allowed
    // found the account locked, and the rest were refused for the address.
    expect(log.count('wrong_password')).toBe(5);
    expect(log.count('success')).toBe(0);
    expect(log.count('locked')).toBe(5);
    expect(log.count('rate_limited')).toBe(21);
    expect(errors.at(-1)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await store.getUser(user.id)).toMatchObject({ failedAttempts: 5, lockedUntil: expect.any(Date) });
    // The lock holds for the right password too, from another address.
    await expect(store.login('vic', PASSWORD, { ip: '198.51.100.1' })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('without an address (a local CLI) the account count alone holds: the right one, sent last, is refused', async () => {
    const log = outcomes();
    const { store } = await freshStore(target, log.config);
    const user = await store.createUser({ username: 'vic', password: PASSWORD });
    const errors = await Promise.all(
      [...Array.from({ length: 30 }, (_, i) => wrong(i)), PASSWORD].map((password) =>
        rejection(store.login('vic', password)),
      ),
    );
    expect(errors.every((error) => (error as { code?: string }).code === 'INVALID_CREDENTIALS')).toBe(true);
    expect(log.count('wrong_password')).toBe(5);
    expect(log.count('locked')).toBe(26);
    expect((await store.getUser(user.id)).failedAttempts).toBe(5);
  });

  it('fifty wrong passwords at once through two replicas sharing the store: five are checked in all', async () => {
    const log = outcomes();
    const { store, reopen } = await freshStore(target, log.config);
    const replica = await reopen();
    const user = await store.createUser({ username: 'vic', password: PASSWORD });
    const errors = await Promise.all(
      Array.from({ length: 50 }, (_, i) => rejection((i % 2 === 0 ? store : replica).login('vic', wrong(i)))),
    );
    expect(errors.every((error) => (error as { code?: string }).code === 'INVALID_CREDENTIALS')).toBe(true);
    expect(log.count('wrong_password')).toBe(5);
    expect(log.count('locked')).toBe(45);
    expect(await replica.getUser(user.id)).toMatchObject({
      failedAttempts: 5,
      lockedUntil: expect.any(Date),
    });
  });

  it('counts attempts in flight against the address: twenty unknown names at once, ten are checked', async () => {
    const log = outcomes();
    const { store, reopen } = await freshStore(target, log.config);
    const replica = await reopen();
    const errors = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rejection((i % 2 === 0 ? store : replica).login(`guess${i}`, PASSWORD, { ip: '203.0.113.8' })),
      ),
    );
    expect(log.count('unknown_user')).toBe(10);
    expect(log.count('rate_limited')).toBe(10);
    expect(errors.filter((error) => (error as { code?: string }).code === 'RATE_LIMITED')).toHaveLength(10);
  });

  it('gives back the address’s count for right passwords: logins that succeed never use up the limit', async () => {
    const { store } = await freshStore(target, { ipRateLimit: { maxFailures: 2, windowMs: 60_000 } });
    await store.createUser({ username: 'vic', password: PASSWORD });
    for (let i = 0; i < 5; i += 1) await store.login('vic', PASSWORD, { ip: '203.0.113.9' });
    await rejection(store.login('vic', wrong(1), { ip: '203.0.113.9' }));
    await expect(store.login('vic', PASSWORD, { ip: '203.0.113.9' })).resolves.toBeDefined();
  });

  it('answers BUSY with Retry-After when too many password checks queue up, counting nothing for them', async () => {
    const log = outcomes();
    // Cost 10: each check takes long enough that the logins below all arrive while the first runs.
    const { store } = await freshStore(target, {
      ...log.config,
      bcryptCost: 10,
      bcryptQueue: { maxConcurrent: 1, maxWaiting: 2 },
    });
    const users = [];
    for (let i = 0; i < 12; i += 1)
      users.push(await store.createUser({ username: `u${i}`, password: PASSWORD }));
    const errors = await Promise.all(users.map((user) => rejection(store.login(user.username, wrong(0)))));
    const busy = errors.filter((error) => (error as { code?: string }).code === 'BUSY');
    expect(busy.length).toBeGreaterThan(0);
    expect(log.count('busy')).toBe(busy.length);
    expect(log.count('wrong_password')).toBe(12 - busy.length);
    for (const error of busy) {
      expect(error).toMatchObject({
        retryAfterSeconds: expect.any(Number),
        message: expect.stringMatching(/busy/),
      });
      expect((error as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    const failed = await Promise.all(
      users.map(async (user) => (await store.getUser(user.id)).failedAttempts),
    );
    expect(failed.filter((n) => n === 0)).toHaveLength(busy.length);
    expect(failed.filter((n) => n === 1)).toHaveLength(12 - busy.length);
  });

  it('answers BUSY when too many logins for one name wait at once (by default more than 16)', async () => {
    const seen: string[] = [];
    const { store } = await freshStore(target, { onLoginAttempt: (attempt) => seen.push(attempt.outcome) });
    await store.createUser({ username: 'vic', password: PASSWORD });
    const errors = await Promise.all(
      Array.from({ length: 20 }, (_, i) => rejection(store.login('VIC', wrong(i)))),
    );
    // One checking and sixteen waiting; the last three are turned away without any work.
    for (const error of errors.slice(17)) expect(error).toMatchObject({ code: 'BUSY', retryAfterSeconds: 1 });
    expect(
      errors.slice(0, 17).every((error) => (error as { code?: string }).code === 'INVALID_CREDENTIALS'),
    ).toBe(true);
    expect(seen.filter((o) => o === 'busy')).toHaveLength(3);
  });

  it('limits an over-long address like any other instead of failing', async () => {
    const { store } = await freshStore(target, { ipRateLimit: { maxFailures: 1, windowMs: 60_000 } });
    const ip = `203.0.113.10 ${'x'.repeat(1000)}`;
    await expect(store.login('nobody', PASSWORD, { ip })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await expect(store.login('nobody', PASSWORD, { ip })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
