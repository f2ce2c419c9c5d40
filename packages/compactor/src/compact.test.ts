import type { Message } from '@pgmcp/api-contract';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allText,
  assistant,
  dbSession,
  expectToolPairsAdjacent,
  toolCall,
  toolResult,
  user,
} from '../test/conversations.js';
import { createCompactor, type Compactor } from './compactor.js';
import { CompactorError } from './errors.js';
import { createEstimator, createTokenCounter } from './token-counter.js';
import type { CompactRequest } from './types.js';

const generic = createEstimator('generic');
let compactor: Compactor;
afterEach(() => compactor?.close());

function compact(request: CompactRequest) {
  compactor = createCompactor();
  return compactor.compact(request);
}

function toolIds(messages: readonly Message[]) {
  const uses = new Set<string>();
  const results = new Set<string>();
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) {
      if (b.type === 'tool_use') uses.add(b.id);
      if (b.type === 'tool_result') results.add(b.tool_use_id);
    }
  }
  return { uses, results };
}

const noSummary = { enable_summarization: false, min_important_messages: 0 };

describe('compact: budget and windows', () => {
  it('returns the conversation unchanged when it already fits', async () => {
    const messages = dbSession(3);
    const result = await compact({ messages, max_tokens: 100_000 });
    expect(result.messages).toEqual(messages);
    expect(result).toMatchObject({ summary: null, fits_budget: true, cache_hit: false, warnings: [] });
    expect(result.token_estimate).toBe(generic.countMessages(messages));
    expect(result.compaction_info).toMatchObject({
      original_count: 14,
      compacted_count: 14,
      dropped_count: 0,
      tokens_saved: 0,
      compression_ratio: 1,
    });
  });

  it('returns an empty conversation as it is', async () => {
    const result = await compact({ messages: [], max_tokens: 10 });
    expect(result.messages).toEqual([]);
    expect(result.fits_budget).toBe(true);
  });

  it('keeps the first message and the recent window, summarises the rest and fits the budget', async () => {
    const messages = dbSession(20);
    const result = await compact({ messages, max_tokens: 2500 });
    expect(result.fits_budget).toBe(true);
    expect(result.token_estimate).toBeLessThanOrEqual(2500);
    expect(result.token_estimate).toBe(generic.countMessages(result.messages));
    expect(allText(result.messages.slice(0, 1))).toContain(messages[0]!.content as string);
    expect(result.messages.slice(-10)).toEqual(messages.slice(-10));
    expect(result.summary?.message_count).toBe(result.compaction_info.dropped_count);
    expect(allText(result.messages)).toContain('[Summary of');
    // Only as much as needed goes: the newest middle messages survive.
    expect(result.compaction_info.dropped_count).toBeLessThan(messages.length - 11);
    expect(result.compaction_info.original_count).toBe(messages.length);
    expect(result.compaction_info.compacted_count).toBe(result.messages.length);
    expectToolPairsAdjacent(result.messages);
  });

  it('moves the window boundary back so a tool call stays with its result', async () => {
    const messages = dbSession(20); // 82 messages: the 10th from the end is call-17's result
    expect(messages[72]).toEqual(toolResult('call-17', expect.any(String) as string));
    const result = await compact({ messages, max_tokens: 2500, recent_window: 10 });
    expect(result.messages.slice(-11)).toEqual(messages.slice(71));
  });

  it('drops tool calls and results only in pairs', async () => {
    const result = await compact({ messages: dbSession(20), max_tokens: 1800, recent_window: 5 });
    const { uses, results } = toolIds(result.messages);
    expect(uses.size).toBeGreaterThan(0);
    expect(results).toEqual(uses);
  });

  it('fits whenever the never-dropped messages fit, and stays provider-valid, across budgets, windows and counters', async () => {
    const messages = dbSession(15);
    let fitted = 0;
    for (const token_counter_type of ['generic', 'openai', 'anthropic', 'ollama'] as const) {
      const counter = createEstimator(token_counter_type);
      for (const recent_window of [0, 1, 2, 3, 5]) {
        // In dbSession a tool result sits at every index i % 4 === 0 (i >= 4); the window then starts one earlier.
        let windowStart = Math.max(1, messages.length - recent_window);
        if (windowStart < messages.length && windowStart >= 4 && windowStart % 4 === 0) windowStart--;
        const neverDropped = counter.countMessages([messages[0]!, ...messages.slice(windowStart)]);
        for (let max_tokens = 150; max_tokens <= 4000; max_tokens += 110) {
          const result = await compact({
            messages,
            max_tokens,
            recent_window,
            options: { token_counter_type, min_important_messages: 0 },
          });
          const label = `${token_counter_type} window=${recent_window} budget=${max_tokens}`;
          if (neverDropped <= max_tokens) expect(result.fits_budget, label).toBe(true);
          expect(result.fits_budget, label).toBe(result.token_estimate <= max_tokens);
          if (!result.fits_budget) expect(result.budget_note, label).toMatch(/max_tokens is \d+/);
          else fitted++;
          expect(result.token_estimate, label).toBe(counter.countMessages(result.messages));
          expect(result.messages[0]?.role, label).toBe('user');
          expectToolPairsAdjacent(result.messages);
          compactor.close();
        }
      }
    }
    expect(fitted).toBeGreaterThan(500);
  });

  it('fits by the exact tokenizer when asked to count exactly', async () => {
    const messages = dbSession(20);
    const result = await compact({ messages, max_tokens: 2000, options: { token_counter_type: 'exact' } });
    const exact = await createTokenCounter('exact');
    expect(result.token_counter_type).toBe('exact');
    expect(result.compaction_info.original_tokens).toBe(exact.countMessages(messages));
    expect(result.token_estimate).toBe(exact.countMessages(result.messages));
    expect(result.token_estimate).toBeLessThanOrEqual(2000);
  });

  it('reports tokens saved and the compression ratio consistently', async () => {
    const messages = dbSession(20);
    const { compaction_info: info, token_estimate } = await compact({ messages, max_tokens: 3000 });
    expect(info.original_tokens).toBe(generic.countMessages(messages));
    expect(info.tokens_saved).toBe(info.original_tokens - token_estimate);
    expect(info.compression_ratio).toBeCloseTo(token_estimate / info.original_tokens, 4);
    expect(info.compression_ratio).toBeLessThan(1);
    const middle = messages.length - 1 - 11; // first message, and a window of 10 moved back to 11
    expect(Object.values(info.tier_counts).reduce((a, b) => a + b, 0)).toBe(middle);
  });

  it('says so when the budget cannot be met, and why', async () => {
    const messages = [
      user('Here is our whole schema dump:\n' + 'CREATE TABLE t (id int);\n'.repeat(400)),
      ...dbSession(5).slice(1),
    ];
    const result = await compact({ messages, max_tokens: 500 });
    expect(result.fits_budget).toBe(false);
    expect(result.token_estimate).toBeGreaterThan(500);
    expect(result.budget_note).toMatch(/max_tokens is 500/);
    expect(result.budget_note).toMatch(/the first message \(\d+ tokens\)/);
    expect(result.budget_note).toMatch(/raise max_tokens/);
    expect(allText(result.messages.slice(0, 1))).toContain('Here is our whole schema dump');
    expect(result.messages.slice(-10)).toEqual(messages.slice(-10));
  });

  it('does not drop anything from a conversation shorter than the window, and says it is over budget', async () => {
    const messages = dbSession(2);
    const result = await compact({ messages, max_tokens: 50 });
    expect(result.messages).toEqual(messages);
    expect(result.compaction_info.dropped_count).toBe(0);
    expect(result.fits_budget).toBe(false);
    expect(result.budget_note).toMatch(/recent window of 9 messages/);
  });

  it('does not change the messages it was given', async () => {
    const messages = dbSession(12);
    const before = structuredClone(messages);
    await compact({ messages, max_tokens: 1200, recent_window: 3 });
    expect(messages).toEqual(before);
  });
});

