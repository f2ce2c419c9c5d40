import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { RevokeEvent } from '../src/index.js';
import { freshStore, PASSWORD, rawRows } from './helpers.js';

const HOUR = 3_600_000;

describe.each(useStoreTestTargets('auth_sessions'))('sessions on $dialect', (target) => {
  it('persists sessions across a restart of the store', async () => {
    const { store, reopen } = await freshStore(target);
    await store.createUser({ username: 'pat', password: PASSWORD });
    const { token, session } = await store.login('pat', PASSWORD);
    await store.close();
    const restarted = await reopen();
    expect(await restarted.authenticate(token)).toMatchObject({ kind: 'session', credentialId: session.id });
  });

  it('stores only the SHA-256 of session tokens', async () => {
    const { store, url } = await freshStore(target);
    await store.createUser({ username: 'pat', password: PASSWORD });
    const { token } = await store.login('pat', PASSWORD);
    const rows = await rawRows(url, 'auth_sessions');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const { createHash } = await import('node:crypto');
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('lists a user’s sessions with their client, and revokes one', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const other = await store.createUser({ username: 'quinn', password: PASSWORD });
    const first = await store.login('pat', PASSWORD, { ip: '10.1.1.1', userAgent: 'Firefox' });
    clock.advance(1000);
    const second = await store.login('pat', PASSWORD, { ip: '10.1.1.2', userAgent: 'curl' });
    const sessions = await store.listSessions(user.id);
    expect(sessions.map((s) => [s.id, s.ip, s.userAgent])).toEqual([
      [second.session.id, '10.1.1.2', 'curl'],
      [first.session.id, '10.1.1.1', 'Firefox'],
    ]);
    // Someone else cannot revoke it when the caller passes their own user id.
    expect(await store.revokeSession(first.session.id, { userId: other.id })).toBe(false);
    expect(await store.authenticate(first.token)).toBeDefined();
    expect(await store.revokeSession(first.session.id, { userId: user.id })).toBe(true);
    expect(await store.authenticate(first.token)).toBeUndefined();
    expect(await store.revokeSession(first.session.id)).toBe(false);
    expect(await store.revokeUserSessions(user.id)).toBe(1);
    expect(await store.listSessions(user.id)).toEqual([]);
  });

  it('logout ends the session and tells the listeners', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const events: RevokeEvent[] = [];
    const unsubscribe = store.onRevoke((event) => events.push(event));
    const { token, session } = await store.login('pat', PASSWORD);
    expect(await store.logout(token)).toBe(true);
    expect(await store.logout(token)).toBe(false);
    expect(await store.authenticate(token)).toBeUndefined();
    expect(events).toEqual([
      { credentialId: session.id, kind: 'session', userId: user.id, reason: 'logout' },
    ]);
    unsubscribe();
    await store.logout((await store.login('pat', PASSWORD)).token);
    expect(events).toHaveLength(1);
  });

  it('expires sessions after the configured lifetime; the sweeper deletes and reports them', async () => {
    const { store, clock } = await freshStore(target, { sessionTtlMs: 2 * HOUR });
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const events: RevokeEvent[] = [];
    store.onRevoke((event) => events.push(event));
    const old = await store.login('pat', PASSWORD);
    clock.advance(HOUR);
    const recent = await store.login('pat', PASSWORD);
    expect(await store.authenticate(old.token)).toBeDefined();

    clock.advance(HOUR);
    // Expired even though the principal is still in the cache.
    expect(await store.authenticate(old.token)).toBeUndefined();
    expect(await store.authenticate(recent.token)).toBeDefined();

    const swept = await store.sweepExpired();
    expect(swept).toEqual([
      { credentialId: old.session.id, kind: 'session', userId: user.id, reason: 'expired' },
    ]);
    expect(events).toEqual(swept);
    expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([recent.session.id]);
    expect(await store.sweepExpired()).toEqual([]);
  });

  it('records when a session was last used, at most once per resolution', async () => {
    const { store, clock } = await freshStore(target, { cache: { ttlMs: 0 }, lastUsedResolutionMs: 60_000 });
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const { token } = await store.login('pat', PASSWORD);
    const loginTime = clock.now();
    await store.authenticate(token);
    clock.advance(30_000);
    await store.authenticate(token);
    expect((await store.listSessions(user.id))[0]?.lastUsedAt).toEqual(loginTime);
    clock.advance(31_000);
    const principal = await store.authenticate(token);
    expect(principal?.kind === 'session' && principal.session.lastUsedAt).toEqual(clock.now());
    expect((await store.listSessions(user.id))[0]?.lastUsedAt).toEqual(clock.now());
  });

  it('disabling a user ends their sessions and suspends their tokens until re-enabled', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const events: RevokeEvent[] = [];
    store.onRevoke((event) => events.push(event));
    const { token, session } = await store.login('pat', PASSWORD);
    const api = await store.createApiToken(user.id);
    expect(await store.authenticate(api.token)).toBeDefined();
    await store.updateUser(user.id, { enabled: false });
    expect(await store.authenticate(token)).toBeUndefined();
    expect(await store.authenticate(api.token)).toBeUndefined();
    expect(events.map((e) => [e.credentialId, e.reason])).toEqual([
      [session.id, 'user_disabled'],
      [api.apiToken.id, 'user_disabled'],
    ]);
    await store.updateUser(user.id, { enabled: true });
    expect(await store.authenticate(token)).toBeUndefined();
    expect(await store.authenticate(api.token)).toBeDefined();
  });

  it('deleting a user removes their sessions and tokens and reports them', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const events: RevokeEvent[] = [];
    store.onRevoke((event) => events.push(event));
    const { token } = await store.login('pat', PASSWORD);
    const api = await store.createApiToken(user.id);
    await store.deleteUser(user.id);
    expect(await store.authenticate(token)).toBeUndefined();
    expect(await store.authenticate(api.token)).toBeUndefined();
    expect(events.map((e) => [e.kind, e.reason])).toEqual([
      ['session', 'user_deleted'],
      ['api_token', 'user_deleted'],
    ]);
    expect(await store.listApiTokens()).toEqual([]);
  });

  it('keeps the caller’s current connection per session and per token', async () => {
    const { store, reopen } = await freshStore(target);
    const user = await store.createUser({ username: 'pat', password: PASSWORD });
    const a = await store.login('pat', PASSWORD);
    const b = await store.login('pat', PASSWORD);
    const api = await store.createApiToken(user.id);
    expect(await store.getCurrentConnection(a.session.id)).toBeUndefined();
    await store.setCurrentConnection(a.session.id, { connection: 'prod', database: 'sales' });
    await store.setCurrentConnection(api.apiToken.id, { connection: 'staging', database: undefined });
    expect(await store.getCurrentConnection(a.session.id)).toEqual({ connection: 'prod', database: 'sales' });
    expect(await store.getCurrentConnection(b.session.id)).toBeUndefined();
    expect(await store.getCurrentConnection(api.apiToken.id)).toEqual({
      connection: 'staging',
      database: undefined,
    });

    // Persisted: another replica (or a restart) reads it at once.
    const other = await reopen();
    expect(await other.getCurrentConnection(a.session.id)).toEqual({ connection: 'prod', database: 'sales' });
    await other.setCurrentConnection(a.session.id, undefined);
    expect(await store.getCurrentConnection(a.session.id)).toBeUndefined();

    await expect(
      store.setCurrentConnection('ses_missing', { connection: 'x', database: undefined }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      store.setCurrentConnection(a.session.id, { connection: '', database: undefined }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await store.getCurrentConnection('nonsense')).toBeUndefined();
  });
});
