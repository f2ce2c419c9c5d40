import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeMcp, fakeRows } from '../testing/fakes.js';
import { PlainEditor } from './plain-editor.js';
import { SqlConsole } from './sql-console.js';

function setup(storage = memoryStorage()) {
  const mcp = createFakeMcp({
    query_database: {
      run: (input) =>
        String(input.query).includes('nope')
          ? { text: 'relation "nope" does not exist', isError: true }
          : fakeRows(Number(input.offset ?? 0), Number(input.limit ?? 100), 250),
    },
    execute_explain: {
      run: () => ({
        text: 'Seq Scan on t  (cost=0.00..1.00 rows=1)\nFindings:\n- Sequential scan on t',
        isError: false,
        structured: {
          findings: ['Sequential scan on t (250 rows)'],
          execution_time_ms: 0.4,
          plan: { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 't', 'Plan Rows': 1, 'Total Cost': 1 } },
        },
      }),
    },
    get_schema_info: {
      run: (input) =>
        input.table_name
          ? {
              text: '',
              isError: false,
              structured: {
                mode: 'detail',
                tables: [
                  {
                    schema: 'sales',
                    name: 'orders',
                    kind: 'table',
                    row_estimate: 250,
                    columns: [{ name: 'id', type: 'bigint', nullable: false, primary_key: true }],
                  },
                ],
              },
            }
          : {
              text: '',
              isError: false,
              structured: {
                mode: 'list',
                tables: [{ schema: 'sales', name: 'orders', kind: 'table', row_estimate: 250 }],
              },
            },
    },
  });
  const view = render(
    <SqlConsole
      callTool={mcp.callTool}
      connection="demo"
      writesAllowed={false}
      editor={PlainEditor}
      storage={storage}
    />,
  );
  return { mcp, user: userEvent.setup(), view };
}

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
  };
}

describe('SqlConsole', () => {
  it('runs a query and pages through the result', async () => {
    const { user, mcp } = setup();
    await user.type(screen.getByLabelText('SQL statement'), 'SELECT * FROM t');
    await user.click(screen.getByRole('button', { name: /Run/ }));
    expect(await screen.findByText(/100 rows, more available/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next 100 rows' }));
    expect(await screen.findByText(/200 rows, more available/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next 100 rows' }));
    expect(await screen.findByText(/^250 rows of 250/)).toBeTruthy();
    const runs = mcp.calls.filter((c) => c.input.query === 'SELECT * FROM t');
    expect(runs.map((c) => c.input.offset)).toEqual([undefined, 100, 200]);
    expect(screen.getByRole('table', { name: 'Query result' }).getAttribute('aria-rowcount')).toBe('251');
  });

  it('shows errors and EXPLAIN findings', async () => {
    const { user } = setup();
    const editor = screen.getByLabelText('SQL statement');
    await user.type(editor, 'SELECT * FROM nope{Control>}{Enter}{/Control}');
    expect((await screen.findByRole('alert')).textContent).toBe('relation "nope" does not exist');
    await user.click(screen.getByRole('button', { name: 'Explain' }));
    expect(await screen.findByText('Sequential scan on t (250 rows)')).toBeTruthy();
    expect(screen.getByText('Seq Scan on t')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Text plan' }));
    expect(screen.getByText(/cost=0.00..1.00/)).toBeTruthy();
  });

  it('runs only the selection, or the statement under the cursor', async () => {
    const { user, mcp } = setup();
    const editor = screen.getByLabelText<HTMLTextAreaElement>('SQL statement');
    await user.type(editor, 'SELECT 1 FROM a;\nSELECT 2 FROM b;\nSELECT 3 FROM c');
    const ran = () =>
      mcp.calls.filter((c) => c.name === 'query_database' && /^SELECT \d/.test(String(c.input.query)));
    const start = editor.value.indexOf('SELECT 2');
    editor.setSelectionRange(start + 3, start + 3);
    await user.keyboard('{Control>}{Enter}{/Control}');
    await expect.poll(() => ran().length).toBe(1);
    await screen.findByTestId('result-count');
    editor.setSelectionRange(0, 'SELECT 1'.length);
    await user.click(screen.getByRole('button', { name: /Run/ }));
    await expect.poll(() => ran().length).toBe(2);
    expect(ran().map((c) => c.input.query)).toEqual(['SELECT 2 FROM b', 'SELECT 1']);
  });

  it('keeps tabs, their names and their SQL across a reload', async () => {
    const storage = memoryStorage();
    const first = setup(storage);
    await first.user.type(screen.getByLabelText('SQL statement'), 'SELECT 1');
    await first.user.click(screen.getByRole('button', { name: 'New tab' }));
    await first.user.type(screen.getByLabelText('SQL statement'), 'SELECT 2');
    await first.user.click(screen.getByRole('button', { name: 'Rename Query 2' }));
    const name = screen.getByLabelText('Tab name');
    await first.user.clear(name);
    await first.user.type(name, 'Revenue{Enter}');
    first.view.unmount();
    const second = setup(storage);
    expect(screen.getByRole('tab', { name: 'Revenue', selected: true })).toBeTruthy();
    expect(screen.getByLabelText<HTMLTextAreaElement>('SQL statement').value).toBe('SELECT 2');
    await second.user.click(screen.getByRole('tab', { name: 'Query 1' }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('SQL statement').value).toBe('SELECT 1');
    await second.user.click(screen.getByRole('button', { name: 'Close Query 1' }));
    expect(screen.queryByRole('tab', { name: 'Query 1' })).toBeNull();
  });

  it('inserts names from the schema panel and runs its first 100 rows in a new tab', async () => {
    const { user, mcp } = setup();
    await user.click(await screen.findByRole('button', { name: 'orders' }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('SQL statement').value).toBe('sales.orders');
    await user.type(screen.getByLabelText('Search tables and columns'), 'zzz');
    expect(screen.getByText('Nothing matches.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Search tables and columns'));
    await user.click(screen.getByRole('button', { name: 'SELECT first 100 rows of sales.orders' }));
    await expect
      .poll(() => mcp.calls.some((c) => c.input.query === 'SELECT *\nFROM sales.orders\nLIMIT 100'))
      .toBe(true);
    expect(screen.getByRole('tab', { name: 'Query 2', selected: true })).toBeTruthy();
  });

  it('browses the schema and queries a table from it', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('tab', { name: 'Table details' }));
    await user.click(await screen.findByRole('button', { name: /orders/ }));
    const detail = await screen.findByRole('heading', { name: 'sales.orders' });
    expect(detail).toBeTruthy();
    expect(within(screen.getByRole('table')).getByText('PK')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /Query this table/ }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('SQL statement').value).toBe(
      'SELECT *\nFROM sales.orders',
    );
  });
});
