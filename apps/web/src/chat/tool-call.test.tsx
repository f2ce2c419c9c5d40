import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeRows } from '../testing/fakes.js';
import { onOpenInConsole } from '../console/open-in-console.js';
import { ToolCall } from './tool-call.js';

const sql = 'SELECT n, label FROM t ORDER BY n';
const item = {
  kind: 'tool' as const,
  key: 'm1-0',
  id: 't1',
  name: 'query_database',
  input: { query: sql, limit: 3 },
  sql,
  result: { text: fakeRows(0, 3, 7).text, isError: false },
};

describe('ToolCall', () => {
  it('shows the tool, its SQL and the rows, and pages with "More rows" straight through MCP', async () => {
    const user = userEvent.setup();
    const callTool = vi.fn(async (_name: string, args: Record<string, unknown>) =>
      fakeRows(Number(args.offset), 3, 7),
    );
    render(
      <ToolCall
        item={item}
        runtime={{ status: 'ok', rowCount: 3, durationMs: 12, structured: fakeRows(0, 3, 7).structured! }}
        callTool={callTool}
        open
        onToggle={() => undefined}
      />,
    );
    expect(screen.getByText('query_database')).toBeTruthy();
    expect(screen.getAllByText(/ORDER/).length).toBeGreaterThan(0);
    const table = screen.getByRole('table', { name: 'Result of query_database' });
    expect(within(table).getAllByRole('row')).toHaveLength(4); // header + 3
    expect(screen.getByText('3 rows shown, more available')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'More rows' }));
    expect(callTool).toHaveBeenCalledWith('query_database', { limit: 3, query: sql, offset: 3 });
    expect(within(table).getByText('row 6')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'More rows' }));
    expect(within(table).getAllByRole('row')).toHaveLength(8);
    expect(screen.queryByRole('button', { name: 'More rows' })).toBeNull();
  });

  it('reads the rows back from the stored text when there is no structured result', () => {
    render(<ToolCall item={item} runtime={undefined} callTool={undefined} open onToggle={() => undefined} />);
    expect(screen.getByText('row 3')).toBeTruthy();
    expect(screen.getByText('done')).toBeTruthy();
  });

  it('highlights an error', () => {
    const failed = { ...item, result: { text: 'relation "t" does not exist', isError: true } };
    const { container } = render(
      <ToolCall item={failed} runtime={undefined} callTool={undefined} open onToggle={() => undefined} />,
    );
    expect(screen.getByText('failed')).toBeTruthy();
    expect(container.querySelector('.tool-error')?.textContent).toBe('relation "t" does not exist');
    expect(container.querySelector('details')?.className).toContain('status-error');
  });

  it('says when the user declined', () => {
    const declined = {
      ...item,
      result: { text: 'The user declined this query_database call; nothing ran.', isError: true },
    };
    render(
      <ToolCall item={declined} runtime={undefined} callTool={undefined} open onToggle={() => undefined} />,
    );
    expect(screen.getByText('You declined; nothing ran.')).toBeTruthy();
  });

  it('opens its SQL in the console', async () => {
    const user = userEvent.setup();
    const opened: string[] = [];
    const stop = onOpenInConsole((text) => opened.push(text));
    render(<ToolCall item={item} runtime={undefined} callTool={undefined} open onToggle={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Open in console' }));
    stop();
    expect(opened).toEqual([sql]);
  });
});