describe('compact: what is kept', () => {
  const middle = [
    assistant(
      'Key finding: the orders table has no index on customer_id, so every lookup scans two million rows.',
    ),
    user('ok'),
    assistant(
      'Here is an overview of the largest tables and how they grew over the last year, with sizes in gigabytes.',
    ),
    user('thanks'),
    assistant('Done, 3 rows.'),
    user('Which of those tables are written to the most during business hours, roughly speaking?'),
  ];
  const conversation = [
    user('Help me tune the shop database; it got slow after the spring sale.'),
    ...middle,
    assistant(
      'The busiest writers are orders and order_events, about two thousand rows a minute each at peak.',
    ),
    user('Then let us look at the indexes on order_events next, please.'),
  ];
  const t = (i: number) => generic.countMessage(middle[i]!);
  const total = generic.countMessages(conversation);

  it('drops transient messages first', async () => {
    const result = await compact({
      messages: conversation,
      max_tokens: total - t(1) - t(3),
      recent_window: 2,
      options: noSummary,
    });
    expect(result.compaction_info.dropped_count).toBe(2);
    const text = allText(result.messages);
    expect(text).not.toContain('"ok"');
    expect(text).not.toContain('thanks');
    expect(text).toContain('Done, 3 rows.');
    expectToolPairsAdjacent(result.messages);
  });

  it('drops routine messages after transient ones and keeps important ones longest', async () => {
    const budget = total - t(1) - t(3) - t(4);
    const result = await compact({
      messages: conversation,
      max_tokens: budget,
      recent_window: 2,
      options: noSummary,
    });
    const text = allText(result.messages);
    expect(text).not.toContain('Done, 3 rows.');
    expect(text).toContain('overview of the largest tables');
    expect(text).toContain('Key finding');
    const tighter = await compact({
      messages: conversation,
      max_tokens: budget - t(2) - t(5),
      recent_window: 2,
      options: noSummary,
    });
    expect(allText(tighter.messages)).not.toContain('overview of the largest tables');
    expect(allText(tighter.messages)).toContain('Key finding');
  });

  it('drops the oldest of equally scored messages first', async () => {
    const older = user('Show me the invoices from January with their totals and the customer names please.');
    const newer = user('Show me the invoices from February with their totals and the customer names please');
    const messages = [
      user('Start with the invoices.'),
      older,
      assistant('x'.repeat(90)),
      newer,
      assistant('y'.repeat(90)),
      user('next'),
    ];
    const budget = generic.countMessages(messages) - generic.countMessage(older);
    const result = await compact({ messages, max_tokens: budget, recent_window: 1, options: noSummary });
    expect(allText(result.messages)).not.toContain('January');
    expect(allText(result.messages)).toContain('February');
  });

  it('keeps anchors while the budget allows and drops them last, with a warning, when it does not', async () => {
    const correction = user(
      'Actually, amounts are stored in cents, not dollars. ' +
        'Keep that in mind for every report. '.repeat(40),
    );
    const ack = assistant(
      'Understood: I will divide every amount by one hundred in the reports from now on.',
    );
    const messages = [...dbSession(6).slice(0, 10), correction, ack, ...dbSession(6).slice(10)];
    // The window of 10 starts on a tool result, so it moves back by one to take the call too.
    const never = generic.countMessages([messages[0]!, ...messages.slice(-11)]);
    const notice = generic.countMessage(
      assistant('[99 earlier messages omitted to fit the context budget.]'),
    );
    const roomy = never + notice + generic.countMessage(correction);
    const kept = await compact({ messages, max_tokens: roomy, options: { min_important_messages: 0 } });
    expect(kept.fits_budget).toBe(true);
    expect(kept.messages).toContain(correction);
    expect(kept.compaction_info.anchor_count).toBe(1);
    expect(kept.warnings).toEqual([]);

    const tight = never + notice + 20;
    const dropped = await compact({ messages, max_tokens: tight, options: { min_important_messages: 0 } });
    expect(dropped.fits_budget).toBe(true);
    expect(dropped.messages).not.toContain(correction);
    expect(dropped.compaction_info.anchor_count).toBe(0);
    expect(dropped.warnings.join(' ')).toMatch(/1 anchor message .* had to be dropped/);

    // Without keep_anchors the correction ranks with ordinary messages: the oldest of them go first.
    const plain = await compact({
      messages,
      max_tokens: roomy,
      keep_anchors: false,
      options: { min_important_messages: 0 },
    });
    expect(plain.fits_budget).toBe(true);
    expect(plain.messages).not.toContain(correction);
    expect(plain.messages).toContain(messages[messages.length - 12]);
  });

  it('keeps schema tool results as anchors and lets them go with preserve_schema_info false', async () => {
    const schema = [
      toolCall('s1', 'get_schema_info', { schema_name: 'public' }),
      toolResult(
        's1',
        'public.orders: id bigint PK, customer_id bigint FK customers.id, total numeric(12,2)',
      ),
    ];
    const messages = [...dbSession(8).slice(0, 5), ...schema, ...dbSession(8).slice(5)];
    const budget = generic.countMessages([messages[0]!, ...schema, ...messages.slice(-10)]) + 200;
    const kept = await compact({ messages, max_tokens: budget, options: { min_important_messages: 0 } });
    expect(allText(kept.messages)).toContain('FK customers.id');
    expect(kept.compaction_info.tier_counts.anchor).toBe(1);
    expectToolPairsAdjacent(kept.messages);
    const plain = await compact({
      messages,
      max_tokens: budget,
      options: { min_important_messages: 0, preserve_schema_info: false },
    });
    expect(allText(plain.messages)).not.toContain('FK customers.id');
  });

  it('keeps min_important_messages of the best middle messages ahead of summary detail', async () => {
    const findings = [1, 2, 3, 4].flatMap((i) => [
      assistant(
        `Key finding ${i}: ` +
          'the planner misestimates the join on order_events by a factor of forty. '.repeat(3),
      ),
      user(`Noted finding ${i}, and what else did you see in the plans from this morning?`),
    ]);
    const messages = [
      user('Review the slow queries from this morning.'),
      ...findings,
      assistant('That is all I found.'),
      user('ok'),
    ];
    const notice = generic.countMessage(assistant('[8 earlier messages omitted to fit the context budget.]'));
    const budget =
      generic.countMessages([messages[0]!, findings[4]!, findings[6]!, ...messages.slice(-2)]) + notice + 5;

    const kept = await compact({
      messages,
      max_tokens: budget,
      recent_window: 2,
      options: { min_important_messages: 2 },
    });
    expect(kept.fits_budget).toBe(true);
    expect(allText(kept.messages)).toContain('Key finding 4');
    expect(allText(kept.messages)).toContain('Key finding 3');
    expect(allText(kept.messages)).not.toContain('Key finding 2');
    expect(kept.summary?.text).toMatch(/^\[\d+ earlier messages omitted/);

    // Without the floor the same holds: summary detail never costs an important message.
    const summarised = await compact({
      messages,
      max_tokens: budget,
      recent_window: 2,
      options: { min_important_messages: 0 },
    });
    expect(summarised.fits_budget).toBe(true);
    expect(allText(summarised.messages)).toContain('Key finding 3');
    expect(summarised.summary?.text).toMatch(/^\[\d+ earlier messages omitted/);
  });

  it('keeps the best ordinary messages ahead of summary detail with min_important_messages', async () => {
    const questions = [1, 2, 3, 4].flatMap((i) => [
      user(
        `Which of the nightly jobs touches the order_events table in batch ${i}? ` +
          'List every step of the job and what each one reads and writes on a busy night. '.repeat(5),
      ),
      assistant(`Batch ${i} is handled by the archiver, which copies yesterday's rows and deletes them.`),
    ]);
    const messages = [user('Review the nightly jobs.'), ...questions, assistant('That is all.'), user('ok')];
    const base = { messages, recent_window: 2 } as const;
    const notice = generic.countMessage(assistant('[8 earlier messages omitted to fit the context budget.]'));
    const budget =
      generic.countMessages([messages[0]!, ...questions.slice(-2), ...messages.slice(-2)]) + notice + 5;
    const floor = await compact({ ...base, max_tokens: budget, options: { min_important_messages: 2 } });
    expect(floor.fits_budget).toBe(true);
    expect(floor.messages).toEqual(expect.arrayContaining(questions.slice(-2)));
    expect(floor.summary?.text).toMatch(/^\[\d+ earlier messages omitted/);
    const detail = await compact({ ...base, max_tokens: budget, options: { min_important_messages: 0 } });
    expect(detail.fits_budget).toBe(true);
    expect(detail.messages).not.toContain(questions[6]);
    expect(detail.summary?.text).not.toMatch(/^\[\d+ earlier messages omitted/);
  });

  it('drops the older of two messages of a tier first, even when the newer one is the big one', async () => {
    const question = user('Which indexes on order_events are never used by any plan?');
    const huge = assistant(
      'Here is the full index report:\n' + 'idx_order_events_a  0 scans  1.2 GB\n'.repeat(120),
    );
    const messages = [
      user('Audit the indexes.'),
      assistant('Starting with order_events.'),
      question,
      huge,
      user('thanks, next table'),
    ];
    const notice = generic.countMessage(assistant('[3 earlier messages omitted to fit the context budget.]'));
    const budget = generic.countMessages([messages[0]!, question, messages[4]!]) + notice + 5;
    const result = await compact({
      messages,
      max_tokens: budget,
      recent_window: 1,
      options: { min_important_messages: 1 },
    });
    expect(result.fits_budget).toBe(true);
    expect(result.messages).not.toContain(huge);
    expect(result.messages).not.toContain(question);
    expect(result.compaction_info.dropped_count).toBe(3);
  });
});

describe('compact: the summary', () => {
  function sessionWithError(): Message[] {
    return [
      ...dbSession(6),
      user('Now total the revenue per customer for March.'),
      toolCall('bad', 'query_database', { query: 'SELECT customer_id, sum(totl) FROM invoices GROUP BY 1' }),
      toolResult(
        'bad',
        'ERROR:  column "totl" does not exist\nHINT:  Perhaps you meant to reference the column "invoices.total".',
        true,
      ),
      assistant('I mistyped the column; retrying with total.'),
      ...dbSession(4).slice(2),
    ];
  }

  it('describes the dropped messages: requests, tables, tools, SQL count and errors', async () => {
    const messages = sessionWithError();
    // The window of 10 starts on a tool result, so it moves back by one to take the call too.
    const budget = generic.countMessages([messages[0]!, ...messages.slice(-11)]) + 150;
    const result = await compact({ messages, max_tokens: budget, options: { min_important_messages: 0 } });
    const summary = result.summary!;
    expect(result.fits_budget).toBe(true);
    expect(summary.method).toBe('heuristic');
    expect(summary.message_count).toBe(result.compaction_info.dropped_count);
    expect(summary.tables).toEqual(expect.arrayContaining(['orders', 'customers', 'invoices']));
    expect(summary.tools[0]).toMatch(/^query_database ×\d+$/);
    expect(summary.sql_count).toBeGreaterThanOrEqual(7);
    // The failed call is important: it stays verbatim rather than going into the summary.
    expect(result.messages).toEqual(expect.arrayContaining(messages.slice(27, 29)));
    expect(summary.errors).toEqual([]);
    expect(summary.actions[0]).toContain('Show me the most recent orders');
    expect(allText(result.messages)).toContain(JSON.stringify(summary.text).slice(1, -1));
  });

  it('goes right after the first message as its own turn when the window starts with the user', async () => {
    const messages = dbSession(10);
    const budget = generic.countMessages([messages[0]!, ...messages.slice(-4)]) + 150;
    const result = await compact({
      messages,
      max_tokens: budget,
      recent_window: 4,
      options: { min_important_messages: 0 },
    });
    expect(result.compaction_info.dropped_count).toBe(messages.length - 5);
    expect(result.messages[0]).toEqual(messages[0]);
    expect(result.messages[1]).toEqual({ role: 'assistant', content: result.summary!.text });
    expect(result.messages[2]).toEqual(messages[messages.length - 4]);
    expectToolPairsAdjacent(result.messages);
  });

  it('is its own message even when the window starts with an assistant turn', async () => {
    const messages = dbSession(10);
    const budget = generic.countMessages([messages[0]!, ...messages.slice(-1)]) + 250;
    const result = await compact({
      messages,
      max_tokens: budget,
      recent_window: 1,
      options: { min_important_messages: 0 },
    });
    expect(result.messages).toEqual([
      messages[0],
      { role: 'assistant', content: result.summary!.text },
      messages[messages.length - 1],
    ]);
    expect(result.messages[0]).toBe(messages[0]);
  });

  it('goes after the first tool pair when the conversation opens with a tool call', async () => {
    const opening = [
      toolCall('boot', 'get_schema_info', {}),
      toolResult('boot', 'public.orders, public.customers'),
    ];
    const messages = [...opening, ...dbSession(10).slice(1)];
    const budget = generic.countMessages([...opening, ...messages.slice(-4)]) + 150;
    const result = await compact({
      messages,
      max_tokens: budget,
      recent_window: 4,
      options: { min_important_messages: 0 },
    });
    expect(result.messages.slice(0, 2)).toEqual(opening);
    expect(result.messages[2]).toEqual({ role: 'assistant', content: result.summary!.text });
    expectToolPairsAdjacent(result.messages);
  });

  it('shrinks to a one-line notice when the full summary does not fit', async () => {
    const messages = sessionWithError();
    const budget = generic.countMessages([messages[0]!, ...messages.slice(-11)]) + 25;
    const result = await compact({ messages, max_tokens: budget, options: { min_important_messages: 0 } });
    expect(result.fits_budget).toBe(true);
    expect(result.summary!.text).toMatch(/^\[\d+ earlier messages omitted to fit the context budget\.\]$/);
    // The structured fields still carry everything the heuristic found.
    expect(result.summary!.tables.length).toBeGreaterThan(0);
  });

  it('inserts no summary when summarization is off', async () => {
    const result = await compact({
      messages: dbSession(20),
      max_tokens: 2000,
      options: { enable_summarization: false },
    });
    expect(result.summary).toBeNull();
    expect(allText(result.messages)).not.toContain('[Summary');
    expect(result.fits_budget).toBe(true);
    expectToolPairsAdjacent(result.messages);
  });
});

describe('compact: bad requests', () => {
  const messages = dbSession(1);
  const cases: Array<[string, unknown, RegExp]> = [
    ['messages missing', { max_tokens: 10 }, /messages must be an array/],
    [
      'system role',
      { messages: [{ role: 'system', content: 'x' }] },
      /messages\[0\]\.role must be "user" or "assistant"/,
    ],
    [
      'numeric content',
      { messages: [{ role: 'user', content: 3 }] },
      /messages\[0\]\.content must be a string or an array/,
    ],
    [
      'unknown block',
      { messages: [{ role: 'user', content: [{ type: 'video' }] }] },
      /messages\[0\]\.content\[0\]\.type must be one of/,
    ],
    [
      'tool_use without id',
      { messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'q', input: {} }] }] },
      /content\[0\]\.id must be a non-empty string/,
    ],
    ['zero budget', { messages, max_tokens: 0 }, /max_tokens must be an integer >= 1; got 0/],
    ['fractional budget', { messages, max_tokens: 10.5 }, /max_tokens must be an integer >= 1/],
    ['string budget', { messages, max_tokens: '100' }, /max_tokens must be an integer >= 1; got "100"/],
    ['negative window', { messages, recent_window: -1 }, /recent_window must be an integer >= 0/],
    ['keep_anchors as string', { messages, keep_anchors: 'yes' }, /keep_anchors must be true or false/],
    [
      'unknown counter',
      { messages, options: { token_counter_type: 'gpt' } },
      /options\.token_counter_type must be one of generic, openai, anthropic, ollama, exact; got "gpt"/,
    ],
    [
      'bad encoding',
      { messages, options: { exact_encoding: 'r50k' } },
      /options\.exact_encoding must be one of o200k_base, cl100k_base/,
    ],
    [
      'negative ttl',
      { messages, options: { cache_ttl: -5 } },
      /options\.cache_ttl must be a number of seconds > 0/,
    ],
    [
      'negative floor',
      { messages, options: { min_important_messages: -1 } },
      /options\.min_important_messages must be an integer >= 0/,
    ],
  ];

  it.each(cases)('rejects %s with INVALID_REQUEST naming the field', async (_label, request, message) => {
    const failure = compact(request as CompactRequest);
    await expect(failure).rejects.toBeInstanceOf(CompactorError);
    await expect(failure).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message) as string,
    });
  });
});
