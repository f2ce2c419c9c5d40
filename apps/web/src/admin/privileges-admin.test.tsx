import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { PrivilegesAdmin } from './privileges-admin.js';

describe('PrivilegesAdmin', () => {
  it('grants an MCP item and a connection to a group, explains a member’s access, and revokes after confirmation', async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    const group = await api.createGroup({ body: { name: 'analysts' } });
    await api.addGroupMember({ params: { id: group.id }, body: { username: 'bob' } });
    render(<PrivilegesAdmin api={api} />);

    const itemForm = await screen.findByRole('form', { name: 'Grant an MCP item' });
    await user.selectOptions(within(itemForm).getByLabelText('MCP item'), 'tool:query_database');
    await user.click(within(itemForm).getByRole('button', { name: 'Grant item' }));
    const connForm = screen.getByRole('form', { name: 'Grant a connection' });
    await user.selectOptions(within(connForm).getByLabelText('Access'), 'read');
    await user.click(within(connForm).getByRole('button', { name: 'Grant connection' }));
    const table = screen.getByRole('table', { name: 'Privileges of analysts' });
    await expect
      .poll(() => [...table.querySelectorAll('tr td:first-child')].map((td) => td.textContent))
      .toEqual(['tool query_database', 'connection demo (read)']);

    const explain = screen.getByRole('form', { name: "Explain a user's access" });
    await user.type(within(explain).getByLabelText('Explain the access of user'), 'nobody');
    await user.click(within(explain).getByRole('button', { name: 'Explain' }));
    expect((await within(explain).findByRole('alert')).textContent).toBe('There is no user "nobody".');
    await user.clear(within(explain).getByLabelText('Explain the access of user'));
    await user.type(within(explain).getByLabelText('Explain the access of user'), 'bob');
    await user.click(within(explain).getByRole('button', { name: 'Explain' }));
    const access = await screen.findByRole('region', { name: 'Access of bob' });
    expect(access.textContent).toMatch(/groups: analysts/);
    const row = (what: string) => within(access).getByRole('cell', { name: what }).closest('tr')!.textContent;
    expect(row('tool query_database')).toBe('tool query_databaseyesgranted by analysts');
    expect(row('connection demo')).toBe('connection demoreadread: granted by analysts');

    await user.click(screen.getByRole('button', { name: 'Revoke tool query_database' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await expect
      .poll(() => [...table.querySelectorAll('tr td:first-child')].map((td) => td.textContent))
      .toEqual(['connection demo (read)']);
    const detail = await api.getGroup({ params: { id: group.id } });
    expect(detail.privileges.mcp_items).toEqual([]);
  });
});
