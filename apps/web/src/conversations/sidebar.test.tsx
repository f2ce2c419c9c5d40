import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import { Sidebar } from './sidebar.js';
import { useConversations } from './use-conversations.js';

type FakeApi = ReturnType<typeof createFakeApi>;

function Harness({
  api,
  onOpen,
  onNew,
  onDeletedActive,
}: {
  api: FakeApi;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDeletedActive: () => void;
}) {
  const conversations = useConversations(api);
  return (
    <Sidebar
      conversations={conversations}
      activeId="c1"
      onOpen={onOpen}
      onNew={onNew}
      onDeletedActive={onDeletedActive}
    />
  );
}

async function setup() {
  const api = createFakeApi({ authEnabled: false });
  await api.createConversation({ body: { messages: [{ role: 'user', content: 'Revenue by month' }] } });
  await api.createConversation({ body: { messages: [{ role: 'user', content: 'Slow query on orders' }] } });
  const handlers = { onOpen: vi.fn(), onNew: vi.fn(), onDeletedActive: vi.fn() };
  render(<Harness api={api} {...handlers} />);
  await screen.findByText('Revenue by month', { selector: '.conv-title' });
  return { api, ...handlers, user: userEvent.setup() };
}

describe('Sidebar', () => {
  it('lists conversations, most recent first, with preview and relative time, and opens one', async () => {
    const { user, onOpen } = await setup();
    const titles = screen.getAllByText(/./, { selector: '.conv-title' }).map((el) => el.textContent);
    expect(titles).toEqual(['Slow query on orders', 'Revenue by month']);
    expect(screen.getAllByText('just now')).toHaveLength(2);
    const active = screen.getByRole('button', { current: true });
    expect(active.textContent).toContain('Revenue by month');
    await user.click(screen.getByText('Slow query on orders', { selector: '.conv-title' }));
    expect(onOpen).toHaveBeenCalledWith('c2');
  });

  it('renames a conversation on the server', async () => {
    const { user, api } = await setup();
    await user.click(screen.getByRole('button', { name: 'Rename “Revenue by month”' }));
    const input = screen.getByLabelText('New title');
    await user.clear(input);
    await user.type(input, 'Monthly revenue 2024{Enter}');
    expect(await screen.findByText('Monthly revenue 2024', { selector: '.conv-title' })).toBeTruthy();
    expect(api.conversations.find((c) => c.id === 'c1')?.title).toBe('Monthly revenue 2024');
  });

  it('deletes one after confirmation, and tells when it was the open one', async () => {
    const { user, api, onDeletedActive } = await setup();
    await user.click(screen.getByRole('button', { name: 'Delete “Revenue by month”' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this conversation?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() =>
      expect(screen.queryByText('Revenue by month', { selector: '.conv-title' })).toBeNull(),
    );
    expect(api.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(onDeletedActive).toHaveBeenCalled();
  });

  it('deletes all, and Cancel deletes nothing', async () => {
    const { user, api } = await setup();
    await user.click(screen.getByRole('button', { name: 'Delete all' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.conversations).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Delete all' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.conversations).toHaveLength(0));
    expect(await screen.findByText(/Your conversations appear here/)).toBeTruthy();
  });
});
