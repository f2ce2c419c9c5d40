import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { UsersAdmin } from './users-admin.js';

const rowOf = async (name: string) => (await screen.findByRole('cell', { name })).closest('tr')!;

describe('UsersAdmin', () => {
  it('creates a user, shows the server message for a refused one, disables, unlocks and deletes after confirmation', async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    render(<UsersAdmin api={api} canSetGroups />);
    const form = screen.getByRole('form', { name: 'Create a user' });
    await user.type(within(form).getByLabelText('Username'), 'ann');
    await user.type(within(form).getByLabelText(/^Password/), 'short');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('password: at least 12 characters.');
    expect(within(form).getByLabelText<HTMLInputElement>('Username').value).toBe('ann');

    await user.clear(within(form).getByLabelText(/^Password/));
    await user.type(within(form).getByLabelText(/^Password/), 'a long password 42');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(within(await rowOf('ann')).getByText('enabled')).toBeTruthy();
    expect(within(form).getByLabelText<HTMLInputElement>('Username').value).toBe('');

    await user.click(screen.getByRole('button', { name: 'Disable ann' }));
    expect(await within(await rowOf('ann')).findByText('disabled')).toBeTruthy();
    expect((await api.listUsers()).users.find((u) => u.username === 'ann')?.enabled).toBe(false);

    expect(within(await rowOf('bob')).getByText('enabled, locked')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Unlock bob' }));
    expect(await within(await rowOf('bob')).findByText('enabled')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unlock bob' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Delete ann' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('cell', { name: 'ann' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Delete ann' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => screen.queryByRole('cell', { name: 'ann' })).toBeNull();
  });

  it("resets a password (the server's message inline) and sets a user's groups", async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    await api.createGroup({ body: { name: 'analysts' } });
    await api.createGroup({ body: { name: 'ops' } });
    render(<UsersAdmin api={api} canSetGroups />);
    await user.click(await screen.findByRole('button', { name: 'Reset the password of bob' }));
    let dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('New password'), 'tiny');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('password: at least 12 characters.');
    await user.type(within(dialog).getByLabelText('New password'), ' but longer now');
    await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
    await expect.poll(() => screen.queryByRole('dialog')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Groups of bob' }));
    dialog = await screen.findByRole('dialog');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'ops' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save groups' }));
    await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
    const { groups } = await api.listGroups();
    const members = await Promise.all(groups.map((g) => api.getGroup({ params: { id: g.id } })));
    expect(members.map((g) => [g.name, g.members.users])).toEqual([
      ['analysts', []],
      ['ops', ['bob']],
    ]);

    await user.click(screen.getByRole('button', { name: 'Groups of bob' }));
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole<HTMLInputElement>('checkbox', { name: 'ops' }).checked).toBe(true);
  });

  it('offers groups only to holders of manage_groups', async () => {
    render(<UsersAdmin api={createFakeApi({ authEnabled: false })} canSetGroups={false} />);
    await screen.findByRole('button', { name: 'Disable bob' });
    expect(screen.queryByRole('button', { name: 'Groups of bob' })).toBeNull();
  });
});
