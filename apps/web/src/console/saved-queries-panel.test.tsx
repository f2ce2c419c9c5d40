import { ApiError, type SavedQuery } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, it, vi } from 'vitest';
import { type SavedQueriesApi, SavedQueriesPanel } from './saved-queries-panel.js';

function saved(id: string, name: string, more: Partial<SavedQuery> = {}): SavedQuery {
  return {
    id,
    name,
    description: null,
    sql: `SELECT '${name}'`,
    connection: 'demo',
    owner: 'ada',
    mine: true,
    group: null,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    ...more,
  };
}

function fakeApi(queries: SavedQuery[]) {
  const api = {
    listSavedQueries: vi.fn(() => Promise.resolve({ queries: [...queries], groups: ['analysts'] })),
    createSavedQuery: vi.fn(({ body }: { body: { name: string; sql: string; group?: string } }) => {
      if (queries.some((q) => q.name === body.name)) {
        return Promise.reject(
          new ApiError('ALREADY_EXISTS', `You already have a saved query named "${body.name}".`, 409),
        );
      }
      const created = saved(String(queries.length + 10), body.name, {
        sql: body.sql,
        group: body.group ? { id: 'g', name: body.group } : null,
      });
      queries.push(created);
      return Promise.resolve(created);
    }),
    deleteSavedQuery: vi.fn(({ params }: { params: { id: string } }) => {
      queries = queries.filter((q) => q.id !== params.id);
      return Promise.resolve(undefined);
    }),
  };
  return api;
}

it('saves the editor SQL shared with a group, and refuses a name already used', async () => {
  const user = userEvent.setup();
  const api = fakeApi([saved('1', 'Top customers')]);
  render(
    <SavedQueriesPanel
      api={api as unknown as SavedQueriesApi}
      connection="demo"
      currentSql="SELECT 42"
      onOpen={vi.fn()}
      onRun={vi.fn()}
    />,
  );
  await screen.findByText('Top customers');
  await user.type(screen.getByRole('textbox', { name: 'Name of the saved query' }), 'Answer');
  await user.selectOptions(screen.getByRole('combobox', { name: /share with/ }), 'analysts');
  await user.click(screen.getByRole('button', { name: 'Save current SQL' }));
  expect(await screen.findByText('shared with analysts')).toBeTruthy();
  expect(api.createSavedQuery).toHaveBeenCalledWith({
    body: { name: 'Answer', sql: 'SELECT 42', connection: 'demo', group: 'analysts' },
  });

  await user.type(screen.getByRole('textbox', { name: 'Name of the saved query' }), 'Top customers');
  await user.click(screen.getByRole('button', { name: 'Save current SQL' }));
  expect((await screen.findByRole('alert')).textContent).toMatch(
    /already have a saved query named "Top customers"/,
  );
});

it('offers delete only on your own queries, after a confirmation', async () => {
  const user = userEvent.setup();
  const onRun = vi.fn();
  const api = fakeApi([
    saved('1', 'Mine'),
    saved('2', 'Shared', { mine: false, owner: 'bob', group: { id: 'g', name: 'analysts' } }),
  ]);
  render(
    <SavedQueriesPanel
      api={api as unknown as SavedQueriesApi}
      connection="demo"
      currentSql=""
      onOpen={vi.fn()}
      onRun={onRun}
    />,
  );
  const list = await screen.findByRole('list', { name: 'Saved queries' });
  const [mine, shared] = within(list).getAllByRole('listitem');
  expect(within(shared!).getByText('by bob')).toBeTruthy();
  expect(within(shared!).queryByRole('button', { name: /Delete/ })).toBeNull();
  await user.click(within(shared!).getByRole('button', { name: /Run/ }));
  expect(onRun).toHaveBeenCalledWith("SELECT 'Shared'");
  expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save current SQL' }).disabled).toBe(true);

  await user.click(within(mine!).getByRole('button', { name: 'Delete Mine' }));
  const dialog = screen.getByRole('dialog', { name: 'Delete this saved query?' });
  await user.click(within(dialog).getByRole('button', { name: 'Keep it' }));
  expect(api.deleteSavedQuery).not.toHaveBeenCalled();
  await user.click(within(mine!).getByRole('button', { name: 'Delete Mine' }));
  await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
  await expect.poll(() => within(list).queryAllByRole('listitem').length).toBe(1);
  expect(api.deleteSavedQuery).toHaveBeenCalledWith({ params: { id: '1' } });
});
