import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeMcp, fakeRows } from '../testing/fakes.js';
import { SqlConsole } from './sql-console.js';

function setup() {
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
        structured: { findings: ['Sequential scan on t (250 rows)'], execution_time_ms: 0.4 },
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
  render(<SqlConsole callTool={mcp.callTool} connection="demo" writesAllowed={false} />);
  return { mcp, user: userEvent.setup() };
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
    expect(await screen.findByText(/^250 rows/)).toBeTruthy();
    expect(mcp.calls.map((c) => c.input.offset)).toEqual([undefined, 100, 200]);
    expect(screen.getByRole('table', { name: 'Query result' }).getAttribute('aria-rowcount')).toBe('251');
  });

  it('shows errors and EXPLAIN findings', async () => {
    const { user } = setup();
    const editor = screen.getByLabelText('SQL statement');
    await user.type(editor, 'SELECT * FROM nope{Control>}{Enter}{/Control}');
    expect((await screen.findByRole('alert')).textContent).toBe('relation "nope" does not exist');
    await user.click(screen.getByRole('button', { name: 'Explain' }));
    expect(await screen.findByText('Sequential scan on t (250 rows)')).toBeTruthy();
    expect(screen.getByText(/Seq Scan on t/)).toBeTruthy();
  });

  it('browses the schema and queries a table from it', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('tab', { name: 'Schema' }));
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
