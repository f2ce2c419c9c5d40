import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import type { AuthStore } from '../src/index.js';
import { freshStore, PASSWORD, rejection } from './helpers.js';

/** engineering ⊃ dev ⊃ ann; analysts ⊃ bob; ann is also directly in analysts. */
async function organisation(store: AuthStore) {
  const ann = await store.createUser({ username: 'ann', password: PASSWORD });
  const bob = await store.createUser({ username: 'bob', password: PASSWORD });
  const engineering = await store.createGroup({ name: 'engineering', description: 'all engineers' });
  const dev = await store.createGroup({ name: 'dev' });
  const analysts = await store.createGroup({ name: 'analysts' });
  await store.addGroupMember(engineering.id, { groupId: dev.id });
  await store.addGroupMember(dev.id, { userId: ann.id });
  await store.addGroupMember(analysts.id, { userId: bob.id });
  await store.addGroupMember(analysts.id, { userId: ann.id });
  await store.grantPrivilege(engineering.id, { type: 'mcp_item', kind: 'tool', name: 'execute_explain' });
  await store.grantPrivilege(engineering.id, { type: 'connection', name: 'staging', access: 'read_write' });
  await store.grantPrivilege(engineering.id, { type: 'admin', permission: 'manage_tokens' });
  await store.grantPrivilege(analysts.id, { type: 'mcp_item', kind: 'tool', name: 'query_database' });
  await store.grantPrivilege(analysts.id, { type: 'connection', name: 'prod', access: 'read' });
  await store.grantPrivilege(analysts.id, { type: 'connection', name: 'staging', access: 'read' });
  return { ann, bob, engineering, dev, analysts };
}

