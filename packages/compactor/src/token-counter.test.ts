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
  const reference = new Tiktoken(o200k);
  const o200 = (text: string) => reference.encode(text, [], []).length;

  it('openai comes within 15 % of o200k_base on prose, SQL, JSON, TSV and code', () => {
    const openai = createEstimator('openai');
    for (const text of [PROSE, SQL, JSON_TEXT, TSV, CODE]) {
      const exact = o200(text);
      expect(Math.abs(openai.countText(text) - exact) / exact, text.slice(0, 40)).toBeLessThan(0.15);
    }
  });

  it('counts the pieces a tokenizer makes: a keyword, a name, a number', () => {
    for (const type of ['generic', 'openai', 'anthropic', 'ollama'] as const) {
      const estimator = createEstimator(type);
      expect(estimator.countText('SELECT id FROM orders'), type).toBe(4);
      expect(estimator.countText(''), type).toBe(0);
      expect(estimator.countText('x'), type).toBe(1);
      // Long digit runs and long space runs cost more than one token, but far less than one per character.
      const digits = estimator.countText('1234567890123456');
      expect(digits, type).toBeGreaterThan(2);
      expect(digits, type).toBeLessThan(10);
    }
  });

  it('grows with the text and not with repetition of whitespace alone', () => {
    const openai = createEstimator('openai');
    expect(openai.countText(PROSE + PROSE)).toBeGreaterThan(openai.countText(PROSE) * 1.8);
    expect(openai.countText(`a${' '.repeat(200)}b`)).toBeLessThan(20);
  });

  it('rejects an unknown estimator by name', () => {
    expect(() => createEstimator('gpt5' as never)).toThrow(/Unknown estimator "gpt5"/);
  });
});

describe('message overhead', () => {
  const generic = createEstimator('generic');
  const prose = generic.countText(PROSE);

  it('costs the same for string content and one text block', () => {
    const asString: Message = { role: 'user', content: PROSE };
    const asBlock: Message = { role: 'user', content: [{ type: 'text', text: PROSE }] };
    expect(generic.countMessage(asString)).toBe(MESSAGE_OVERHEAD_TOKENS + prose);
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
      MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS + prose,
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
      CONVERSATION_OVERHEAD_TOKENS + 2 * (MESSAGE_OVERHEAD_TOKENS + prose),
    );
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
