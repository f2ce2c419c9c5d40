import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import { assistant, toolCall, toolResult, user } from '../test/conversations.js';
import { classifyMessage, classifyMessages } from './classifier.js';

// One case per phrasing family of DESIGN.md §7 / issue 20 point 4, as people write them in practice,
// and the near misses that must stay ordinary.

const tierOf = (message: Message) => classifyMessage(message).tier;

describe('anchors: schema changes wherever they are written', () => {
  it.each([
    ['user SQL', user('Please run: ALTER TABLE orders ADD COLUMN note text;')],
    ['user prose', user('we should drop index idx_orders_created_at, nothing uses it')],
    ['lower-case DDL', user('create unique index concurrently on payments (external_id)')],
    ['CREATE TABLE IF NOT EXISTS', user('CREATE TABLE IF NOT EXISTS audit_log (id bigserial primary key)')],
    ['materialized view', assistant('I created a materialized view monthly_revenue for the dashboard.')],
    ['function', assistant('CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$ ... $$')],
    ['rename', user('ALTER TABLE customer RENAME TO customers')],
    ['constraint', assistant('Adding the foreign key: ALTER TABLE orders ADD CONSTRAINT fk_customer ...')],
    ['primary key', user('add primary key (id) to the events table please')],
    ['grant', user('GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO analyst')],
    ['comment', user("COMMENT ON COLUMN orders.total IS 'in cents'")],
    ['upper-case type', assistant("CREATE TYPE order_status AS ENUM ('open', 'paid', 'shipped')")],
    ['fenced SQL in an answer', assistant('Run this:\n```sql\nDROP TABLE IF EXISTS tmp_import;\n```')],
    [
      'tool input query',
      toolCall('c1', 'query_database', { query: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2)' }),
    ],
    [
      'tool input under another key',
      toolCall('c2', 'run_migration', { statements: ['CREATE INDEX idx_a ON a (b)'] }),
    ],
    ['tool input sql key', toolCall('c3', 'execute_sql', { sql: 'drop view stale_report' })],
  ])('%s', (_label, message) => {
    expect(classifyMessage(message)).toMatchObject({ tier: 'anchor', reasons: ['schema change'] });
  });

  it('does not take ordinary prose or reads for schema changes', () => {
    for (const text of [
      'Can you create a table of the top customers for the slide?',
      'Drop the results into a spreadsheet for me.',
      'drop user sessions older than a week from the report',
      'What type of index would help here?',
    ]) {
      expect(tierOf(user(text)), text).not.toBe('anchor');
    }
    expect(tierOf(toolCall('q', 'query_database', { query: 'SELECT * FROM pg_indexes' }))).not.toBe('anchor');
  });
});

describe('anchors: corrections, however they are phrased', () => {
  it.each([
    'Actually, the revenue lives in the invoices table.',
    'Use the archive schema instead.',
    "That's wrong: status 3 means refunded.",
    'That is incorrect, we bill monthly.',
    'The amount should be in cents, not dollars.',
    'I meant the staging database.',
    'No, I mean the orders from last year.',
    'Not quite: the fiscal year starts in April.',
    'Correction: the table is called order_items.',
    "that's not what I asked for",
    'No, use the replica for reports.',
    'Scratch that, look at payments first.',
    'My mistake, the column is created_on.',
    'Wait, that is the test server.',
    'Rather than counting rows, estimate them from pg_class.',
    "Don't use the view, it is stale.",
    'Sorry, typo: the schema is billing.',
    'Ignore my last message.',
    'The right column is customer_ref.',
    'We no longer use the legacy_orders table.',
  ])('%s', (text) => {
    expect(classifyMessage(user(text))).toMatchObject({ tier: 'anchor', reasons: ['user correction'] });
  });

  it('also in a message made of text blocks', () => {
    expect(tierOf({ role: 'user', content: [{ type: 'text', text: 'Actually, use EU time.' }] })).toBe(
      'anchor',
    );
  });

  it("takes an assistant's explicit self-correction, not its everyday words", () => {
    for (const text of [
      'Correction: the earlier count missed the March partition.',
      'I was wrong about the index: it is used by the nightly job.',
      'My mistake, I read the wrong column.',
      'I misread the plan; the scan is on payments.',
    ]) {
      expect(classifyMessage(assistant(text)), text).toMatchObject({
        tier: 'anchor',
        reasons: ['assistant correction'],
      });
    }
    expect(tierOf(assistant('Actually, I can group these by month instead if you prefer.'))).not.toBe(
      'anchor',
    );
  });

  it('does not read a plain question as a correction', () => {
    expect(tierOf(user('Which customers ordered more than five times last quarter?'))).toBe('contextual');
  });
});

describe('anchors: results of schema tools, matched by the call they answer', () => {
  it.each([
    'get_schema_info',
    'describe_table',
    'list_tables',
    'list_columns',
    'get_table_ddl',
    'list_indexes',
  ])('%s', (name) => {
    const tiers = classifyMessages([
      toolCall('s', name, {}),
      toolResult('s', 'public.orders: id bigint, total numeric'),
    ]);
    expect(tiers[1]).toMatchObject({ tier: 'anchor', reasons: [`schema tool result: ${name}`] });
  });

  it('pairs a result with the latest call of its id, not a later or earlier one with the same id', () => {
    const tiers = classifyMessages([
      toolCall('x', 'get_schema_info', {}),
      toolResult('x', 'public.orders: id bigint'),
      toolCall('x', 'query_database', { query: 'SELECT id, total FROM orders WHERE total > 100 ORDER BY 2' }),
      toolResult('x', 'id\ttotal\n1\t120.00'),
    ]);
    expect(tiers.map((c) => c.tier)).toEqual(['contextual', 'anchor', 'contextual', 'contextual']);
  });

  it('does not treat other tools as schema tools', () => {
    for (const name of ['query_database', 'count_rows', 'list_database_connections', 'test_query']) {
      const tiers = classifyMessages([toolCall('q', name, {}), toolResult('q', 'some rows\nmore rows')]);
      expect(tiers[1]?.tier, name).toBe('contextual');
    }
  });
});

describe('important: plans, timings, errors, permissions, findings, documentation', () => {
  const important = (message: Message, reason: string) =>
    expect(classifyMessage(message).reasons, JSON.stringify(message).slice(0, 80)).toContain(reason);

  it('EXPLAIN output as text and as JSON, plans in prose, and explain tools', () => {
    important(
      toolResult('e', 'Hash Join  (cost=1.10..22.5 rows=10 width=8)\n  Hash Cond: (o.customer_id = c.id)'),
      'query plan',
    );
    important(
      toolResult('e', 'Index Only Scan using idx_a on a  (actual time=0.01..0.02 rows=1 loops=1)'),
      'query plan',
    );
    important(
      toolResult(
        'e',
        '[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Total Cost": 431.0}}]',
      ),
      'query plan',
    );
    important(
      assistant('The planner chose a sequential scan because the statistics are stale.'),
      'query plan',
    );
    important(assistant('A nested loop over 2 million rows is what makes this slow.'), 'query plan');
    important(toolCall('e', 'execute_explain', { query: 'SELECT * FROM orders' }), 'query plan');
    important(
      toolCall('e', 'query_database', { query: 'EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM orders' }),
      'query plan',
    );
  });

  it('execution times', () => {
    important(toolResult('t', 'Planning Time: 0.120 ms\nExecution Time: 812.004 ms'), 'execution time');
    important(assistant('The report query took 840 ms on a cold cache.'), 'execution time');
    important(user('It ran for 12 minutes last night before I cancelled it.'), 'execution time');
    important(toolResult('t', 'count\n42\nTime: 15.2 ms'), 'execution time');
  });

  it('SQL errors, in tool output, failed calls and prose', () => {
    important(toolResult('q', 'ERROR:  relation "ordres" does not exist'), 'sql error');
    important(
      toolResult('q', 'duplicate key value violates unique constraint "users_email_key"'),
      'sql error',
    );
    important(
      toolResult(
        'q',
        'ERROR:  column "o.total" must appear in the GROUP BY clause or be used in an aggregate function',
      ),
      'sql error',
    );
    important(toolResult('q', 'canceling statement due to statement timeout'), 'sql error');
    important(toolResult('q', 'could not serialize access due to concurrent update'), 'sql error');
    important(toolResult('q', 'something went sideways', true), 'tool error');
    important(user('I get an error when I run the monthly report.'), 'sql error');
    important(user('The migration failed with a lock timeout.'), 'sql error');
  });

  it('permission problems, from PostgreSQL, from the read-only guard and in prose', () => {
    important(toolResult('p', 'ERROR:  permission denied for table payroll'), 'permission denied');
    important(toolResult('p', 'ERROR:  must be owner of table orders'), 'permission denied');
    important(
      toolResult('p', 'ERROR:  cannot execute UPDATE in a read-only transaction'),
      'permission denied',
    );
    important(
      toolResult('p', 'DELETE writes data, so it is not allowed on a read-only connection.', true),
      'permission denied',
    );
    important(user('The analyst role lacks the privilege to read the billing schema.'), 'permission denied');
    important(assistant('Your token is not authorized for the prod connection.'), 'permission denied');
  });

  it('findings, warnings and recommendations', () => {
    for (const text of [
      'Key finding: 40 % of orders never get a shipment row.',
      'Findings: the autovacuum never finishes on order_events.',
      'I found that the sequence is shared by two tables.',
      'It turns out the cron job runs twice.',
      'The root cause is a missing index on customer_id.',
      'The bottleneck is the sort spilling to disk.',
      'Warning: this index is 12 GB and never used by any plan.',
      'Be careful: this table has no primary key.',
      'Note that the replica lags by a few minutes.',
      'I recommend partitioning order_events by month.',
      "I'd suggest raising work_mem for this session only.",
      'You should vacuum this table before the report.',
      'Consider adding a partial index on open orders.',
    ]) {
      important(assistant(text), 'key finding');
    }
    important(toolResult('w', 'WARNING:  there is no transaction in progress'), 'key finding');
  });

  it('documentation references', () => {
    important(
      assistant('See https://www.postgresql.org/docs/current/indexes-partial.html.'),
      'documentation reference',
    );
    important(
      assistant('According to the documentation, BRIN suits append-only tables.'),
      'documentation reference',
    );
    important(user('The manual says VACUUM FULL takes an exclusive lock, right?'), 'documentation reference');
    important(assistant('The release notes for 17 mention this.'), 'documentation reference');
  });

  it('leaves ordinary answers and data alone', () => {
    expect(
      tierOf(
        assistant(
          'Twelve customers ordered more than five times; the top three account for a fifth of the revenue.',
        ),
      ),
    ).toBe('contextual');
    expect(tierOf(user('Can you explain what the status column of the orders table means?'))).toBe(
      'contextual',
    );
    const data = toolResult('d', 'id\tstatus\tnote\n1\twarning\tlate\n2\tok\tfine');
    expect(
      classifyMessages([
        toolCall('d', 'query_database', { query: 'SELECT id, status, note FROM t WHERE x' }),
        data,
      ])[1]?.tier,
    ).toBe('contextual');
  });
});
