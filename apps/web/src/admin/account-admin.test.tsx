import type { MeResponse } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { AccountAdmin } from './account-admin.js';

const connection = {
  id: 'c_rls',
  name: 'rls',
  source: 'store' as const,
  credentials: 'per_user' as const,
  description: null,
  host: 'db',
  port: 5432,
  database: 'app',
  access: 'read_write' as const,
  writes_allowed: true,
  current: false,
};

async function setup() {
  const api = createFakeApi({ authEnabled: false, connections: [connection] });
  const me: MeResponse = {
    ...(await api.me()),
    access: { ...(await api.me()).access, tools: ['query_database'] },
  };
  render(<AccountAdmin api={api} me={me} />);
  return { api, user: userEvent.setup() };
}

describe('AccountAdmin', () => {
  it('creates a scoped token shown once with a copy button, and revokes it after confirmation', async () => {
    const { api, user } = await setup();
    const form = await screen.findByRole('form', { name: 'Create an API token' });
    await user.type(within(form).getByLabelText('Note'), 'laptop');
    await user.click(within(form).getByRole('checkbox', { name: 'rls' }));
    await user.selectOptions(within(form).getByLabelText('Access to rls'), 'read_write');
    await user.click(within(form).getByRole('checkbox', { name: 'conversations' }));
    await user.click(within(form).getByRole('checkbox', { name: 'tool query_database' }));
    await user.click(within(form).getByRole('button', { name: 'Create token' }));

    const shown = await screen.findByRole('status');
    expect(within(shown).getByLabelText('New token').textContent).toBe('pgmcp_secret_tok_1');
    expect(within(shown).getByRole('button', { name: 'Copy the token' })).toBeTruthy();
    const [token] = (await api.listTokens()).tokens;
    expect(token?.scope).toEqual({
      connections: [{ name: 'rls', access: 'read_write' }],
      mcp_items: [{ kind: 'tool', name: 'query_database' }],
      api: ['conversations'],
    });
    const row = (await screen.findByRole('cell', { name: 'laptop' })).closest('tr')!;
    expect(row.textContent).toMatch(/rls \(read_write\); 1 MCP items; API: conversations/);
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText('pgmcp_secret_tok_1')).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Revoke token laptop' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await expect.poll(() => screen.queryByRole('cell', { name: 'laptop' })).toBeNull();
    expect((await api.listTokens()).tokens).toEqual([]);
  });

  it('stores and forgets the own database login of a per_user connection, never showing a password', async () => {
    const { user } = await setup();
    const form = await screen.findByRole('form', { name: 'My login for rls' });
    await user.type(within(form).getByLabelText('Database user'), 'ann_db');
    await user.type(within(form).getByLabelText('Database password'), 'pw');
    await user.click(within(form).getByRole('button', { name: 'Save my login' }));
    expect((await within(form).findByRole('status')).textContent).toBe(
      'Saved: you connect to rls as ann_db.',
    );
    expect(within(form).getByLabelText<HTMLInputElement>('Database password').value).toBe('');
    await user.click(within(form).getByRole('button', { name: 'Forget my login' }));
    await expect
      .poll(() => within(form).getByRole('status').textContent)
      .toBe('Forgotten: rls has no login of yours now.');
  });
});
