import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { RevokeEvent } from '../src/index.js';
import { freshStore, PASSWORD, rejection } from './helpers.js';

const NEW_PASSWORD = 'seven herons at dusk';

describe.each(useStoreTestTargets('auth_password_change'))('changing a password on $dialect', (target) => {
  it('ends the user’s other sessions and nothing else: not the kept one, their tokens or anyone else’s', async () => {
    const { store } = await freshStore(target);
    const cam = await store.createUser({ username: 'cam', password: PASSWORD });
    const dee = await store.createUser({ username: 'dee', password: PASSWORD });
    const current = await store.login('cam', PASSWORD);
    const laptop = await store.login('cam', PASSWORD);
    const phone = await store.login('cam', PASSWORD);
    const token = await store.createApiToken(cam.id);
    const deeSession = await store.login('dee', PASSWORD);
    const deeToken = await store.createApiToken(dee.id);
    for (const t of [
      current.token,
      laptop.token,
      phone.token,
      token.token,
      deeSession.token,
      deeToken.token,
    ]) {
      expect(await store.authenticate(t)).toBeDefined(); // cached now, so the cache must be told too
    }
    const events: RevokeEvent[] = [];
    store.onRevoke((event) => events.push(event));

    await store.changePassword(cam.id, PASSWORD, NEW_PASSWORD, { keepSessionId: current.session.id });

    expect(events.map((e) => [e.credentialId, e.reason]).sort()).toEqual(
      [
        [laptop.session.id, 'password_changed'],
        [phone.session.id, 'password_changed'],
      ].sort(),
    );
    expect(await store.authenticate(laptop.token)).toBeUndefined();
    expect(await store.authenticate(phone.token)).toBeUndefined();
    expect(await store.authenticate(current.token)).toMatchObject({ credentialId: current.session.id });
    expect(await store.authenticate(token.token)).toMatchObject({ credentialId: token.apiToken.id });
    expect(await store.authenticate(deeSession.token)).toBeDefined();
    expect(await store.authenticate(deeToken.token)).toBeDefined();
    expect((await store.listSessions(cam.id)).map((s) => s.id)).toEqual([current.session.id]);
    expect(await store.listSessions(dee.id)).toHaveLength(1);
  });

  it('refuses a weak new password before checking (and counting) the current one', async () => {
    const { store } = await freshStore(target);
    const cam = await store.createUser({ username: 'cam', password: PASSWORD });
    await expect(store.changePassword(cam.id, 'wrong password!!', 'aaaaaaaaaaaa')).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    expect((await store.getUser(cam.id)).failedAttempts).toBe(0);
  });

  it('tells the signed-in owner that the account is locked, with Retry-After', async () => {
    const { store } = await freshStore(target, { lockout: { maxFailures: 2, durationMs: 60_000 } });
    const cam = await store.createUser({ username: 'cam', password: PASSWORD });
    await rejection(store.login('cam', 'wrong password!!'));
    await rejection(store.login('cam', 'wrong password!!'));
    await expect(store.changePassword(cam.id, PASSWORD, NEW_PASSWORD)).rejects.toMatchObject({
      code: 'ACCOUNT_LOCKED',
      retryAfterSeconds: 60,
    });
    await store.unlockUser(cam.id);
    await store.changePassword(cam.id, PASSWORD, NEW_PASSWORD);
    await expect(store.login('cam', NEW_PASSWORD)).resolves.toBeDefined();
  });
});
