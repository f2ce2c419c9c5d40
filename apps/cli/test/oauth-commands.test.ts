import { Writable } from 'node:stream';
import { createAuthStore } from '@pgmcp/auth-store';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { workspace } from './admin-helpers.js';

// `pgmcp oauth …` on the store, in-process (runCli with captured streams, the environment of the
// workspace): list, approve, disable and delete clients; list and revoke grants.

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const saved = { ...process.env };
const cwd = process.cwd();
afterEach(() => {
  process.chdir(cwd);
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

async function run(args: string[]) {
  const out = sink();
  const err = sink();
  const code = await runCli(['node', 'pgmcp', ...args], { out: out.stream, err: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('pgmcp oauth', () => {
  it('approves, disables and deletes clients, and revokes grants', async () => {
    const ws = workspace();
    process.chdir(ws.dir);
    Object.assign(process.env, ws.env);
    // The store as a server left it: a pending client, and an active one with a grant.
    const store = await createAuthStore({ url: ws.storeUrl, bcryptCost: 4 });
    const user = await store.createUser({ username: 'ann', password: 'correct horse battery' });
    const pending = await store.oauth.registerClient({
      kind: 'dynamic',
      name: 'Waiting Client',
      redirectUris: ['https://waiting.example/cb'],
      metadata: {},
      status: 'pending',
    });
    const active = await store.oauth.registerClient({
      kind: 'dynamic',
      name: 'Claude',
      redirectUris: ['https://claude.ai/api/mcp/auth_callback'],
      metadata: {},
      status: 'active',
    });
    const started = await store.oauth.startAuthorization({
      clientId: active.id,
      redirectUri: 'https://claude.ai/api/mcp/auth_callback',
      codeChallenge: 'c',
      state: undefined,
      resource: 'https://pgmcp.example/mcp/v1',
      ttlMs: 60_000,
    });
    const approved = await store.oauth.approveAuthorization(started.id, user.id, { connections: [] }, 60_000);
    const authorization = await store.oauth.consumeCode(approved!.code);
    if (typeof authorization === 'string') throw new Error(authorization);
    const issued = await store.oauth.issueGrant(authorization, {
      accessTokenMs: 60_000,
      refreshTokenMs: 600_000,
    });
    await store.close();

    const clients = await run(['oauth', 'clients', '--json']);
    expect(clients.code, clients.stderr).toBe(0);
    expect((JSON.parse(clients.stdout) as { clients: { name: string; status: string }[] }).clients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Waiting Client', status: 'pending' }),
        expect.objectContaining({ name: 'Claude', status: 'active' }),
      ]),
    );

    const approve = await run(['oauth', 'approve', pending.id]);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('Approved Waiting Client');

    const grants = await run(['oauth', 'grants', '--user', 'ann']);
    expect(grants.code, grants.stderr).toBe(0);
    expect(grants.stdout).toContain(issued.grant.id);
    expect(grants.stdout).toContain('Claude');

    const typo = await run(['oauth', 'revoke', issued.grant.id, 'grt_typo']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('grt_typo');
    const revoke = await run(['oauth', 'revoke', issued.grant.id]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await run(['oauth', 'grants'])).stdout).toContain('No OAuth grants');

    expect((await run(['oauth', 'disable', active.id])).code).toBe(0);
    expect((await run(['oauth', 'delete', pending.id])).code).toBe(0);
    const after = JSON.parse((await run(['oauth', 'clients', '--json'])).stdout) as {
      clients: { id: string; status: string }[];
    };
    expect(after.clients).toEqual([expect.objectContaining({ id: active.id, status: 'disabled' })]);
    expect((await run(['oauth', 'approve', 'mcp_nope'])).code).toBe(2);
  });
});
