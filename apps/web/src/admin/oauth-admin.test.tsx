import type { OAuthClient, OAuthGrant } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { FakeRefusal, type FakeHandlers } from '../testing/fake-server.js';
import { OAuthAdmin, redirectHosts } from './oauth-admin.js';

const CLAUDE: OAuthClient = {
  id: 'https://claude.ai/oauth/mcp-client-metadata.json',
  kind: 'metadata_document',
  name: 'Claude',
  client_uri: 'https://claude.ai',
  redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
  status: 'active',
  created_at: '2026-12-01T10:00:00.000Z',
};
const CURSOR: OAuthClient = {
  id: 'mcp_cursor',
  kind: 'dynamic',
  name: 'Cursor',
  client_uri: null,
  redirect_uris: ['http://127.0.0.1:33418/callback', 'http://127.0.0.1:33418/other'],
  status: 'pending',
  created_at: '2026-12-02T10:00:00.000Z',
};
const GRANT: OAuthGrant = {
  id: 'grant_1',
  client_id: CLAUDE.id,
  client_name: 'Claude',
  user_id: 'user_ada',
  username: 'ada',
  resource: 'https://pgmcp.example/mcp/v1',
  scope: {
    connections: [{ name: 'sales', access: 'read' }],
    mcp_items: [{ kind: 'tool', name: 'query_database' }],
  },
  created_at: '2026-12-03T10:00:00.000Z',
  expires_at: '2027-01-03T10:00:00.000Z',
  last_refreshed_at: null,
};

/** The OAuth admin routes over in-memory clients and grants, recording every change. */
function oauthServer() {
  const clients = [structuredClone(CLAUDE), structuredClone(CURSOR)];
  const grants = [structuredClone(GRANT)];
  const calls: string[] = [];
  const handlers: FakeHandlers = {
    listOAuthClients: () => ({ clients }),
    listOAuthGrants: ({ query }) => {
      calls.push(`list grants all=${query.all}`);
      return { grants };
    },
    updateOAuthClient: ({ params, body }) => {
      const client = clients.find((c) => c.id === params.id);
      if (!client) throw new FakeRefusal(404, 'NOT_FOUND', 'no such client');
      client.status = (body as { status: OAuthClient['status'] }).status;
      calls.push(`${client.name} → ${client.status}`);
      return client;
    },
    deleteOAuthClient: ({ params }) => {
      clients.splice(
        clients.findIndex((c) => c.id === params.id),
        1,
      );
      calls.push(`delete ${params.id}`);
    },
    revokeOAuthGrant: ({ params }) => {
      grants.splice(
        grants.findIndex((g) => g.id === params.id),
        1,
      );
      calls.push(`revoke ${params.id}`);
    },
  };
  return { api: createFakeApi({ authEnabled: false, handlers }), calls };
}

describe('OAuthAdmin', () => {
  it('lists clients with how they registered, their redirect hosts and status, and every user’s grants', async () => {
    const { api, calls } = oauthServer();
    render(<OAuthAdmin api={api} />);
    const claude = (await screen.findByText('Claude', { selector: '.cell-title' })).closest('tr')!;
    expect(within(claude).getByText('metadata document')).toBeTruthy();
    expect(within(claude).getByText('claude.ai')).toBeTruthy();
    expect(within(claude).getByText('active')).toBeTruthy();
    const cursor = screen.getByText('Cursor').closest('tr')!;
    expect(within(cursor).getByText('127.0.0.1:33418')).toBeTruthy();
    expect(within(cursor).getByText('waiting for approval')).toBeTruthy();
    const grants = screen.getByRole('table', { name: 'Grants' });
    const row = within(grants).getByText('ada').closest('tr')!;
    expect(row.textContent).toContain('sales (read) · 1 tool');
    expect(row.textContent).toContain('never');
    expect(calls).toContain('list grants all=true');
  });

  it('approves a pending client at once, and disables, deletes and revokes only after confirming', async () => {
    const { api, calls } = oauthServer();
    const user = userEvent.setup();
    render(<OAuthAdmin api={api} />);
    await user.click(await screen.findByRole('button', { name: 'Approve Cursor' }));
    await expect.poll(() => calls).toContain('Cursor → active');

    await user.click(screen.getByRole('button', { name: 'Disable Claude' }));
    let dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toMatch(/grants are revoked/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls).not.toContain('Claude → disabled');
    await user.click(screen.getByRole('button', { name: 'Disable Claude' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Disable' }));
    await expect.poll(() => calls).toContain('Claude → disabled');
    expect(await screen.findByRole('button', { name: 'Enable Claude' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Revoke Claude for ada' }));
    dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toMatch(/tokens stop working/);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Nobody has allowed a client yet.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Delete Cursor' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => screen.queryByText('Cursor')).toBeNull();
    expect(calls).toEqual(expect.arrayContaining(['revoke grant_1', 'delete mcp_cursor']));
  });

  it('shows the server’s refusal inline', async () => {
    const api = createFakeApi({
      authEnabled: false,
      handlers: {
        listOAuthClients: () => {
          throw new FakeRefusal(
            403,
            'FORBIDDEN',
            'This needs the manage_tokens permission, which you do not have.',
          );
        },
      },
    });
    render(<OAuthAdmin api={api} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/manage_tokens/);
  });

  it('names each redirect host once', () => {
    expect(redirectHosts(['https://a.example/cb', 'https://a.example/cb2', 'http://127.0.0.1:9/x'])).toBe(
      'a.example, 127.0.0.1:9',
    );
  });
});
