import type { Message } from '@pgmcp/api-contract';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { toolCall, toolResult, user } from '../test/conversations.js';
import { detectContentKind } from './content.js';
import { CompactorError } from './errors.js';
import {
  BLOCK_OVERHEAD_TOKENS,
  CONVERSATION_OVERHEAD_TOKENS,
  createEstimator,
  createTokenCounter,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
} from './token-counter.js';

// 400 characters of prose with ordinary sentence lengths.
const PROSE = 'The nightly export copies every finished order into the reporting schema before six. '
  .repeat(5)
  .slice(0, 400);
const SQL = 'SELECT id, total FROM orders WHERE total > 100 ORDER BY total DESC; '.repeat(6).slice(0, 400);
const JSON_TEXT = JSON.stringify({
  rows: Array.from({ length: 30 }, (_, i) => ({ id: i, name: `n${i}` })),
}).slice(0, 400);
const TSV =
  'id\tcustomer\ttotal\tcreated_at\n' + '48213\tAna Silva\t125.32\t2025-06-11 13:46:15+00\n'.repeat(10);
const CODE = 'function total(items) {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n'
  .repeat(5)
  .slice(0, 400);

describe('content kinds', () => {
  it('tells SQL, JSON, code, tabular results and prose apart', () => {
    expect(detectContentKind(SQL)).toBe('sql');
    expect(detectContentKind(TSV)).toBe('tabular');
    expect(detectContentKind('query\tcalls\nSELECT * FROM orders WHERE id = $1\t42')).toBe('tabular');
    expect(detectContentKind('  with recent as (select 1) select * from recent')).toBe('sql');
    expect(detectContentKind(JSON_TEXT)).toBe('json');
    expect(detectContentKind(CODE)).toBe('code');
    expect(detectContentKind(PROSE)).toBe('natural');
    // Prose that happens to say "from" and "where" is still prose.
    expect(detectContentKind('I got this from the docs, where it says to vacuum often.')).toBe('natural');
    expect(detectContentKind('Show me the most recent orders with their totals.')).toBe('natural');
    expect(detectContentKind('SHOW work_mem')).toBe('sql');
  });
});

describe('heuristic estimators', () => {
  it('generic: 4 characters per token times the content multiplier', () => {
    const generic = createEstimator('generic');
    expect(generic.countText(PROSE)).toBe(100);
    expect(generic.countText(SQL)).toBe(120);
    expect(generic.countText(JSON_TEXT)).toBe(115);
    expect(generic.countText(CODE)).toBe(110);
    expect(generic.countText(TSV.slice(0, 400))).toBe(180);
    expect(generic.countText('')).toBe(0);
  });

  it('openai: like generic, plus 5 % for runs of spaces', () => {
    const openai = createEstimator('openai');
    expect(openai.countText(PROSE)).toBe(100);
    const padded = 'id    name      total     status    '.repeat(12).slice(0, 400);
    expect(openai.countText(padded)).toBe(Math.ceil(100 * 1.05));
    expect(createEstimator('generic').countText(padded)).toBe(100);
  });

  it('anthropic: 3.8 characters per token, 5 % less for natural language', () => {
    const anthropic = createEstimator('anthropic');
    expect(anthropic.countText(PROSE)).toBe(Math.ceil((400 / 3.8) * 0.95));
    expect(anthropic.countText(SQL)).toBe(Math.ceil((400 / 3.8) * 1.2));
  });

  it('ollama: 4.5 characters per token plus a 10 % margin', () => {
    expect(createEstimator('ollama').countText(PROSE)).toBe(Math.ceil((400 / 4.5) * 1.1));
    expect(createEstimator('ollama').countText(SQL)).toBe(Math.ceil((400 / 4.5) * 1.2 * 1.1));
  });

  it('counts a fenced SQL block inside prose at the SQL rate', () => {
    const generic = createEstimator('generic');
    const prose = 'Here is the query I ran against the replica this morning: ';
    const fenced = '```sql\nSELECT count(*) FROM orders WHERE status = 2\n```';
    const expected = generic.countText(prose) + Math.ceil((fenced.length / 4) * 1.2);
    expect(generic.countText(prose + fenced)).toBe(expected);
  });

  it('rejects an unknown estimator by name', () => {
    expect(() => createEstimator('gpt5' as never)).toThrow(/Unknown estimator "gpt5"/);
  });
});

