import type { Message } from '@pgmcp/api-contract';
import { expect } from 'vitest';

/** A user text message. */
export const user = (text: string): Message => ({ role: 'user', content: text });

/** An assistant text message. */
export const assistant = (text: string): Message => ({ role: 'assistant', content: text });

/** An assistant message calling one tool, optionally after some text. */
export function toolCall(id: string, name: string, input: Record<string, unknown>, text?: string): Message {
  return {
    role: 'assistant',
    content: [...(text ? [{ type: 'text' as const, text }] : []), { type: 'tool_use', id, name, input }],
  };
}

/** A user message carrying one tool result. */
export function toolResult(id: string, content: string, isError = false): Message {
  return {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: id, content, ...(isError ? { is_error: true } : {}) }],
  };
}

const TABLES = [
  'orders',
  'customers',
  'line_items',
  'products',
  'invoices',
  'shipments',
  'payments',
  'reviews',
];

function tsv(table: string, rows: number, seed: number): string {
  const lines = ['id\tname\tstatus\ttotal\tcreated_at'];
  for (let r = 0; r < rows; r++) {
    const id = seed * 100 + r;
    lines.push(
      `${id}\t${table}-${id}\t${r % 3 === 0 ? 'open' : 'closed'}\t${(id * 7.31).toFixed(2)}\t2025-0${(r % 9) + 1}-1${r % 10}`,
    );
  }
  return lines.join('\n');
}

/**
 * A realistic database session: an opening request and reply, then `turns` rounds of question →
 * query_database call → TSV result → answer (four messages each, ids `call-<turn>`).
 */
export function dbSession(turns: number, rowsPerResult = 8): Message[] {
  const messages: Message[] = [
    user('I need to understand the sales data in our shop database. Start with the orders.'),
    assistant('Sure. I will look at the recent rows of each sales table and summarise what stands out.'),
  ];
  for (let t = 0; t < turns; t++) {
    const table = TABLES[t % TABLES.length] as string;
    const id = `call-${t}`;
    messages.push(
      user(`Show me the most recent ${table} with their status and totals, newest first, for review ${t}.`),
      toolCall(id, 'query_database', {
        query: `SELECT id, name, status, total, created_at FROM ${table} WHERE created_at > now() - interval '30 days' ORDER BY created_at DESC`,
        limit: 100,
      }),
      toolResult(id, tsv(table, rowsPerResult, t)),
      assistant(
        `Here are the ${rowsPerResult} most recent ${table}. About a third are still open, and totals range widely; ` +
          `the largest ones were created early in the month. Tell me if you want them grouped by status.`,
      ),
    );
  }
  return messages;
}

/**
 * Asserts that tool calls and results come in whole, adjacent pairs: every tool_result answers a
 * tool_use of the message right before it, and every tool_use (but a last, pending one) is answered
 * by the message right after it. Role alternation is not asserted: the LLM adapters merge turns.
 */
export function expectToolPairsAdjacent(messages: readonly Message[]): void {
  messages.forEach((message, i) => {
    if (typeof message.content === 'string') return;
    const results = message.content.filter((b) => b.type === 'tool_result');
    if (results.length > 0) {
      const previous = messages[i - 1];
      const ids =
        previous && typeof previous.content !== 'string'
          ? previous.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []))
          : [];
      for (const result of results) {
        expect(ids, `messages[${i}] answers a tool_use that is not in the message before it`).toContain(
          result.tool_use_id,
        );
      }
    }
    const uses = message.content.filter((b) => b.type === 'tool_use');
    if (uses.length > 0 && i < messages.length - 1) {
      const next = messages[i + 1];
      const answered =
        next && typeof next.content !== 'string'
          ? next.content.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []))
          : [];
      for (const use of uses) expect(answered, `tool_use ${use.id} lost its result`).toContain(use.id);
    }
  });
}

/** All text of a message list, for "is this phrase still there" assertions. */
export function allText(messages: readonly Message[]): string {
  return JSON.stringify(messages);
}
