import type { Block, Message } from '@pgmcp/api-contract';
import fc from 'fast-check';

// fast-check arbitraries for DBA conversations as users have them: schema exploration, DDL,
// corrections, EXPLAIN plans, SQL errors, permission problems, long tool results and small talk.

const TABLES = ['orders', 'customers', 'order_events', 'payments', 'invoices', 'audit_log', 'sessions'];
const COLUMNS = ['id', 'customer_id', 'status', 'total', 'created_at', 'region', 'amount_cents'];

const USER_TEXTS = [
  (t: string) => `Show me the ten most recent ${t} with their status and totals, newest first.`,
  (t: string) => `How many ${t} were created per day over the last two weeks?`,
  (t: string) => `Which ${t} look like duplicates? Group them by the natural key please.`,
  (t: string) => `Actually, the revenue lives in ${t}, not in the orders table.`,
  (t: string) => `No, I meant the archive schema's ${t}, use that one instead.`,
  (t: string) => `That's wrong: status 3 in ${t} means refunded, not shipped.`,
  (t: string) => `Correction: ${t}.total is stored in cents.`,
  (t: string) => `Please run ALTER TABLE ${t} ADD COLUMN note text; we need it for the audit.`,
  (t: string) => `I get "permission denied for table ${t}" when I run the report myself.`,
  (t: string) => `Why is the query on ${t} so slow since Monday? It used to take 40 ms.`,
  () => 'thanks!',
  () => 'ok',
  () => 'great, continue',
  () => 'yes',
  (t: string) =>
    `Here is the schema dump we use in staging:\n${`CREATE TABLE ${t}_copy (id bigint);\n`.repeat(12)}`,
];

const ASSISTANT_TEXTS = [
  (t: string) =>
    `There are 412 ${t} in the last month. Most of them are recent, and totals cluster between 20 and 200.`,
  (t: string) => `The planner chose a Seq Scan on ${t} because the filter on created_at is not indexed.`,
  (t: string) =>
    `Key finding: ${t} has no index on customer_id, so every lookup reads the whole table. I recommend adding one.`,
  (t: string) => `Warning: the DELETE on ${t} would also remove rows referenced by invoices.`,
  (t: string) =>
    `See https://www.postgresql.org/docs/current/indexes.html for how partial indexes on ${t} work.`,
  (t: string) => `I will run CREATE INDEX CONCURRENTLY idx_${t}_created_at ON ${t} (created_at).`,
  () => 'Done.',
  () => 'Sure, one moment.',
  (t: string) => `My mistake: ${t} is partitioned by month, so the count above missed the March partition.`,
];

const QUERIES = [
  (t: string) => `SELECT count(*) FROM ${t}`,
  (t: string) =>
    `SELECT id, status, total FROM ${t} WHERE created_at > now() - interval '14 days' ORDER BY created_at DESC LIMIT 50`,
  (t: string) =>
    `SELECT c.region, sum(o.total) FROM ${t} o JOIN customers c ON c.id = o.customer_id GROUP BY 1 ORDER BY 2 DESC`,
  (t: string) => `ALTER TABLE ${t} ALTER COLUMN total TYPE numeric(14,2)`,
  (t: string) => `CREATE INDEX idx_${t}_status ON ${t} (status)`,
  (t: string) => `EXPLAIN ANALYZE SELECT * FROM ${t} WHERE status = 'open'`,
];

type ToolKind = 'query' | 'schema' | 'explain' | 'count' | 'error' | 'denied';

function tsv(table: string, rows: number): string {
  const lines = [COLUMNS.join('\t')];
  for (let r = 0; r < rows; r++) {
    lines.push(
      `${1000 + r}\t${r * 7}\topen\t${(r * 3.17).toFixed(2)}\t2025-06-${String((r % 28) + 1).padStart(2, '0')} 10:0${r % 10}:00+00\t${table}\t${r * 100}`,
    );
  }
  return lines.join('\n');
}

function toolContent(kind: ToolKind, table: string, rows: number): { text: string; isError: boolean } {
  switch (kind) {
    case 'query':
      return { text: `${tsv(table, rows)}\n(${rows} rows)`, isError: false };
    case 'schema':
      return {
        text: `public.${table}: ${COLUMNS.map((c) => `${c} ${c === 'id' ? 'bigint PK' : 'text'}`).join(', ')}`,
        isError: false,
      };
    case 'explain':
      return {
        text: `Seq Scan on ${table}  (cost=0.00..${rows * 11}.00 rows=${rows * 100} width=48) (actual time=0.01..${rows}.2 rows=${rows} loops=1)\nPlanning Time: 0.2 ms\nExecution Time: ${rows}.4 ms`,
        isError: false,
      };
    case 'count':
      return { text: `count\n${rows * 1234}`, isError: false };
    case 'error':
      return {
        text: `ERROR:  column "totl" does not exist\nLINE 1: SELECT totl FROM ${table}\nHINT:  Perhaps you meant "${table}.total".`,
        isError: true,
      };
    case 'denied':
      return { text: `ERROR:  permission denied for table ${table}`, isError: true };
  }
}

