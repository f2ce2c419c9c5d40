import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import { freshStore, PASSWORD } from './helpers.js';

describe.each(useStoreTestTargets('auth_cache'))('token cache on $dialect', (target) => {
  it('serves repeated requests from memory until the TTL, then sees other replicas’ revocations', async () => {
    const { store, reopen, clock } = await freshStore(target, { cache: { ttlMs: 30_000 } });
    const replica = await reopen();
    const user = await store.createUser({ username: 'cy', password: PASSWORD });
    const { token, apiToken } = await store.createApiToken(user.id);
    expect(await store.authenticate(token)).toBeDefined();

    // Revoked through another replica: this one answers from its cache until the entry expires...
    expect(await replica.revokeApiToken(apiToken.id)).toBe(true);
    expect(await replica.authenticate(token)).toBeUndefined();
    clock.advance(29_000);
    expect(await store.authenticate(token)).toBeDefined();
    // ...but can ask at once which of its credentials are gone.
    expect(await store.inactiveCredentials([apiToken.id])).toEqual([apiToken.id]);
    clock.advance(1_000);
    expect(await store.authenticate(token)).toBeUndefined();
  });

  it('forgets a cached token at once when revoked, logged out or its user disabled through this instance', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'cy', password: PASSWORD });
    const api = await store.createApiToken(user.id);
    const session = await store.login('cy', PASSWORD);
    const other = await store.login('cy', PASSWORD);
    for (const token of [api.token, session.token, other.token])
      expect(await store.authenticate(token)).toBeDefined();
    await store.revokeApiToken(api.apiToken.id);
    await store.logout(session.token);
    expect(await store.authenticate(api.token)).toBeUndefined();
    expect(await store.authenticate(session.token)).toBeUndefined();
    expect(await store.authenticate(other.token)).toBeDefined();
    await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    await store.updateUser(user.id, { enabled: false });
    expect(await store.authenticate(other.token)).toBeUndefined();
  });

  it('applies privilege changes made through this instance at once', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'cy', password: PASSWORD });
    const group = await store.createGroup({ name: 'readers' });
    const { token } = await store.createApiToken(user.id);
    expect((await store.authenticate(token))!.access.connectionAccess('prod')).toBeUndefined();
    await store.addGroupMember(group.id, { userId: user.id });
    await store.grantPrivilege(group.id, { type: 'connection', name: 'prod', access: 'read' });
    expect((await store.authenticate(token))!.access.connectionAccess('prod')).toBe('read');
    await store.updateUser(user.id, { superuser: true });
    expect((await store.authenticate(token))!.access.isSuperuser).toBe(true);
    await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    await store.updateUser(user.id, { superuser: false });
    await store.setMcpItemPublic({ kind: 'tool', name: 'query_database' }, true);
    expect((await store.authenticate(token))!.access.canUseItem('tool', 'query_database')).toBe(true);
    await store.removeGroupMember(group.id, { userId: user.id });
    expect((await store.authenticate(token))!.access.connectionAccess('prod')).toBeUndefined();
  });

  it('reports credentials that are no longer valid, whoever ended them', async () => {
    const { store, reopen, clock } = await freshStore(target);
    const replica = await reopen();
    const user = await store.createUser({ username: 'cy', password: PASSWORD });
    const live = await store.login('cy', PASSWORD);
    const loggedOut = await store.login('cy', PASSWORD);
    const expiring = await store.createApiToken(user.id, {
      expiresAt: new Date(clock.now().getTime() + 1000),
    });
    const kept = await store.createApiToken(user.id);
    await replica.logout(loggedOut.token);
    clock.advance(1000);
    const ids = [
      live.session.id,
      loggedOut.session.id,
      expiring.apiToken.id,
      kept.apiToken.id,
      'tok_unknown',
      'junk',
    ];
    expect(await store.inactiveCredentials(ids)).toEqual([
      loggedOut.session.id,
      expiring.apiToken.id,
      'tok_unknown',
      'junk',
    ]);
    await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    await replica.updateUser(user.id, { enabled: false });
    // Disabling ends sessions and suspends tokens.
    expect(await store.inactiveCredentials([live.session.id, kept.apiToken.id])).toEqual([
      live.session.id,
      kept.apiToken.id,
    ]);
  });

  it('keeps going when a revoke listener throws, reporting the error', async () => {
    const errors: unknown[] = [];
    const { store } = await freshStore(target, { onListenerError: (error) => errors.push(error) });
    await store.createUser({ username: 'cy', password: PASSWORD });
    const seen: string[] = [];
    store.onRevoke(() => {
      throw new Error('listener failed');
    });
    store.onRevoke((event) => seen.push(event.reason));
    const { token } = await store.login('cy', PASSWORD);
    expect(await store.logout(token)).toBe(true);
    expect(seen).toEqual(['logout']);
    expect(errors).toEqual([new Error('listener failed')]);
  });
});
