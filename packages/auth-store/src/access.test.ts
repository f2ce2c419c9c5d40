import { describe, expect, it } from 'vitest';
import { createAccess, fullAccess } from './access.js';
import type { Privilege } from './types.js';

const grant = (group: string, privilege: Privilege) => ({ group, privilege });

describe('Access', () => {
  const base = {
    superuser: false,
    groups: [
      { id: 'g1', name: 'dev', path: ['dev'] },
      { id: 'g2', name: 'eng', path: ['dev', 'eng'] },
    ],
    grants: [
      grant('eng', { type: 'mcp_item', kind: 'tool', name: 'explain' }),
      grant('dev', { type: 'connection', name: 'db', access: 'read' }),
      grant('eng', { type: 'connection', name: 'db', access: 'read_write' }),
      grant('dev', { type: 'admin', permission: 'manage_groups' }),
    ],
    items: [{ kind: 'tool' as const, name: 'ping', public: true, description: undefined }],
  };

  it('allows granted and public items only', () => {
    const access = createAccess(base);
    expect(access.canUseItem('tool', 'explain')).toBe(true);
    expect(access.canUseItem('tool', 'ping')).toBe(true);
    expect(access.canUseItem('prompt', 'ping')).toBe(false);
    expect(access.canUseItem('tool', 'unknown')).toBe(false);
  });

  it('takes the strongest grant, then the weaker of grant and scope', () => {
    expect(createAccess(base).connectionAccess('db')).toBe('read_write');
    const scoped = createAccess({ ...base, scope: { connections: [{ name: 'db', access: 'read' }] } });
    expect(scoped.connectionAccess('db')).toBe('read');
    const wider = createAccess({
      ...base,
      grants: [grant('dev', { type: 'connection', name: 'db', access: 'read' })],
      scope: { connections: [{ name: 'db', access: 'read_write' }] },
    });
    expect(wider.connectionAccess('db')).toBe('read');
    expect(wider.explain().connections[0]?.reason).toBe('read: granted by dev');
  });

  it('explains a scope that narrows', () => {
    const scoped = createAccess({
      ...base,
      scope: { connections: [{ name: 'db', access: 'read' }], admin: [] },
    });
    const explanation = scoped.explain();
    expect(explanation.connections).toEqual([
      expect.objectContaining({
        name: 'db',
        access: 'read',
        reason: 'read: the token scope narrows read_write (granted by dev, eng (via dev))',
      }),
    ]);
    expect(explanation.admin.find((a) => a.permission === 'manage_groups')).toMatchObject({
      allowed: false,
      reason: 'denied: outside the token scope',
    });
  });

  it('fullAccess allows everything', () => {
    const access = fullAccess();
    expect(access.isSuperuser).toBe(true);
    expect(access.canUseItem('resource', 'pg://anything')).toBe(true);
    expect(access.connectionAccess('x')).toBe('read_write');
    expect(access.hasAdmin('manage_connections')).toBe(true);
    expect(access.explain().otherConnections).toBe('read_write');
  });
});
