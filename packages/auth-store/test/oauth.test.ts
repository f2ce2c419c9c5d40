import { createHash } from 'node:crypto';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { AuthStore, OAuthAuthorization, RevokeEvent, TokenScope } from '../src/index.js';
import { freshStore, PASSWORD, rawRows } from './helpers.js';

const MINUTE = 60_000;
const LIFETIMES = { accessTokenMs: 60 * MINUTE, refreshTokenMs: 30 * 24 * 60 * MINUTE };
const RESOURCE = 'https://pgmcp.example/mcp/v1';
const SCOPE: TokenScope = {
  mcpItems: [{ kind: 'tool', name: 'query_database' }],
  connections: [{ name: 'default', access: 'read' }],
};

async function consented(store: AuthStore, userId: string) {
  const client = await store.oauth.registerClient({
    kind: 'dynamic',
    name: 'Test Desktop',
    redirectUris: ['http://127.0.0.1:33418/callback'],
    metadata: { client_name: 'Test Desktop' },
    status: 'active',
  });
  const started = await store.oauth.startAuthorization({
    clientId: client.id,
    redirectUri: 'http://127.0.0.1:33418/callback',
    codeChallenge: 'challenge',
    state: 'xyz',
    resource: RESOURCE,
    ttlMs: 10 * MINUTE,
  });
  const approved = await store.oauth.approveAuthorization(started.id, userId, SCOPE, MINUTE);
  if (!approved) throw new Error('not approved');
  return { client, started, ...approved };
}

