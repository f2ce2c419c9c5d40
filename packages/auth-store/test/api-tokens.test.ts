import { createHash } from 'node:crypto';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { RevokeEvent } from '../src/index.js';
import { freshStore, PASSWORD, rawRows } from './helpers.js';

const DAY = 86_400_000;

describe.each(useStoreTestTargets('auth_tokens'))('API tokens on $dialect', (target) => {
  it('shows the token once and keeps only its SHA-256 in the database', async () => {
    const { store, url, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'tia', password: PASSWORD });
    const { token, apiToken } = await store.createApiToken(user.id, { note: 'laptop' });
    expect(token).toMatch(/^pgmcp_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({
      userId: user.id,
      note: 'laptop',
      prefix: token.slice(0, 10),
      scope: undefined,
      expiresAt: undefined,
      lastUsedAt: undefined,
      createdAt: clock.now(),
    });
    expect(apiToken.id).toMatch(/^tok_/);
    expect(JSON.stringify(apiToken)).not.toContain(token);
    expect(JSON.stringify(await store.listApiTokens(user.id))).not.toContain(token);

    const rows = await rawRows(url, 'auth_api_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    for (const value of Object.values(rows[0] ?? {})) {
      if (typeof value === 'string') expect(token.includes(value) && value.length > 10).toBe(false);
    }
  });

  it('authenticates as its owner and records when it was last used', async () => {
    const { store, clock } = await freshStore(target, { lastUsedResolutionMs: 0 });
    const user = await store.createUser({ username: 'tia', password: PASSWORD });
    const { token, apiToken } = await store.createApiToken(user.id);
    clock.advance(5000);
    const principal = await store.authenticate(token);
    expect(principal).toMatchObject({ kind: 'api_token', credentialId: apiToken.id, user: { id: user.id } });
    expect((await store.getApiToken(apiToken.id)).lastUsedAt).toEqual(clock.now());
    expect(await store.authenticate(`${token}x`)).toBeUndefined();
    expect(await store.authenticate('pgmcp_tooshort')).toBeUndefined();
    expect(await store.authenticate('')).toBeUndefined();
  });

  it('lets a service account work with a token although it cannot log in', async () => {
    const { store } = await freshStore(target);
    const bot = await store.createUser({ username: 'ci-bot', serviceAccount: true });
    const { token } = await store.createApiToken(bot.id, { note: 'CI' });
    await expect(store.login('ci-bot', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await store.authenticate(token)).toMatchObject({ user: { serviceAccount: true } });
  });

  it('stops working at its expiry; the sweeper reports it', async () => {
    const { store, clock } = await freshStore(target);
    const user = await store.createUser({ username: 'tia', password: PASSWORD });
    const expiresAt = new Date(clock.now().getTime() + DAY);
    const expiring = await store.createApiToken(user.id, { expiresAt });
    const forever = await store.createApiToken(user.id);
    expect(expiring.apiToken.expiresAt).toEqual(expiresAt);
    expect(await store.authenticate(expiring.token)).toBeDefined();
    clock.advance(DAY);
    expect(await store.authenticate(expiring.token)).toBeUndefined();
    expect(await store.authenticate(forever.token)).toBeDefined();
    expect(await store.sweepExpired()).toEqual([
      { credentialId: expiring.apiToken.id, kind: 'api_token', userId: user.id, reason: 'expired' },
    ]);
    expect((await store.listApiTokens(user.id)).map((t) => t.id)).toEqual([forever.apiToken.id]);
    await expect(store.createApiToken(user.id, { expiresAt: clock.now() })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('future'),
    });
  });

  it('revokes a token at once, only for its owner when asked so', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'tia', password: PASSWORD });
    const other = await store.createUser({ username: 'uli', password: PASSWORD });
    const events: RevokeEvent[] = [];
    store.onRevoke((event) => events.push(event));
    const { token, apiToken } = await store.createApiToken(user.id);
    expect(await store.authenticate(token)).toBeDefined();
    expect(await store.revokeApiToken(apiToken.id, { userId: other.id })).toBe(false);
    expect(await store.authenticate(token)).toBeDefined();
    expect(await store.revokeApiToken(apiToken.id, { userId: user.id })).toBe(true);
    expect(await store.authenticate(token)).toBeUndefined();
    expect(events).toEqual([
      { credentialId: apiToken.id, kind: 'api_token', userId: user.id, reason: 'revoked' },
    ]);
    expect(await store.revokeApiToken(apiToken.id)).toBe(false);
    expect(await store.findApiToken(apiToken.id)).toBeUndefined();
    await expect(store.getApiToken(apiToken.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists tokens per user or for everyone, newest first', async () => {
    const { store, clock } = await freshStore(target);
    const a = await store.createUser({ username: 'tia', password: PASSWORD });
    const b = await store.createUser({ username: 'uli', password: PASSWORD });
    const first = await store.createApiToken(a.id, { note: 'one' });
    clock.advance(1000);
    const second = await store.createApiToken(b.id, { note: 'two' });
    clock.advance(1000);
    const third = await store.createApiToken(a.id, { note: 'three' });
    expect((await store.listApiTokens(a.id)).map((t) => t.id)).toEqual([
      third.apiToken.id,
      first.apiToken.id,
    ]);
    expect((await store.listApiTokens()).map((t) => t.note)).toEqual(['three', 'two', 'one']);
    expect(second.apiToken.userId).toBe(b.id);
    await expect(store.createApiToken('usr_missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores a scope and refuses malformed ones', async () => {
    const { store } = await freshStore(target);
    const user = await store.createUser({ username: 'tia', password: PASSWORD });
    const scope = {
      mcpItems: [{ kind: 'tool' as const, name: 'query_database' }],
      connections: [{ name: 'prod', access: 'read' as const }],
      admin: [],
    };
    const { apiToken } = await store.createApiToken(user.id, { scope });
    expect((await store.getApiToken(apiToken.id)).scope).toEqual(scope);
    await expect(
      store.createApiToken(user.id, {
        scope: { connections: [{ name: 'prod', access: 'write' as 'read' }] },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("'write'") });
    await expect(
      store.createApiToken(user.id, { scope: { admin: ['root' as 'manage_users'] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('manage_users'),
    });
  });
});