describe.each(useStoreTestTargets('auth_rbac'))('access control on $dialect', (target) => {
  it('grants through nested groups and takes the strongest connection access', async () => {
    const { store } = await freshStore(target);
    const { ann, bob } = await organisation(store);
    const annAccess = await store.accessForUser(ann.id);
    expect(annAccess.isSuperuser).toBe(false);
    expect(annAccess.canUseItem('tool', 'execute_explain')).toBe(true);
    expect(annAccess.canUseItem('tool', 'query_database')).toBe(true);
    expect(annAccess.connectionAccess('staging')).toBe('read_write');
    expect(annAccess.connectionAccess('prod')).toBe('read');
    expect(annAccess.hasAdmin('manage_tokens')).toBe(true);
    expect(annAccess.hasAdmin('manage_users')).toBe(false);

    const bobAccess = await store.accessForUser(bob.id);
    expect(bobAccess.canUseItem('tool', 'execute_explain')).toBe(false);
    expect(bobAccess.connectionAccess('staging')).toBe('read');
    expect(bobAccess.connectionAccess('other')).toBeUndefined();
    expect(bobAccess.hasAdmin('manage_tokens')).toBe(false);
  });

  it('denies unknown items and connections by default; public items are for everyone', async () => {
    const { store } = await freshStore(target);
    const { bob } = await organisation(store);
    const loner = await store.createUser({ username: 'loner', password: PASSWORD });
    expect((await store.accessForUser(loner.id)).canUseItem('tool', 'list_database_connections')).toBe(false);
    await store.registerMcpItems([{ kind: 'tool', name: 'list_database_connections', description: 'lists' }]);
    expect((await store.accessForUser(loner.id)).canUseItem('tool', 'list_database_connections')).toBe(false);
    const item = await store.setMcpItemPublic({ kind: 'tool', name: 'list_database_connections' }, true);
    expect(item).toEqual({
      kind: 'tool',
      name: 'list_database_connections',
      public: true,
      description: 'lists',
    });
    expect((await store.accessForUser(loner.id)).canUseItem('tool', 'list_database_connections')).toBe(true);
    expect((await store.accessForUser(bob.id)).canUseItem('tool', 'list_database_connections')).toBe(true);
    expect((await store.accessForUser(loner.id)).canUseItem('resource', 'list_database_connections')).toBe(
      false,
    );
    expect((await store.accessForUser(loner.id)).canUseItem('tool', 'never_registered')).toBe(false);
    // Registering again keeps the public flag.
    await store.registerMcpItems([{ kind: 'tool', name: 'list_database_connections' }]);
    expect((await store.listMcpItems()).find((i) => i.name === 'list_database_connections')?.public).toBe(
      true,
    );
  });

  it('lets superusers pass every check, even for unknown items', async () => {
    const { store } = await freshStore(target);
    const root = await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    const access = await store.accessForUser(root.id);
    expect(access.isSuperuser).toBe(true);
    expect(access.canUseItem('prompt', 'anything')).toBe(true);
    expect(access.connectionAccess('any-connection')).toBe('read_write');
    expect(access.hasAdmin('manage_permissions')).toBe(true);
  });

  it('narrows a token to the intersection of its scope and its owner’s rights', async () => {
    const { store } = await freshStore(target);
    const { ann } = await organisation(store);
    await store.setMcpItemPublic({ kind: 'resource', name: 'pg://system_info' }, true);
    const { token, apiToken } = await store.createApiToken(ann.id, {
      scope: {
        mcpItems: [
          { kind: 'tool', name: 'query_database' },
          { kind: 'tool', name: 'drop_everything' }, // more than ann has: stored, but gives nothing
        ],
        connections: [
          { name: 'staging', access: 'read' },
          { name: 'prod', access: 'read_write' }, // ann only has read
          { name: 'secret', access: 'read_write' }, // ann has nothing
        ],
        admin: [],
      },
    });
    const principal = await store.authenticate(token);
    const access = principal!.access;
    expect(access.canUseItem('tool', 'query_database')).toBe(true);
    expect(access.canUseItem('tool', 'execute_explain')).toBe(false);
    expect(access.canUseItem('tool', 'drop_everything')).toBe(false);
    expect(access.canUseItem('resource', 'pg://system_info')).toBe(false); // public, but the scope lists items
    expect(access.connectionAccess('staging')).toBe('read');
    expect(access.connectionAccess('prod')).toBe('read');
    expect(access.connectionAccess('secret')).toBeUndefined();
    expect(access.hasAdmin('manage_tokens')).toBe(false);
    expect((await store.accessForApiToken(apiToken.id)).connectionAccess('prod')).toBe('read');

    // A scope that restricts only connections leaves MCP items at the owner's rights, but a scoped
    // token carries no admin permission its scope does not name (security issue: scoped tokens
    // minted unscoped admin tokens).
    const partial = await store.createApiToken(ann.id, { scope: { connections: [] } });
    const partialAccess = (await store.authenticate(partial.token))!.access;
    expect(partialAccess.canUseItem('tool', 'execute_explain')).toBe(true);
    expect(partialAccess.canUseItem('resource', 'pg://system_info')).toBe(true);
    expect(partialAccess.connectionAccess('staging')).toBeUndefined();
    expect(partialAccess.hasAdmin('manage_tokens')).toBe(false);
    const withAdmin = await store.createApiToken(ann.id, {
      scope: { connections: [], admin: ['manage_tokens'] },
    });
    expect((await store.authenticate(withAdmin.token))!.access.hasAdmin('manage_tokens')).toBe(true);
  });

  it('narrows a superuser’s scoped token too', async () => {
    const { store } = await freshStore(target);
    const root = await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    const { token } = await store.createApiToken(root.id, {
      scope: { connections: [{ name: 'prod', access: 'read' }], admin: ['manage_users'] },
    });
    const access = (await store.authenticate(token))!.access;
    expect(access.isSuperuser).toBe(false);
    expect(access.connectionAccess('prod')).toBe('read');
    expect(access.connectionAccess('staging')).toBeUndefined();
    expect(access.hasAdmin('manage_users')).toBe(true);
    expect(access.hasAdmin('manage_groups')).toBe(false);
    expect(access.canUseItem('tool', 'anything')).toBe(true);
  });

  it('refuses group cycles with GROUP_CYCLE naming the loop', async () => {
    const { store } = await freshStore(target);
    const { engineering, dev } = await organisation(store);
    const team = await store.createGroup({ name: 'team' });
    await store.addGroupMember(dev.id, { groupId: team.id });
    const loop = await rejection(store.addGroupMember(team.id, { groupId: engineering.id }));
    expect(loop).toMatchObject({ code: 'GROUP_CYCLE' });
    expect((loop as Error).message).toContain('team → engineering → dev → team');
    await expect(store.addGroupMember(dev.id, { groupId: dev.id })).rejects.toMatchObject({
      code: 'GROUP_CYCLE',
    });
    expect((await store.listGroupMembers(team.id)).groups).toEqual([]);
  });

  it('manages members: idempotent adds, removals, listings, missing ids', async () => {
    const { store } = await freshStore(target);
    const { ann, bob, analysts, dev, engineering } = await organisation(store);
    expect(await store.addGroupMember(analysts.id, { userId: bob.id })).toBe(false);
    const members = await store.listGroupMembers(analysts.id);
    expect(members.users.map((u) => u.username)).toEqual(['ann', 'bob']);
    expect((await store.listGroupMembers(engineering.id)).groups.map((g) => g.name)).toEqual(['dev']);
    expect((await store.listUserGroups(ann.id)).map((g) => g.name)).toEqual(['analysts', 'dev']);
    expect(await store.removeGroupMember(analysts.id, { userId: ann.id })).toBe(true);
    expect(await store.removeGroupMember(analysts.id, { userId: ann.id })).toBe(false);
    expect((await store.accessForUser(ann.id)).connectionAccess('prod')).toBeUndefined();
    await expect(store.addGroupMember(dev.id, { userId: 'usr_missing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(store.addGroupMember('grp_missing', { userId: ann.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('manages groups and their own privileges', async () => {
    const { store } = await freshStore(target);
    const { analysts, engineering, ann } = await organisation(store);
    expect(await store.listGroupPrivileges(analysts.id)).toEqual({
      mcpItems: [{ kind: 'tool', name: 'query_database' }],
      connections: [
        { name: 'prod', access: 'read' },
        { name: 'staging', access: 'read' },
      ],
      admin: [],
    });
    await store.grantPrivilege(analysts.id, { type: 'connection', name: 'prod', access: 'read_write' });
    expect((await store.listGroupPrivileges(analysts.id)).connections[0]).toEqual({
      name: 'prod',
      access: 'read_write',
    });
    expect(await store.revokePrivilege(analysts.id, { type: 'connection', name: 'prod' })).toBe(true);
    expect(await store.revokePrivilege(analysts.id, { type: 'connection', name: 'prod' })).toBe(false);
    expect(await store.revokePrivilege(engineering.id, { type: 'admin', permission: 'manage_tokens' })).toBe(
      true,
    );
    expect(
      await store.revokePrivilege(analysts.id, { type: 'mcp_item', kind: 'tool', name: 'query_database' }),
    ).toBe(true);
    expect((await store.accessForUser(ann.id)).canUseItem('tool', 'query_database')).toBe(false);

    await expect(store.createGroup({ name: 'ANALYSTS' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await store.getGroupByName('Analysts')).toEqual(analysts);
    const renamed = await store.updateGroup(analysts.id, { name: 'data', description: 'data people' });
    expect(renamed).toMatchObject({ name: 'data', description: 'data people' });
    expect((await store.listGroups()).map((g) => g.name)).toEqual(['data', 'dev', 'engineering']);
    await store.deleteGroup(engineering.id);
    expect((await store.accessForUser(ann.id)).connectionAccess('staging')).toBe('read');
    await expect(store.deleteGroup(engineering.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.findGroupByName('engineering')).toBeUndefined();
    await expect(
      store.grantPrivilege(analysts.id, { type: 'admin', permission: 'root' as 'manage_users' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      store.grantPrivilege(analysts.id, { type: 'mcp_item', kind: 'widget' as 'tool', name: 'x' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('explains which group granted what, for `pgmcp privileges show`', async () => {
    const { store } = await freshStore(target);
    const { ann } = await organisation(store);
    await store.setMcpItemPublic({ kind: 'tool', name: 'list_database_connections' }, true);
    await store.registerMcpItems([{ kind: 'prompt', name: 'design-schema' }]);
    const explanation = (await store.accessForUser(ann.id)).explain();
    expect(explanation.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'dev', path: ['dev'] }),
        expect.objectContaining({ name: 'engineering', path: ['dev', 'engineering'] }),
        expect.objectContaining({ name: 'analysts', path: ['analysts'] }),
      ]),
    );
    const reasons = Object.fromEntries(explanation.mcpItems.map((i) => [`${i.kind}:${i.name}`, i.reason]));
    expect(reasons).toEqual({
      'prompt:design-schema': 'denied: not granted',
      'tool:execute_explain': 'granted by engineering (via dev)',
      'tool:list_database_connections': 'public',
      'tool:query_database': 'granted by analysts',
    });
    expect(explanation.connections).toEqual([
      {
        name: 'prod',
        access: 'read',
        grantedBy: [{ group: 'analysts', access: 'read' }],
        reason: 'read: granted by analysts',
      },
      {
        name: 'staging',
        access: 'read_write',
        grantedBy: [
          { group: 'analysts', access: 'read' },
          { group: 'engineering', access: 'read_write' },
        ],
        reason: 'read_write: granted by analysts, engineering (via dev)',
      },
    ]);
    expect(explanation.admin.find((a) => a.permission === 'manage_tokens')).toMatchObject({
      allowed: true,
      grantedBy: ['engineering'],
    });
  });

  it('denies everything to disabled users, revoked and expired tokens', async () => {
    const { store, clock } = await freshStore(target);
    const { ann } = await organisation(store);
    const revoked = await store.createApiToken(ann.id);
    const expiring = await store.createApiToken(ann.id, {
      expiresAt: new Date(clock.now().getTime() + 1000),
    });
    await store.revokeApiToken(revoked.apiToken.id);
    clock.advance(1000);
    expect(await store.authenticate(revoked.token)).toBeUndefined();
    expect(await store.authenticate(expiring.token)).toBeUndefined();
    const live = await store.createApiToken(ann.id);
    await store.updateUser(ann.id, { enabled: false });
    expect(await store.authenticate(live.token)).toBeUndefined();
    await expect(store.login('ann', PASSWORD)).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED' });
  });
});
