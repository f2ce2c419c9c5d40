import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { describe, expect, it } from 'vitest';
import { freshStore, PASSWORD } from './helpers.js';

describe.each(useStoreTestTargets('auth_group_access'))('access a group gives on $dialect', (target) => {
  it('includes the grants of every group containing it, and says what exceeds an admin’s own rights', async () => {
    const { store } = await freshStore(target);
    // ops ⊃ dba ⊃ oncall: a member of oncall gets all three groups' grants.
    const ops = await store.createGroup({ name: 'ops' });
    const dba = await store.createGroup({ name: 'dba' });
    const oncall = await store.createGroup({ name: 'oncall' });
    await store.addGroupMember(ops.id, { groupId: dba.id });
    await store.addGroupMember(dba.id, { groupId: oncall.id });
    await store.grantPrivilege(ops.id, { type: 'admin', permission: 'manage_users' });
    await store.grantPrivilege(dba.id, { type: 'connection', name: 'prod', access: 'read_write' });
    await store.grantPrivilege(oncall.id, { type: 'mcp_item', kind: 'tool', name: 'execute_explain' });
    await store.setMcpItemPublic({ kind: 'tool', name: 'list_database_connections' }, true);

    const access = await store.accessOfGroup(oncall.id);
    expect(access.isSuperuser).toBe(false);
    expect(access.hasAdmin('manage_users')).toBe(true);
    expect(access.connectionAccess('prod')).toBe('read_write');
    expect(access.canUseItem('tool', 'execute_explain')).toBe(true);
    expect(access.canUseItem('tool', 'list_database_connections')).toBe(true);
    expect(
      access
        .explain()
        .groups.map((g) => g.name)
        .sort(),
    ).toEqual(['dba', 'oncall', 'ops']);
    // Going up, not down: ops alone does not get what its member groups were granted.
    expect((await store.accessOfGroup(ops.id)).connectionAccess('prod')).toBeUndefined();

    // An admin who may manage groups but reads prod only would escalate by joining oncall.
    const admin = await store.createUser({ username: 'gail', password: PASSWORD });
    const groupAdmins = await store.createGroup({ name: 'group-admins' });
    await store.addGroupMember(groupAdmins.id, { userId: admin.id });
    await store.grantPrivilege(groupAdmins.id, { type: 'admin', permission: 'manage_groups' });
    await store.grantPrivilege(groupAdmins.id, { type: 'connection', name: 'prod', access: 'read' });
    const own = await store.accessForUser(admin.id);
    expect(access.grantsBeyond(own)).toEqual([
      { type: 'mcp_item', kind: 'tool', name: 'execute_explain' },
      { type: 'connection', name: 'prod', access: 'read_write' },
      { type: 'admin', permission: 'manage_users' },
    ]);
    const root = await store.createUser({ username: 'root', password: PASSWORD, superuser: true });
    expect(access.grantsBeyond(await store.accessForUser(root.id))).toEqual([]);

    await expect(store.accessOfGroup('grp_missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
