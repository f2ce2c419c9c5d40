import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { GroupsAdmin } from './groups-admin.js';

describe('GroupsAdmin', () => {
  it('creates groups, nests one in another as a tree, adds and removes members, and deletes after confirmation', async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    render(<GroupsAdmin api={api} />);
    const create = screen.getByRole('form', { name: 'Create a group' });
    for (const name of ['engineering', 'dev']) {
      await user.type(within(create).getByLabelText('Group name'), name);
      await user.click(within(create).getByRole('button', { name: 'Create group' }));
      await screen.findByRole('region', { name: `Group ${name}` });
    }
    await user.type(within(create).getByLabelText('Group name'), 'dev');
    await user.click(within(create).getByRole('button', { name: 'Create group' }));
    expect((await within(create).findByRole('alert')).textContent).toBe(
      'name: a group named "dev" already exists.',
    );

    // dev gets bob; engineering gets dev: dev shows under engineering in the tree.
    let panel = screen.getByRole('region', { name: 'Group dev' });
    await user.type(within(panel).getByLabelText('Username'), 'bob');
    await user.click(within(panel).getByRole('button', { name: 'Add member' }));
    expect(await within(panel).findByText('bob')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /^engineering/ }));
    panel = await screen.findByRole('region', { name: 'Group engineering' });
    await user.selectOptions(within(panel).getByLabelText('Member kind'), 'group');
    await user.type(within(panel).getByLabelText('Group name'), 'dev');
    await user.click(within(panel).getByRole('button', { name: 'Add member' }));
    const tree = screen.getByRole('list', { name: 'Groups by nesting' });
    await expect
      .poll(() =>
        [...tree.querySelectorAll(':scope > li')].map((li) => li.querySelector('button')?.textContent),
      )
      .toEqual(['engineering (0 users)']);
    expect(tree.querySelector(':scope > li > ul > li > button')?.textContent).toBe('dev (1 user)');

    // A cycle: the server's message inline.
    await user.click(within(tree).getByRole('button', { name: /^dev/ }));
    panel = await screen.findByRole('region', { name: 'Group dev' });
    await user.selectOptions(within(panel).getByLabelText('Member kind'), 'group');
    await user.type(within(panel).getByLabelText('Group name'), 'engineering');
    await user.click(within(panel).getByRole('button', { name: 'Add member' }));
    expect((await within(panel).findByRole('alert')).textContent).toMatch(/would make a cycle/);

    await user.click(within(panel).getByRole('button', { name: 'Remove user bob from dev' }));
    await expect.poll(() => within(panel).queryByText('bob')).toBeNull();

    await user.click(within(panel).getByRole('button', { name: 'Delete group' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toMatch(/lose the privileges/);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await expect
      .poll(async () => (await api.listGroups()).groups.map((g) => g.name))
      .toEqual(['engineering']);
    await expect.poll(() => within(tree).queryByRole('button', { name: /^dev/ })).toBeNull();
  });
});
