import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import { AuthStoreError } from '../src/index.js';
import { freshStore, PASSWORD, rejection } from './helpers.js';

const MINUTE = 60_000;

describe.each(useStoreTestTargets('auth_login'))('login on $dialect', (target) => {
  it('opens a 24 h session and records the login', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'ann', password: PASSWORD });
    const result = await store.login('ANN', PASSWORD, { ip: '10.0.0.1', userAgent: 'vitest' });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.expiresAt).toEqual(new Date(clock.now().getTime() + 24 * 60 * MINUTE));
    expect(result.user).toMatchObject({ id: user.id, lastLoginAt: clock.now(), failedAttempts: 0 });
    expect(result.session).toMatchObject({ userId: user.id, ip: '10.0.0.1', userAgent: 'vitest' });
    const principal = await store.authenticate(result.token);
    expect(principal).toMatchObject({
      kind: 'session',
      credentialId: result.session.id,
      user: { id: user.id },
    });
  });

  it('answers an unknown user and a wrong password the same way', async () => {
    const { store } = await freshStore(target);
    await store.createUser({ username: 'ann', password: PASSWORD });
    const unknown = await rejection(store.login('nobody', PASSWORD));
    const wrong = await rejection(store.login('ann', 'wrong password!!'));
    expect(unknown).toBeInstanceOf(AuthStoreError);
    expect(wrong).toBeInstanceOf(AuthStoreError);
    expect({ ...(unknown as AuthStoreError), message: (unknown as Error).message }).toEqual({
      ...(wrong as AuthStoreError),
      message: (wrong as Error).message,
    });
    expect((wrong as AuthStoreError).code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses password login for service accounts, and over-long passwords bcrypt would cut', async () => {
    const { store } = await freshStore(target);
    await store.createUser({ username: 'bot', serviceAccount: true });
    await expect(store.login('bot', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // 72 bytes of UTF-8, the most bcrypt reads.
    const exactly72 = 'Seven quiet herons wait by the old mill while autumn rain drums on tin!!';
    await store.createUser({ username: 'edge', password: exactly72 });
    await expect(store.login('edge', exactly72)).resolves.toBeDefined();
    await expect(store.login('edge', `${exactly72}extra`)).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('tells a disabled user so only when the password is right', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'dora', password: PASSWORD, enabled: false });
    await expect(store.login('dora', 'wrong password!!')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    await expect(store.login('dora', PASSWORD)).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
    await store.updateUser(user.id, { enabled: true });
    await expect(store.login('dora', PASSWORD)).resolves.toMatchObject({ user: { enabled: true } });
  });

  it('locks an account after 5 failures for 15 minutes, then unlocks by itself', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'lou', password: PASSWORD });
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await expect(store.login('lou', `wrong password ${attempt}`)).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
      });
    }
    const locked = await store.getUser(user.id);
    expect(locked.failedAttempts).toBe(5);
    expect(locked.lockedUntil).toEqual(new Date(clock.now().getTime() + 15 * MINUTE));

    clock.advance(5 * MINUTE);
    // Even the right password: answered exactly like an unknown name, so the lock does not tell
    // an attacker which names exist (nor how long to wait).
    const refused = await rejection(store.login('lou', PASSWORD));
    const unknown = await rejection(store.login('nobody-here', PASSWORD));
    expect(refused).toMatchObject({ code: 'INVALID_CREDENTIALS', retryAfterSeconds: undefined });
    expect({ ...(refused as AuthStoreError), message: (refused as Error).message }).toEqual({
      ...(unknown as AuthStoreError),
      message: (unknown as Error).message,
    });
    expect((refused as Error).message).toMatch(/locked.*try again later or ask an administrator/);

    clock.advance(10 * MINUTE);
    const result = await store.login('lou', PASSWORD);
    expect(result.user).toMatchObject({ failedAttempts: 0, lockedUntil: undefined });
  });

  it('counts afresh after a lock runs out, and resets the count on success', async () => {
    const { store, clock } = await freshStore(target, { lockout: { maxFailures: 3, durationMs: MINUTE } });
    const user = await store.createUser({ username: 'max', password: PASSWORD });
    for (let i = 0; i < 3; i += 1) await rejection(store.login('max', 'wrong password!!'));
    clock.advance(MINUTE);
    await rejection(store.login('max', 'wrong password!!'));
    expect(await store.getUser(user.id)).toMatchObject({ failedAttempts: 1, lockedUntil: undefined });
    await rejection(store.login('max', 'wrong password!!'));
    await store.login('max', PASSWORD);
    expect((await store.getUser(user.id)).failedAttempts).toBe(0);
  });

  it('lets an administrator unlock an account at once', async () => {
    const { store } = await freshStore(target, { lockout: { maxFailures: 2 } });
    const user = await store.createUser({ username: 'una', password: PASSWORD });
    await rejection(store.login('una', 'wrong password!!'));
    await rejection(store.login('una', 'wrong password!!'));
    await expect(store.login('una', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await store.unlockUser(user.id)).toMatchObject({ failedAttempts: 0, lockedUntil: undefined });
    await expect(store.login('una', PASSWORD)).resolves.toBeDefined();
  });

  it('keeps the lockout in the store, so a restarted server (or another replica) still enforces it', async () => {
    const { store, reopen } = await freshStore(target, { lockout: { maxFailures: 2 } });
    await store.createUser({ username: 'rex', password: PASSWORD });
    await rejection(store.login('rex', 'wrong password!!'));
    await rejection(store.login('rex', 'wrong password!!'));
    const outcomes: string[] = [];
    const other = await reopen({ onLoginAttempt: (attempt) => outcomes.push(attempt.outcome) });
    await expect(other.login('rex', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(outcomes).toEqual(['locked']);
  });

  it('limits failed logins per IP address: 10 per 15 minutes by default', async () => {
    const { store, clock } = await freshStore(target, { lockout: { maxFailures: 0 } });
    await store.createUser({ username: 'ida', password: PASSWORD });
    for (let i = 0; i < 10; i += 1) {
      await expect(store.login(`guess${i}`, PASSWORD, { ip: '203.0.113.9' })).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
      });
      clock.advance(MINUTE);
    }
    const limited = await rejection(store.login('ida', PASSWORD, { ip: '203.0.113.9' }));
    // The first failure was 10 minutes ago: it leaves the 15-minute window in 5 minutes.
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 300 });
    await expect(store.login('ida', PASSWORD, { ip: '198.51.100.7' })).resolves.toBeDefined();
    await expect(store.login('ida', PASSWORD)).resolves.toBeDefined();
    clock.advance(5 * MINUTE);
    await expect(store.login('ida', PASSWORD, { ip: '203.0.113.9' })).resolves.toBeDefined();
  });

  it('takes the IP limit from the config', async () => {
    const { store } = await freshStore(target, { ipRateLimit: { maxFailures: 2, windowMs: MINUTE } });
    await store.createUser({ username: 'ivy', password: PASSWORD });
    await rejection(store.login('ivy', 'wrong password!!', { ip: '::1' }));
    await rejection(store.login('ivy', 'wrong password!!', { ip: '::1' }));
    await expect(store.login('ivy', PASSWORD, { ip: '::1' })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: 60,
    });
  });

  it('changes a password only with the current one, ending other sessions', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'cam', password: PASSWORD });
    const keep = await store.login('cam', PASSWORD);
    const other = await store.login('cam', PASSWORD);
    await expect(store.changePassword(user.id, 'wrong password!!', 'new password 123')).rejects.toMatchObject(
      {
        code: 'INVALID_CREDENTIALS',
      },
    );
    expect((await store.getUser(user.id)).failedAttempts).toBe(1);
    await store.changePassword(user.id, PASSWORD, 'new password 123', { keepSessionId: keep.session.id });
    expect(await store.authenticate(keep.token)).toBeDefined();
    expect(await store.authenticate(other.token)).toBeUndefined();
    await expect(store.login('cam', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(store.login('cam', 'new password 123')).resolves.toBeDefined();
  });
});
