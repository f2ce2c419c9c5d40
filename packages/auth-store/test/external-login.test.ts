import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { ExternalLoginInput } from '../src/index.js';
import { freshStore, PASSWORD } from './helpers.js';

const ISSUER = 'https://login.example.com';
const person = (more: Partial<ExternalLoginInput> = {}): ExternalLoginInput => ({
  issuer: ISSUER,
  subject: 'sub-1',
  username: 'ada',
  email: 'ada@example.com',
  displayName: 'Ada L.',
  managedGroups: ['analysts', 'dbas'],
  groups: ['analysts'],
  ...more,
});

describe.each(useStoreTestTargets('auth_external_identities'))(
  'single sign-on users on $dialect',
  (target) => {
    it('creates the user on first login with the mapped groups, no password, and a working session', async () => {
      const { store } = await freshStore(target);
      const first = await store.externalLogin(person(), { ip: '10.0.0.1' });
      expect(first).toMatchObject({ created: true, createdGroups: ['analysts'] });
      expect(first.user).toMatchObject({ username: 'ada', email: 'ada@example.com', displayName: 'Ada L.' });
      expect((await store.listUserGroups(first.user.id)).map((g) => g.name)).toEqual(['analysts']);
      expect(await store.authenticate(first.token)).toMatchObject({
        kind: 'session',
        user: { id: first.user.id },
      });
      // No password: a password login is refused like any wrong one.
      await expect(store.login('ada', PASSWORD)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    });

    it('finds the same user again by issuer and subject, and managed groups follow the provider', async () => {
      const { store } = await freshStore(target);
      const first = await store.externalLogin(person());
      const other = await store.createGroup({ name: 'reporting' });
      await store.addGroupMember(other.id, { userId: first.user.id });
      const again = await store.externalLogin(person({ username: 'renamed', groups: ['dbas'] }));
      expect(again).toMatchObject({ created: false, user: { id: first.user.id, username: 'ada' } });
      // analysts removed, dbas added (created now), the unmanaged group untouched.
      expect((await store.listUserGroups(first.user.id)).map((g) => g.name).sort()).toEqual([
        'dbas',
        'reporting',
      ]);
    });

    it('never takes over a local account with the same name: the new user gets a free name', async () => {
      const { store } = await freshStore(target);
      const local = await store.createUser({ username: 'ada', password: PASSWORD, superuser: true });
      const sso = await store.externalLogin(person());
      expect(sso.user.id).not.toBe(local.id);
      expect(sso.user).toMatchObject({ username: 'ada-2', superuser: false });
      const third = await store.externalLogin(person({ subject: 'sub-2', username: 'Ada Lovelace!' }));
      expect(third.user.username).toBe('Ada-Lovelace');
    });

    it('refuses a disabled user', async () => {
      const { store } = await freshStore(target);
      const first = await store.externalLogin(person());
      await store.updateUser(first.user.id, { enabled: false });
      await expect(store.externalLogin(person())).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
    });
  },
);
