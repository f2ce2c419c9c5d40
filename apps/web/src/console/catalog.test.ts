import { describe, expect, it } from 'vitest';
import { createFakeMcp } from '../testing/fakes.js';
import { filterCatalog, firstRowsSql, loadCatalog, toNamespace } from './catalog.js';

const catalog = {
  schemas: [
    {
      name: 'sales',
      tables: [
        {
          schema: 'sales',
          name: 'orders',
          kind: 'table',
          row_estimate: 1,
          columns: [{ name: 'Total', type: 'numeric', nullable: true }],
        },
        { schema: 'sales', name: 'customers', kind: 'table', row_estimate: 1 },
      ],
    },
  ],
  functions: ['count'],
};

describe('catalog', () => {
  it('turns into lang-sql completions with quoted names where needed', () => {
    expect(toNamespace(catalog)).toEqual({
      sales: { orders: [{ label: '"Total"', type: 'property', detail: 'numeric' }], customers: [] },
    });
  });
  it('filters tables by table or column name', () => {
    expect(filterCatalog(catalog, 'cust')[0]!.tables.map((t) => t.name)).toEqual(['customers']);
    expect(filterCatalog(catalog, 'total')[0]!.tables.map((t) => t.name)).toEqual(['orders']);
    expect(filterCatalog(catalog, 'zzz')).toEqual([]);
  });
  it('writes the first-rows query', () => {
    expect(firstRowsSql({ schema: 'sales', name: 'Order Lines' })).toBe(
      'SELECT *\nFROM sales."Order Lines"\nLIMIT 100',
    );
  });
  it('loads schemas, then each schema, then functions through MCP', async () => {
    const mcp = createFakeMcp({
      get_schema_info: {
        run: (input) =>
          input.schema_name
            ? {
                text: '',
                isError: false,
                structured: {
                  mode: 'list',
                  tables: [{ schema: 'sales', name: 'orders', kind: 'table', row_estimate: 3 }],
                },
              }
            : {
                text: '',
                isError: false,
                structured: {
                  mode: 'summary',
                  schemas: [{ schema: 'sales', tables: 1, views: 0, row_estimate: 3 }],
                },
              },
      },
      query_database: {
        run: () => ({
          text: '',
          isError: false,
          structured: { columns: [{ name: 'proname' }], rows: [['my_fn']] },
        }),
      },
    });
    const loaded = await loadCatalog(mcp.callTool);
    expect(loaded.schemas).toEqual([
      { name: 'sales', tables: [{ schema: 'sales', name: 'orders', kind: 'table', row_estimate: 3 }] },
    ]);
    expect(loaded.functions).toContain('my_fn');
    expect(loaded.functions).toContain('date_trunc');
  });
});
