import { describe, expect, it } from 'vitest';
import { assistant, toolCall, toolResult, user } from '../test/conversations.js';
import { classifyMessage, classifyMessages, isAcknowledgement, TIER_SCORES } from './classifier.js';

describe('classifyMessage', () => {
  it('makes schema changes anchors, in prose and in a query tool call', () => {
    const ddl = assistant(
      'I will run CREATE TABLE audit_log (id bigint primary key, at timestamptz) for you.',
    );
    expect(classifyMessage(ddl)).toMatchObject({ tier: 'anchor', score: 1, reasons: ['schema change'] });
    const alter = toolCall('c1', 'query_database', { query: 'ALTER TABLE orders ADD COLUMN note text' });
    expect(classifyMessage(alter).tier).toBe('anchor');
    expect(classifyMessage(user('please drop index idx_orders_created_at, it is unused')).tier).toBe(
      'anchor',
    );
  });

  it('makes user corrections anchors but not the same words from the assistant', () => {
    for (const text of [
      'Actually, the revenue lives in the invoices table.',
      'Use the archive schema instead.',
      'That is wrong: status 3 means refunded.',
    ]) {
      expect(classifyMessage(user(text))).toMatchObject({ tier: 'anchor', reasons: ['user correction'] });
    }
    expect(
      classifyMessage(assistant('Actually, I can group these by month instead if you prefer.')).tier,
    ).not.toBe('anchor');
  });

  it('judges a tool result by the name of its tool_use', () => {
    const conversation = [
      user('What tables are there?'),
      toolCall('s1', 'get_schema_info', { schema_name: 'public' }),
      toolResult('s1', 'public.orders: id bigint, customer_id bigint, total numeric'),
    ];
    const tiers = classifyMessages(conversation);
    expect(tiers[2]).toMatchObject({ tier: 'anchor', reasons: ['schema tool result: get_schema_info'] });
    // Alone, the same result has no tool name to go by.
    expect(classifyMessage(conversation[2]!).tier).toBe('contextual');
  });

  it('keeps schema tool results contextual when preserve_schema_info is false', () => {
    const conversation = [
      toolCall('s1', 'get_schema_info', {}),
      toolResult('s1', 'public.orders: id bigint'),
    ];
    expect(classifyMessages(conversation, { preserve_schema_info: false })[1]?.tier).toBe('contextual');
  });

  it('makes plans, execution times and explain calls important', () => {
    const plan = toolResult(
      'e1',
      'Seq Scan on orders  (cost=0.00..431.00 rows=21000 width=32)\nExecution Time: 12.3 ms',
    );
    expect(classifyMessage(plan)).toMatchObject({ tier: 'important', score: 0.8 });
    expect(classifyMessage(plan).reasons).toEqual(expect.arrayContaining(['query plan', 'execution time']));
    expect(classifyMessage(toolCall('e2', 'execute_explain', { query: 'SELECT 1' })).tier).toBe('important');
    expect(
      classifyMessage(assistant('The query took 840 ms on the cold cache, most of it reading the heap.'))
        .tier,
    ).toBe('important');
  });

  it('does not mistake "explain" in prose for a query plan', () => {
    expect(
      classifyMessage(user('Can you explain what the status column of the orders table means?')).tier,
    ).toBe('contextual');
  });

  it('makes SQL errors, permission problems and failed tool calls important', () => {
    expect(
      classifyMessage(
        toolResult('q1', 'ERROR:  relation "ordres" does not exist\nLINE 1: SELECT * FROM ordres'),
      ),
    ).toMatchObject({ tier: 'important', reasons: ['sql error'] });
    expect(classifyMessage(toolResult('q2', 'permission denied for table payroll')).reasons).toContain(
      'permission denied',
    );
    expect(classifyMessage(toolResult('q3', 'connection reset', true))).toMatchObject({
      tier: 'important',
      reasons: ['tool error'],
    });
  });

  it('makes key findings, warnings and documentation references important', () => {
    expect(classifyMessage(assistant('Key finding: 40 % of orders never get a shipment row.')).tier).toBe(
      'important',
    );
    expect(classifyMessage(assistant('Warning: this index is 12 GB and never used by any plan.')).tier).toBe(
      'important',
    );
    expect(
      classifyMessage(
        assistant('See https://www.postgresql.org/docs/current/indexes-partial.html for partial indexes.'),
      ).reasons,
    ).toContain('documentation reference');
  });

  it('rates ordinary questions and answers contextual', () => {
    const question = user('Which customers ordered more than five times last quarter?');
    expect(classifyMessage(question)).toMatchObject({ tier: 'contextual', score: 0.6, reasons: ['request'] });
    const answer = assistant(
      'Twelve customers ordered more than five times; the top three account for a fifth of the revenue in that period.',
    );
    expect(classifyMessage(answer)).toMatchObject({ tier: 'contextual', reasons: ['answer'] });
  });

  it('keeps short tool results contextual only when preserve_tool_results is on', () => {
    const short = [
      toolCall('q1', 'query_database', { query: 'SELECT count(*) FROM orders WHERE total > 100' }),
      toolResult('q1', 'count\n42'),
    ];
    expect(classifyMessages(short)[1]?.tier).toBe('contextual');
    expect(classifyMessages(short, { preserve_tool_results: false })[1]).toMatchObject({
      tier: 'routine',
      reasons: ['short tool result'],
    });
    const long = [short[0]!, toolResult('q1', 'id\tname\n' + '1\tAcme Corporation\n'.repeat(20))];
    expect(classifyMessages(long, { preserve_tool_results: false })[1]?.tier).toBe('contextual');
  });

  it('rates simple queries and short confirmations routine', () => {
    expect(classifyMessage(toolCall('q1', 'query_database', { query: 'SELECT 1' }))).toMatchObject({
      tier: 'routine',
      reasons: ['simple query'],
    });
    expect(
      classifyMessage(
        toolCall('q2', 'query_database', {
          query: 'SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id',
        }),
      ).tier,
    ).toBe('contextual');
    expect(classifyMessage(user('next page'))).toMatchObject({
      tier: 'routine',
      reasons: ['simple request'],
    });
    expect(classifyMessage(assistant('Done, the export has 42 rows.'))).toMatchObject({
      tier: 'routine',
      reasons: ['short confirmation'],
    });
  });

  it('rates bare acknowledgements transient', () => {
    for (const text of ['ok', 'Yes.', 'Thanks!', 'thank you', 'got it', '👍', '']) {
      expect(classifyMessage(user(text)), text).toMatchObject({ tier: 'transient', score: 0.2 });
    }
    expect(classifyMessage(user('ok, now show me the invoices from March')).tier).not.toBe('transient');
  });

  it('takes the highest signal of a message with text and a tool call', () => {
    const message = toolCall(
      'q1',
      'query_database',
      { query: 'SELECT 1' },
      'Warning: this runs on the primary.',
    );
    expect(classifyMessage(message).tier).toBe('important');
  });

  it('gives every tier its documented score', () => {
    expect(TIER_SCORES).toEqual({ anchor: 1, important: 0.8, contextual: 0.6, routine: 0.4, transient: 0.2 });
  });
});

describe('isAcknowledgement', () => {
  it('ignores case, punctuation and emoji but not content', () => {
    expect(isAcknowledgement('OK!!')).toBe(true);
    expect(isAcknowledgement('Sounds good 🙂')).toBe(true);
    expect(isAcknowledgement('ok but use the replica')).toBe(false);
  });
});
