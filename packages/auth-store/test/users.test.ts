import { describe, expect, it } from 'vitest';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { AuthStoreError } from '../src/index.js';
import { freshStore, PASSWORD, rawRows, rejection } from './helpers.js';

describe.each(useStoreTestTargets('auth_users'))('users on $dialect', (target) => {
  it('creates, finds, lists, updates and deletes users; names are unique ignoring case', async () => {
    const { store } = await freshStore(target);
    const alice = await store.createUser({
      username: 'Alice',
      password: PASSWORD,
      email: 'alice@example.com',
    });
    expect(alice).toMatchObject({
      username: 'Alice',
      email: 'alice@example.com',
      enabled: true,
      superuser: false,
      serviceAccount: false,
      hasPassword: true,
      failedAttempts: 0,
      lockedUntil: undefined,
      lastLoginAt: undefined,
    });
    expect(alice.id).toMatch(/^usr_/);
    expect(await store.findUserByUsername('ALICE')).toEqual(alice);
    expect(await store.getUser(alice.id)).toEqual(alice);

    const duplicate = await rejection(store.createUser({ username: 'alice', password: PASSWORD }));
    expect(duplicate).toBeInstanceOf(AuthStoreError);
    expect(duplicate).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('alice') });

    await store.createUser({ username: 'bob', password: PASSWORD });
    expect((await store.listUsers()).map((u) => u.username)).toEqual(['Alice', 'bob']);

    const updated = await store.updateUser(alice.id, {
      displayName: 'Alice A.',
      email: null,
      username: 'alice.a',
    });
    expect(updated).toMatchObject({ displayName: 'Alice A.', email: undefined, username: 'alice.a' });
    await expect(store.updateUser(alice.id, { username: 'BOB' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });

    await store.deleteUser(alice.id);
    expect(await store.findUser(alice.id)).toBeUndefined();
    await expect(store.getUser(alice.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.getUserByUsername('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.deleteUser(alice.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses bad names and e-mail addresses with INVALID_INPUT naming the rule', async () => {
    const { store } = await freshStore(target);
    for (const username of ['', ' bob', 'bob smith', '-bob', 'x'.repeat(65)]) {
      await expect(store.createUser({ username, password: PASSWORD })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('username'),
      });
    }
    await expect(
      store.createUser({ username: 'c', password: PASSWORD, email: 'not-an-address' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('email'),
    });
    await expect(store.createUser({ username: 'c' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('password is required'),
    });
  });

  it('enforces the password policy: at least 12 characters, at most 72 bytes', async () => {
    const { store } = await freshStore(target);
    const short = await rejection(store.createUser({ username: 'short', password: 'elevenchars' }));
    expect(short).toMatchObject({
      code: 'WEAK_PASSWORD',
      message: expect.stringContaining('at least 12 characters'),
    });

    // 25 three-byte characters: 25 characters, 75 bytes.
    const long = await rejection(store.createUser({ username: 'long', password: '€'.repeat(25) }));
    expect(long).toMatchObject({
      code: 'PASSWORD_TOO_LONG',
      message: expect.stringContaining('at most 72 bytes'),
    });

    const exactly72 = 'Four pale moths circle a lantern near the jetty; the tide slips out slow';
    const user = await store.createUser({ username: 'edge', password: exactly72 });
    expect(user.hasPassword).toBe(true);
    await expect(store.setPassword(user.id, 'short')).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
  });

  it('stores only a bcrypt hash of the password, at the configured cost', async () => {
    const { store, url } = await freshStore(target, { bcryptCost: 5 });
    await store.createUser({ username: 'hashme', password: PASSWORD });
    const [row] = await rawRows(url, 'auth_users');
    expect(row?.password_hash).toMatch(/^\$2b\$05\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it('makes service accounts without a password', async () => {
    const { store } = await freshStore(target);
    const bot = await store.createUser({ username: 'ci-bot', serviceAccount: true });
    expect(bot).toMatchObject({ serviceAccount: true, hasPassword: false });
    await expect(
      store.createUser({ username: 'bot2', serviceAccount: true, password: PASSWORD }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(store.setPassword(bot.id, PASSWORD)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('ensureAdmin creates the superuser admin once, with a generated or given password', async () => {
    const { store } = await freshStore(target);
    const first = await store.ensureAdmin();
    if (!first.created) throw new Error('expected the admin to be created');
    expect(first.user).toMatchObject({ username: 'admin', superuser: true, enabled: true });
    expect(first.generated).toBe(true);
    expect(first.password.length).toBeGreaterThanOrEqual(12);
    await expect(store.login('admin', first.password)).resolves.toMatchObject({
      user: { username: 'admin' },
    });
    expect(await store.ensureAdmin({ password: 'another password here' })).toEqual({ created: false });

    const other = await freshStore(target);
    const given = await other.store.ensureAdmin({ password: 'from the environment' });
    expect(given).toMatchObject({ created: true, password: 'from the environment', generated: false });
    const weak = await freshStore(target);
    await expect(weak.store.ensureAdmin({ password: 'short' })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    expect(await weak.store.listUsers()).toEqual([]);
  });

  it('never leaves the system without an enabled superuser', async () => {
    const { store } = await freshStore(target);
    const admin = await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    // One at a time: a promise created early could reject before anything awaits it.
    for (const attempt of [
      () => store.updateUser(admin.id, { enabled: false }),
      () => store.updateUser(admin.id, { superuser: false }),
      () => store.deleteUser(admin.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'LAST_SUPERUSER' });
    }
    const second = await store.createUser({ username: 'root2', password: PASSWORD, superuser: true });
    await store.updateUser(admin.id, { superuser: false });
    await expect(store.deleteUser(second.id)).rejects.toMatchObject({ code: 'LAST_SUPERUSER' });
    expect((await store.getUser(admin.id)).superuser).toBe(false);
  });

  it('records created/updated times from the clock', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'timed', password: PASSWORD });
    expect(user.createdAt).toEqual(clock.now());
    clock.advance(5000);
    const updated = await store.updateUser(user.id, { displayName: 'T' });
    expect(updated.createdAt).toEqual(user.createdAt);
    expect(updated.updatedAt.getTime()).toBe(user.createdAt.getTime() + 5000);
  });
});
