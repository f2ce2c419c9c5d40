import { existsSync } from 'node:fs';
import { createAuthStore } from '@pgmcp/auth-store';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { describe, expect, it } from 'vitest';
import { PASSWORD, pgmcp, pgmcpJson, rawRows, sha256, workspace } from './admin-helpers.js';

const db = useTestDatabase('cli-admin');

describe('pgmcp admin commands on a PostgreSQL store (PGMCP_STORE_URL)', { timeout: 120_000 }, () => {
  it('manages users, groups, grants and tokens in PostgreSQL', async () => {
    const ws = workspace({ storeUrl: db.url });
    expect((await pgmcp(ws, ['user', 'add', 'root', '--superuser', '--password-stdin'], PASSWORD)).code).toBe(
      0,
    );
    const ann = await pgmcpJson(
      ws,
      ['user', 'add', 'ann', '--email', 'ann@example.com', '--password-stdin'],
      PASSWORD,
    );
    expect(ann.user).toMatchObject({ username: 'ann', email: 'ann@example.com', has_password: true });
    // Nothing went to a SQLite file in the data directory.
    expect(existsSync(ws.dataDir)).toBe(false);

    for (const name of ['dev', 'dbas']) expect((await pgmcp(ws, ['group', 'add', name])).code).toBe(0);
    await pgmcp(ws, ['group', 'add-member', 'dev', '--user', 'ann']);
    await pgmcp(ws, ['group', 'add-member', 'dbas', '--group', 'dev']);
    const cycle = await pgmcp(ws, ['group', 'add-member', 'dev', '--group', 'dbas']);
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toBe(
      "pgmcp: Adding group 'dbas' to 'dev' would make a group contain itself: dev → dbas → dev.\n",
    );
    // No server has started on this store, so it knows no MCP items yet: --force grants them anyway.
    const grant = await pgmcp(ws, [
      'grant',
      'tool',
      'query_database',
      'get_schema_info',
      '--group',
      'dbas',
      '--force',
    ]);
    expect(grant.code).toBe(0);
    await pgmcp(ws, ['grant', 'connection', 'demo', 'read_write', '--group', 'dbas']);

    const created = await pgmcpJson(ws, [
      'token',
      'create',
      '--user',
      'ann',
      '--note',
      'ci',
      '--expires',
      '12h',
      '--scope-tools',
      'query_database',
      '--scope-connections',
      'demo',
    ]);
    const token: string = created.token;
    const [row] = await rawRows(db.url, 'auth_api_tokens');
    expect(row!.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    const expiresIn = Date.parse(created.api_token.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(11.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(12 * 3_600_000);

    const explained = await pgmcpJson(ws, ['privileges', 'show', '--token', created.api_token.id]);
    expect(explained.access.mcp_items).toEqual([
      {
        kind: 'tool',
        name: 'get_schema_info',
        allowed: false,
        public: false,
        granted_by: ['dbas'],
        reason: 'denied: outside the token scope',
      },
      {
        kind: 'tool',
        name: 'query_database',
        allowed: true,
        public: false,
        granted_by: ['dbas'],
        reason: 'granted by dbas (via dev)',
      },
    ]);
    expect(explained.access.connections[0]).toMatchObject({
      name: 'demo',
      access: 'read',
      reason: 'read: the token scope narrows read_write (granted by dbas (via dev))',
    });

    const store = await createAuthStore({ url: db.url, bcryptCost: 4, cache: { ttlMs: 0 } });
    try {
      expect((await store.authenticate(token))?.access.connectionAccess('demo')).toBe('read');
      await pgmcp(ws, ['user', 'disable', 'ann']);
      expect(await store.authenticate(token)).toBeUndefined();
      await pgmcp(ws, ['user', 'enable', 'ann']);
      expect(await store.authenticate(token)).toBeDefined();
      expect((await pgmcp(ws, ['token', 'revoke', created.api_token.id])).code).toBe(0);
      expect(await store.authenticate(token)).toBeUndefined();
      expect((await pgmcp(ws, ['user', 'delete', 'ann', '--yes'])).code).toBe(0);
      expect(await store.findUserByUsername('ann')).toBeUndefined();
    } finally {
      await store.close();
    }
    const users = await pgmcpJson(ws, ['user', 'list']);
    expect(users.users.map((u: { username: string }) => u.username)).toEqual(['root']);
  });

  it('reports a store it cannot reach with exit 1 and without the password', async () => {
    const ws = workspace({ storeUrl: 'postgres://pgmcp:s3cret-pw@127.0.0.1:1/pgmcp' });
    const result = await pgmcp(ws, ['user', 'list']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^pgmcp: Could not connect to the PostgreSQL store .*127\.0\.0\.1:1/);
    expect(result.stderr).not.toContain('s3cret-pw');
  });
});
