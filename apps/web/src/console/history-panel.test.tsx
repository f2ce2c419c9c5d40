import type { QueryHistoryEntry } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { type HistoryApi, HistoryPanel } from './history-panel.js';

function entry(id: string, sql: string, more: Partial<QueryHistoryEntry> = {}): QueryHistoryEntry {
  return {
    id,
    at: new Date().toISOString(),
    sql,
    connection: 'demo',
    database: null,
    outcome: 'ok',
    error: null,
    row_count: 3,
    duration_ms: 12,
    ...more,
  };
}

/** An in-memory history answering like the server: contains-search, connection filter, delete. */
function fakeApi(entries: QueryHistoryEntry[]): HistoryApi {
  const api = {
    listQueryHistory: vi.fn(({ query = {} }: { query?: { q?: string; connection?: string } }) =>
      Promise.resolve({
        entries: entries.filter(
          (e) =>
            (!query.q || e.sql.toLowerCase().includes(query.q.toLowerCase())) &&
            (!query.connection || e.connection === query.connection),
        ),
        next_cursor: null,
      }),
    ),
    deleteQueryHistoryEntry: vi.fn(({ params }: { params: { id: string } }) => {
      entries = entries.filter((e) => e.id !== params.id);
      return Promise.resolve(undefined);
    }),
  };
  return api as unknown as HistoryApi;
}

it('lists, searches, opens, re-runs and deletes history entries', async () => {
  const user = userEvent.setup();
  const onOpen = vi.fn();
  const onRun = vi.fn();
  const api = fakeApi([
    entry('2', 'SELECT * FROM orders'),
    entry('1', 'SELECT nope', { outcome: 'error', error: 'relation "nope" does not exist', row_count: null }),
  ]);
  render(<HistoryPanel api={api} connection="demo" onOpen={onOpen} onRun={onRun} />);

  const list = await screen.findByRole('list', { name: 'Query history' });
  expect(within(list).getAllByRole('listitem')).toHaveLength(2);
  expect(within(list).getByText('3 rows')).toBeTruthy();
  expect(within(list).getByText('relation "nope" does not exist')).toBeTruthy();

  await user.type(screen.getByRole('searchbox', { name: 'Search history' }), 'orders');
  await expect.poll(() => within(list).queryAllByRole('listitem').length).toBe(1);

  await user.click(screen.getByTitle('Open in the editor'));
  expect(onOpen).toHaveBeenCalledWith('SELECT * FROM orders');
  await user.click(screen.getByRole('button', { name: /Run/ }));
  expect(onRun).toHaveBeenCalledWith('SELECT * FROM orders');

  await user.click(screen.getByRole('button', { name: 'Delete from history' }));
  expect(await screen.findByText('Nothing in your history matches.')).toBeTruthy();
});