describe('message overhead', () => {
  const generic = createEstimator('generic');

  it('costs the same for string content and one text block', () => {
    const asString: Message = { role: 'user', content: PROSE };
    const asBlock: Message = { role: 'user', content: [{ type: 'text', text: PROSE }] };
    expect(generic.countMessage(asString)).toBe(MESSAGE_OVERHEAD_TOKENS + 100);
    expect(generic.countMessage(asBlock)).toBe(generic.countMessage(asString));
  });

  it('counts tool calls by name and input, tool results by content, images flat', () => {
    const call = toolCall('c1', 'query_database', { query: 'SELECT 1' });
    expect(generic.countMessage(call)).toBe(
      MESSAGE_OVERHEAD_TOKENS +
        BLOCK_OVERHEAD_TOKENS +
        generic.countText('query_database') +
        generic.countText('{"query":"SELECT 1"}'),
    );
    expect(generic.countMessage(toolResult('c1', PROSE))).toBe(
      MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS + 100,
    );
    const image: Message = {
      role: 'user',
      content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }],
    };
    expect(generic.countMessage(image)).toBe(MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS + IMAGE_TOKENS);
  });

  it('adds the conversation overhead once', () => {
    const messages = [user(PROSE), user(PROSE)];
    expect(generic.countMessages(messages)).toBe(
      CONVERSATION_OVERHEAD_TOKENS + 2 * (MESSAGE_OVERHEAD_TOKENS + 100),
    );
  });

  it('ranks providers the same way on the same conversation', () => {
    const messages = [user(PROSE), toolResult('x', SQL)];
    const counts = Object.fromEntries(
      (['generic', 'openai', 'anthropic', 'ollama'] as const).map((t) => [
        t,
        createEstimator(t).countMessages(messages),
      ]),
    );
    expect(counts.ollama).toBeLessThan(counts.generic!);
    expect(counts.anthropic).toBeGreaterThan(counts.generic! - 10);
    expect(new Set(Object.values(counts)).size).toBeGreaterThan(1);
  });
});

describe('exact counter', () => {
  it('counts with the real o200k_base tokenizer', async () => {
    const exact = await createTokenCounter('exact');
    const reference = new Tiktoken(o200k);
    expect(exact.type).toBe('exact');
    expect(exact.countText('hello world')).toBe(2);
    expect(exact.countText(SQL)).toBe(reference.encode(SQL).length);
    expect(exact.countMessage(user(PROSE))).toBe(MESSAGE_OVERHEAD_TOKENS + reference.encode(PROSE).length);
  });

  it('uses cl100k_base when asked, which splits differently', async () => {
    const o200 = await createTokenCounter('exact');
    const cl100 = await createTokenCounter('exact', { encoding: 'cl100k_base' });
    const text = 'Überprüfe die Indizes der Tabelle Bestellungen, bitte.';
    expect(cl100.countText(text)).toBeGreaterThan(0);
    expect(cl100.countText(text)).not.toBe(o200.countText(text));
  });

  it('treats special-token strings in chat text as ordinary text', async () => {
    const exact = await createTokenCounter('exact');
    expect(exact.countText('the log shows <|endoftext|> in a column')).toBeGreaterThan(5);
  });

  it('errs on the safe side of the real tokenizer for everyday prose', async () => {
    const paragraph =
      'Before you add the index, check how often the planner would use it. The orders table gets about two ' +
      'thousand inserts a minute during the day, so every extra index slows writes a little. If most reports ' +
      'filter on the last week only, a partial index on created_at is smaller and cheaper to maintain.';
    const exact = (await createTokenCounter('exact')).countText(paragraph);
    for (const type of ['generic', 'openai', 'anthropic', 'ollama'] as const) {
      const estimate = createEstimator(type).countText(paragraph);
      expect(estimate, type).toBeGreaterThanOrEqual(exact * 0.9);
      expect(estimate, type).toBeLessThan(exact * 1.5);
    }
  });

  it('rejects an unknown encoding with INVALID_REQUEST', async () => {
    const failure = createTokenCounter('exact', { encoding: 'p50k_base' as never });
    await expect(failure).rejects.toBeInstanceOf(CompactorError);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: /p50k_base/ });
  });
});
