import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { ConnectionsAdmin } from './connections-admin.js';

async function fill(user: ReturnType<typeof userEvent.setup>, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields)) {
    const input = screen.getByLabelText(label);
    await user.clear(input);
    await user.type(input, value);
  }
}

describe('ConnectionsAdmin', () => {
  it('lists connections with their source, tests a definition, saves it, and deletes after confirmation', async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    let changes = 0;
    render(<ConnectionsAdmin api={api} onChanged={() => changes++} />);
    expect(await screen.findByText('built in (read-only)')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete demo' })).toBeNull();

    await fill(user, {
      Name: 'sales',
      Host: 'db.internal',
      Database: 'sales',
      'Database user': 'app',
      Password: 'wrong',
    });
    await user.click(screen.getByRole('button', { name: 'Test' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Failed (auth): PostgreSQL refused the login of user "app".',
    );
    await fill(user, { Password: 's3cret' });
    await user.click(screen.getByRole('button', { name: 'Test' }));
    expect((await screen.findByRole('status')).textContent).toBe('Connected: PostgreSQL 18.1 in 3 ms.');

    await user.click(screen.getByRole('button', { name: 'Save' }));
    const row = (await screen.findByText('db.internal:5432/sales')).closest('tr')!;
    expect(within(row).getByText('managed here')).toBeTruthy();
    expect(changes).toBe(1);

    await user.click(within(row).getByRole('button', { name: 'Delete sales' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toMatch(/fall back to the default connection/);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => screen.queryByText('db.internal:5432/sales')).toBeNull();
    expect(changes).toBe(2);
  });

  it("shows the server's message inline when saving is refused, and keeps the form", async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    render(<ConnectionsAdmin api={api} />);
    await screen.findByText('built in (read-only)');
    await fill(user, { Name: 'demo', Host: 'h', Database: 'd' });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'name: a connection named "demo" already exists.',
    );
    await fill(user, { Name: 'other', Port: '70000' });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await expect
      .poll(() => screen.getByRole('alert').textContent)
      .toBe('Invalid request: port: out of range (1-65535).');
    expect(screen.getByLabelText<HTMLInputElement>('Host').value).toBe('h');
  });

  it('marks a connection monitored in the form, and toggles it from the list', async () => {
    const api = createFakeApi({ authEnabled: false });
    const user = userEvent.setup();
    render(<ConnectionsAdmin api={api} />);
    const demo = (await screen.findByText('built in (read-only)')).closest('tr')!;
    // The built-in demo is monitored and read-only here: a word, not a checkbox.
    await expect.poll(() => within(demo).queryByText('yes')).toBeTruthy();
    expect(within(demo).queryByRole('checkbox')).toBeNull();

    await fill(user, { Name: 'sales', Host: 'db.internal', Database: 'sales' });
    await user.click(screen.getByRole('checkbox', { name: /^Monitored/ }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const toggle = await screen.findByRole<HTMLInputElement>('checkbox', { name: 'Monitor sales' });
    await expect.poll(() => toggle.checked).toBe(true);
    expect((await api.getConnection({ params: { id: 'c_1' } })).is_monitored).toBe(true);

    await user.click(toggle);
    await expect
      .poll(async () => (await api.getConnection({ params: { id: 'c_1' } })).is_monitored)
      .toBe(false);
    await expect
      .poll(() => screen.getByRole<HTMLInputElement>('checkbox', { name: 'Monitor sales' }).checked)
      .toBe(false);
  });
});