const TOOL_NAMES: Record<ToolKind, string> = {
  query: 'query_database',
  schema: 'get_schema_info',
  explain: 'execute_explain',
  count: 'count_rows',
  error: 'query_database',
  denied: 'query_database',
};

/** One step of a conversation, before ids are assigned. */
type Step =
  | { type: 'chat'; user: number; assistant: number; table: string; asBlocks: boolean; answer: boolean }
  | {
      type: 'tool';
      kinds: ToolKind[];
      query: number;
      table: string;
      rows: number;
      withText: boolean;
      answer: number | null;
    };

const tableArb = fc.constantFrom(...TABLES);

const chatStep = fc.record({
  type: fc.constant('chat' as const),
  user: fc.nat(USER_TEXTS.length - 1),
  assistant: fc.nat(ASSISTANT_TEXTS.length - 1),
  table: tableArb,
  asBlocks: fc.boolean(),
  answer: fc.boolean(),
});

const toolStep = fc.record({
  type: fc.constant('tool' as const),
  kinds: fc.array(
    fc.constantFrom<ToolKind>('query', 'query', 'schema', 'explain', 'count', 'error', 'denied'),
    {
      minLength: 1,
      maxLength: 2,
    },
  ),
  query: fc.nat(QUERIES.length - 1),
  table: tableArb,
  // Mostly short results, sometimes a long one that dominates the budget.
  rows: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 12 }) },
    { weight: 1, arbitrary: fc.integer({ min: 40, max: 300 }) },
  ),
  withText: fc.boolean(),
  answer: fc.option(fc.nat(ASSISTANT_TEXTS.length - 1), { nil: null }),
});

/** How a generated conversation is laid out. */
export type Shape = 'mixed' | 'two-users-first' | 'ends-on-tool-result' | 'all-tool-pairs';

function build(steps: readonly Step[], shape: Shape): Message[] {
  const messages: Message[] = [];
  let call = 0;
  const text = (role: Message['role'], value: string, asBlocks: boolean): Message =>
    asBlocks ? { role, content: [{ type: 'text', text: value }] } : { role, content: value };
  if (shape === 'two-users-first') {
    messages.push(
      text('user', 'I need help with the shop database before the quarterly report.', false),
      text('user', 'Start with the orders, please.', true),
    );
  }
  for (const step of steps) {
    if (step.type === 'chat' && shape !== 'all-tool-pairs') {
      messages.push(
        text('user', (USER_TEXTS[step.user] as (t: string) => string)(step.table), step.asBlocks),
      );
      if (step.answer) {
        messages.push(
          text(
            'assistant',
            (ASSISTANT_TEXTS[step.assistant] as (t: string) => string)(step.table),
            step.asBlocks,
          ),
        );
      }
      continue;
    }
    const tool =
      step.type === 'tool'
        ? step
        : { kinds: ['query' as const], query: 0, table: step.table, rows: 3, withText: false, answer: null };
    const uses: Block[] = [];
    const results: Block[] = [];
    for (const kind of tool.kinds) {
      const id = `toolu_${call++}`;
      const query = (QUERIES[tool.query] as (t: string) => string)(tool.table);
      const input: Record<string, unknown> =
        kind === 'schema'
          ? { schema_name: 'public', table_name: tool.table }
          : kind === 'count'
            ? { table: tool.table }
            : { query };
      uses.push({ type: 'tool_use', id, name: TOOL_NAMES[kind], input });
      const { text: output, isError } = toolContent(kind, tool.table, tool.rows);
      results.push({
        type: 'tool_result',
        tool_use_id: id,
        content: output,
        ...(isError ? { is_error: true } : {}),
      });
    }
    const lead: Block[] = tool.withText ? [{ type: 'text', text: `Let me look at ${tool.table}.` }] : [];
    messages.push({ role: 'assistant', content: [...lead, ...uses] }, { role: 'user', content: results });
    if (tool.answer !== null && shape !== 'all-tool-pairs') {
      messages.push(
        text('assistant', (ASSISTANT_TEXTS[tool.answer] as (t: string) => string)(tool.table), false),
      );
    }
  }
  if (shape === 'ends-on-tool-result') {
    const id = `toolu_${call++}`;
    messages.push(
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id, name: 'query_database', input: { query: 'SELECT 1' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: '?column?\n1' }] },
    );
  }
  return messages;
}

/** A conversation of roughly `minSteps`–`maxSteps` turns (about two to three messages each) in the given shape. */
export function conversationArb(
  minSteps: number,
  maxSteps: number,
  shapes?: readonly Shape[],
): fc.Arbitrary<Message[]> {
  const shape = shapes
    ? fc.constantFrom(...shapes)
    : fc.constantFrom<Shape>('mixed', 'mixed', 'two-users-first', 'ends-on-tool-result', 'all-tool-pairs');
  return fc
    .tuple(fc.array(fc.oneof(chatStep, toolStep), { minLength: minSteps, maxLength: maxSteps }), shape)
    .map(([steps, s]) => build(steps, s))
    .filter((messages) => messages.length > 0);
}
