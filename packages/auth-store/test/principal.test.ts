import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import { freshStore, PASSWORD } from './helpers.js';

describe.each(useStoreTestTargets('auth_principal'))('principals on $dialect', (target) => {
  it('carry the credential’s current connection, so a tool call needs no second lookup', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'pia', password: PASSWORD });
    const { token, session } = await store.login('pia', PASSWORD);
    const api = await store.createApiToken(user.id);

    expect((await store.authenticate(token))?.currentConnection).toBeUndefined();
    expect((await store.authenticate(api.token))?.currentConnection).toBeUndefined();

    // Both principals are cached now; a change through this instance is seen at once.
    await store.setCurrentConnection(session.id, { connection: 'prod', database: 'sales' });
    await store.setCurrentConnection(api.apiToken.id, { connection: 'staging', database: undefined });
    expect((await store.authenticate(token))?.currentConnection).toEqual({
      connection: 'prod',
      database: 'sales',
    });
    expect((await store.authenticate(api.token))?.currentConnection).toEqual({
      connection: 'staging',
      database: undefined,
    });

    await store.setCurrentConnection(session.id, undefined);
    expect((await store.authenticate(token))?.currentConnection).toBeUndefined();
    expect(await store.getCurrentConnection(session.id)).toBeUndefined();
  });

  it('read the current connection from the store when not cached (another replica set it)', async () => {
    const { store, reopen } = await freshStore(target, { cache: { ttlMs: 0 } });
    const replica = await reopen();
    await store.createUser({ username: 'pia', password: PASSWORD });
    const { token, session } = await store.login('pia', PASSWORD);
    await replica.setCurrentConnection(session.id, { connection: 'prod', database: undefined });
    expect((await store.authenticate(token))?.currentConnection).toEqual({
      connection: 'prod',
      database: undefined,
    });
  });
});