describe.each(useStoreTestTargets('auth_oauth'))('OAuth state on $dialect', (target) => {
  it('turns a consented code into a grant whose access token is a scoped, hashed API token bound to the resource', async () => {
    const { store, url } = await freshStore(target);
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const { client, code } = await consented(store, user.id);
    expect(client.id).toMatch(/^mcp_/);

    const authorization = (await store.oauth.consumeCode(code)) as OAuthAuthorization;
    expect(authorization).toMatchObject({ clientId: client.id, userId: user.id, state: 'xyz', scope: SCOPE });
    const issued = await store.oauth.issueGrant(authorization, LIFETIMES);
    expect(issued.accessToken).toMatch(/^pgmcp_/);
    expect(issued.refreshToken).toMatch(/^pgmcp_rt_/);

    const principal = await store.authenticate(issued.accessToken);
    expect(principal?.kind).toBe('api_token');
    if (principal?.kind !== 'api_token') throw new Error('expected an API token');
    expect(principal.apiToken.oauth).toEqual({
      grantId: issued.grant.id,
      clientId: client.id,
      resource: RESOURCE,
    });
    expect(principal.apiToken.note).toBe('OAuth: Test Desktop');
    expect(principal.apiToken.scope).toEqual(SCOPE);

    const hashes = JSON.stringify([
      ...(await rawRows(url, 'auth_api_tokens')),
      ...(await rawRows(url, 'auth_oauth_refresh_tokens')),
      ...(await rawRows(url, 'auth_oauth_authorizations')),
    ]);
    for (const secret of [issued.accessToken, issued.refreshToken, code]) {
      expect(hashes).not.toContain(secret);
      expect(hashes).toContain(createHash('sha256').update(secret).digest('hex'));
    }
    expect((await store.listApiTokens(user.id)).map((t) => t.oauth?.grantId)).toEqual([issued.grant.id]);
    expect(await store.oauth.listGrants(user.id)).toMatchObject([
      { id: issued.grant.id, clientName: 'Test Desktop', scope: SCOPE },
    ]);
  });

  it('takes a code once: a second exchange is reuse and revokes what the first one got', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const { code } = await consented(store, user.id);
    const first = (await store.oauth.consumeCode(code)) as OAuthAuthorization;
    const issued = await store.oauth.issueGrant(first, LIFETIMES);
    expect(await store.oauth.consumeCode(code)).toBe('reused');
    expect(await store.authenticate(issued.accessToken)).toBeUndefined();
    expect(await store.oauth.consumeCode('never-issued')).toBe('invalid');
  });

  it('lets a code expire, and a request be approved only once', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const { started, code } = await consented(store, user.id);
    expect(await store.oauth.approveAuthorization(started.id, user.id, SCOPE, MINUTE)).toBeUndefined();
    expect(await store.oauth.findPendingAuthorization(started.id)).toBeUndefined();
    clock.advance(MINUTE + 1);
    expect(await store.oauth.consumeCode(code)).toBe('invalid');
  });

  it('rotates refresh tokens and revokes the grant when an old one comes back', async () => {
    const { store } = await freshStore(target);
    const revoked: RevokeEvent[] = [];
    store.onRevoke((event) => revoked.push(event));
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const { client, code } = await consented(store, user.id);
    const first = await store.oauth.issueGrant(
      (await store.oauth.consumeCode(code)) as OAuthAuthorization,
      LIFETIMES,
    );

    expect(await store.oauth.refresh(first.refreshToken, 'mcp_someone_else', LIFETIMES)).toBe('invalid');
    const second = await store.oauth.refresh(first.refreshToken, client.id, LIFETIMES);
    if (typeof second === 'string') throw new Error(second);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.grant.id).toBe(first.grant.id);
    expect(await store.authenticate(second.accessToken)).toBeDefined();

    // The old refresh token again: whoever holds it (an attacker or the client) loses the grant.
    expect(await store.oauth.refresh(first.refreshToken, client.id, LIFETIMES)).toBe('reused');
    expect(await store.authenticate(second.accessToken)).toBeUndefined();
    expect(await store.oauth.refresh(second.refreshToken, client.id, LIFETIMES)).toBe('invalid');
    expect(await store.oauth.listGrants()).toEqual([]);
    expect(revoked.map((e) => e.kind)).toEqual(['api_token', 'api_token']);
  });

  it('revokes a grant through either token (RFC 7009) or through the token list', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const a = await consented(store, user.id);
    const grantA = await store.oauth.issueGrant(
      (await store.oauth.consumeCode(a.code)) as OAuthAuthorization,
      LIFETIMES,
    );
    expect(await store.oauth.revokeToken(grantA.refreshToken, 'mcp_other')).toBe(false);
    expect(await store.oauth.revokeToken(grantA.accessToken, a.client.id)).toBe(true);
    expect(await store.authenticate(grantA.accessToken)).toBeUndefined();
    expect(await store.oauth.refresh(grantA.refreshToken, a.client.id, LIFETIMES)).toBe('invalid');

    const b = await consented(store, user.id);
    const grantB = await store.oauth.issueGrant(
      (await store.oauth.consumeCode(b.code)) as OAuthAuthorization,
      LIFETIMES,
    );
    const [listed] = await store.listApiTokens(user.id);
    expect(await store.revokeApiToken(listed!.id, { userId: user.id })).toBe(true);
    expect(await store.oauth.refresh(grantB.refreshToken, b.client.id, LIFETIMES)).toBe('invalid');
  });

  it('disabling a client revokes its grants; a pending client can be approved', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'ola', password: PASSWORD });
    const { client, code } = await consented(store, user.id);
    const issued = await store.oauth.issueGrant(
      (await store.oauth.consumeCode(code)) as OAuthAuthorization,
      LIFETIMES,
    );
    expect((await store.oauth.setClientStatus(client.id, 'disabled')).status).toBe('disabled');
    expect(await store.authenticate(issued.accessToken)).toBeUndefined();

    const pending = await store.oauth.registerClient({
      kind: 'dynamic',
      name: 'Waiting',
      redirectUris: ['https://app.example/cb'],
      metadata: {},
      status: 'pending',
    });
    expect((await store.oauth.setClientStatus(pending.id, 'active')).status).toBe('active');
    expect(await store.oauth.deleteClient(pending.id)).toBe(true);
    expect(await store.oauth.findClient(pending.id)).toBeUndefined();
    await expect(store.oauth.setClientStatus('mcp_nope', 'active')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
