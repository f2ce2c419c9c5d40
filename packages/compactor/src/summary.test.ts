import { describe, expect, it } from 'vitest';
import { assistant, toolCall, toolResult, user } from '../test/conversations.js';
import { extractFeatures, formatSummary, summarize } from './summary.js';

describe('extractFeatures', () => {
  it('finds tables in SQL tool inputs, skipping functions and keywords', () => {
    const call = toolCall('q', 'query_database', {
      query:
        'SELECT c.name, sum(o.total) FROM public.orders o JOIN customers c ON c.id = o.customer_id, generate_series(1, 3) GROUP BY 1',
    });
    expect(extractFeatures(call)).toMatchObject({
      tools: ['query_database'],
      sqlCount: 1,
      tables: ['public.orders', 'customers'],
    });
  });

  it('takes table and schema names from tool inputs', () => {
    const call = toolCall('s', 'get_schema_info', {
      schema_name: 'sales',
      table_name: 'Invoices',
      connection_id: 'prod',
    });
    expect(extractFeatures(call)).toMatchObject({
      tables: ['invoices'],
      entities: ['schema sales', 'connection prod'],
    });
  });

  it('finds tables, fenced SQL and names in prose', () => {
    const features = extractFeatures(
      assistant(
        'The orders table is fine, but this table is not. Run:\n```sql\nDELETE FROM audit_log WHERE at < now()\n```\nthen check `idx_audit_at`.',
      ),
    );
    expect(features.tables).toEqual(['audit_log', 'orders']);
    expect(features.sqlCount).toBe(1);
    expect(features.entities).toEqual(['idx_audit_at']);
  });

  it('records the first line of errors and of failed tool results', () => {
    expect(
      extractFeatures(toolResult('q', 'ERROR:  permission denied for table payroll\nDETAIL: none')).errors,
    ).toEqual(['ERROR: permission denied for table payroll']);
    expect(extractFeatures(toolResult('q', 'connection refused\nretry later', true)).errors).toEqual([
      'connection refused',
    ]);
  });

  it('takes what the user asked as an action, but not acknowledgements', () => {
    expect(extractFeatures(user('Find customers without orders\nand list their emails')).action).toBe(
      'Find customers without orders',
    );
    expect(extractFeatures(user('thanks!')).action).toBeUndefined();
    expect(extractFeatures(assistant('I found three.')).action).toBeUndefined();
  });
});

describe('summarize and formatSummary', () => {
  const summary = summarize([
    extractFeatures(user('Show the biggest orders')),
    extractFeatures(toolCall('a', 'query_database', { query: 'SELECT * FROM orders ORDER BY total DESC' })),
    extractFeatures(user('Now the customers')),
    extractFeatures(toolCall('b', 'query_database', { query: 'SELECT * FROM customers' })),
    extractFeatures(toolCall('c', 'execute_explain', { query: 'SELECT * FROM orders' })),
  ]);

  it('ranks by frequency and counts tools', () => {
    expect(summary).toMatchObject({
      message_count: 5,
      actions: ['Show the biggest orders', 'Now the customers'],
      tables: ['orders', 'customers'],
      tools: ['query_database ×2', 'execute_explain'],
      sql_count: 3,
      errors: [],
    });
  });

  it('writes full, brief and minimal texts', () => {
    expect(formatSummary(summary, 'full')).toBe(
      [
        '[Summary of 5 earlier messages, omitted to fit the context budget]',
        'Requests: "Show the biggest orders"; "Now the customers"',
        'Tables: orders, customers',
        'Tools used: query_database ×2, execute_explain',
        'SQL statements: 3',
      ].join('\n'),
    );
    expect(formatSummary({ ...summary, tables: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 'brief')).toContain(
      'Tables: a, b, c, d, e (+2 more)',
    );
    expect(formatSummary(summary, 'minimal')).toBe('[5 earlier messages omitted to fit the context budget.]');
  });
});
