import type { Message, StreamEvent } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import type { ResolvedChatRequest } from '../client-runtime.js';
import {
  fromOpenAiCompletion,
  OpenAiStreamTranslator,
  toOpenAiMessages,
  toOpenAiParams,
} from './openai-mapping.js';

const request = (overrides: Partial<ResolvedChatRequest> = {}): ResolvedChatRequest => ({
  model: 'gpt-x',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'hi' }],
  ...overrides,
});

/** A history as the compactor returns it: the summary and a dropped answer leave same-role neighbours. */
const compacted: Message[] = [
  { role: 'user', content: 'Review the orders table.' },
  { role: 'assistant', content: '[12 earlier messages omitted to fit the context budget.]' },
  {
    role: 'assistant',
    content: [{ type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'SELECT 1' } }],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '1' }] },
  { role: 'user', content: 'Now the customers.' },
  { role: 'assistant', content: 'Customers next.' },
  { role: 'assistant', content: 'There are 3.' },
];

describe('toOpenAiMessages', () => {
  it('turns tool results into role "tool" messages placed before the rest of the user turn', () => {
    const messages = toOpenAiMessages('Be brief.', [
      { role: 'user', content: 'How many users?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Counting.' },
          { type: 'tool_use', id: 'call_1', name: 'count_rows', input: { table: 'users' } },
          { type: 'tool_use', id: 'call_2', name: 'count_rows', input: { table: 'orders' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Also note this.' },
          { type: 'tool_result', tool_use_id: 'call_1', content: '42' },
          {
            type: 'tool_result',
            tool_use_id: 'call_2',
            content: [{ type: 'text', text: 'relation missing' }],
            is_error: true,
          },
        ],
      },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How many users?' },
      {
        role: 'assistant',
        content: 'Counting.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'count_rows', arguments: '{"table":"users"}' },
          },
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'count_rows', arguments: '{"table":"orders"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '42' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: relation missing' },
      { role: 'user', content: 'Also note this.' },
    ]);
  });

  it('merges same-role neighbours so user and assistant turns alternate', () => {
    expect(toOpenAiMessages(undefined, compacted)).toEqual([
      { role: 'user', content: 'Review the orders table.' },
      {
        role: 'assistant',
        content: '[12 earlier messages omitted to fit the context budget.]',
        tool_calls: [
          {
            id: 't1',
            type: 'function',
            function: { name: 'query_database', arguments: '{"query":"SELECT 1"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 't1', content: '1' },
      { role: 'user', content: 'Now the customers.' },
      { role: 'assistant', content: 'Customers next.\n\nThere are 3.' },
    ]);
  });

  it('sends images as data URLs, including images a tool returned', () => {
    const messages = toOpenAiMessages(undefined, [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'chart', input: {} }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'c1',
            content: [
              { type: 'text', text: 'chart drawn' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            ],
          },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'BBBB' } },
        ],
      },
    ]);
    expect(messages.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'chart drawn' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,BBBB' } },
        ],
      },
    ]);
  });

  it('rejects blocks that cannot appear in a role', () => {
    expect(() =>
      toOpenAiMessages(undefined, [
        { role: 'user', content: [{ type: 'tool_use', id: 'x', name: 'n', input: {} }] },
      ]),
    ).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});

describe('toOpenAiParams', () => {
  it('maps tools, tool choice and the chosen max-tokens field', () => {
    const params = toOpenAiParams(
      request({
        tools: [{ name: 'get_schema_info', description: 'Schema', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
        temperature: 0,
      }),
      { maxTokensField: 'max_completion_tokens' },
    );
    expect(params).toMatchObject({
      max_completion_tokens: 256,
      tools: [
        {
          type: 'function',
          function: { name: 'get_schema_info', description: 'Schema', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'required',
      temperature: 0,
    });
    expect(params).not.toHaveProperty('max_tokens');
    const named = toOpenAiParams(
      request({
        tools: [{ name: 'a', description: '', input_schema: {} }],
        tool_choice: { type: 'tool', name: 'a' },
      }),
      {
        maxTokensField: 'max_tokens',
      },
    );
    expect(named).toMatchObject({
      max_tokens: 256,
      tool_choice: { type: 'function', function: { name: 'a' } },
    });
  });
});

describe('fromOpenAiCompletion', () => {
  it('maps tool calls, usage with cached tokens, and a stop finish with calls to tool_use', () => {
    const result = fromOpenAiCompletion(
      {
        model: 'gemini-2.5-flash',
        choices: [
          {
            message: {
              content: null,
              tool_calls: [{ id: '', function: { name: 'q', arguments: '{"a":1}' } }],
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 50, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 32 } },
      },
      'requested',
    );
    expect(result.stop_reason).toBe('tool_use');
    expect(result.usage).toEqual({ input_tokens: 50, output_tokens: 9, cache_read_tokens: 32 });
    expect(result.content).toEqual([
      { type: 'tool_use', id: expect.stringMatching(/^call_/), name: 'q', input: { a: 1 } },
    ]);
    expect(result.model).toBe('gemini-2.5-flash');
  });

  it('reports a completion without choices as BAD_RESPONSE', () => {
    expect(() => fromOpenAiCompletion({ choices: [] }, 'm')).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    );
  });
});

describe('OpenAiStreamTranslator', () => {
  const chunk = (delta: object, finish_reason: string | null = null) => ({
    choices: [{ index: 0, delta, finish_reason }],
  });
  const run = (chunks: unknown[]): StreamEvent[] => {
    const translator = new OpenAiStreamTranslator();
    return [...chunks.flatMap((c) => translator.push(c)), ...translator.finish()];
  };

  it('handles parallel calls whose argument pieces interleave by index', () => {
    const events = run([
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'one', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'two', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({}, 'tool_calls'),
      { choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } },
    ]);
    expect(events.filter((e) => e.type === 'tool_use_end')).toEqual([
      { type: 'tool_use_end', id: 'a', input: { x: 1 } },
      { type: 'tool_use_end', id: 'b', input: { y: 2 } },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'done',
      stop_reason: 'tool_use',
      usage: { input_tokens: 3, output_tokens: 4 },
    });
  });

  it('ends calls whose complete arguments came in the start chunk, without indexes (Gemini)', () => {
    const events = run([
      chunk({ tool_calls: [{ id: 'g1', function: { name: 'one', arguments: '{"a":1}' } }] }),
      chunk({ tool_calls: [{ id: 'g2', function: { name: 'two', arguments: '{"b":2}' } }] }),
      chunk({}, 'stop'),
    ]);
    expect(events).toEqual([
      { type: 'tool_use_start', id: 'g1', name: 'one' },
      { type: 'tool_use_delta', id: 'g1', partial_json: '{"a":1}' },
      { type: 'tool_use_start', id: 'g2', name: 'two' },
      { type: 'tool_use_delta', id: 'g2', partial_json: '{"b":2}' },
      { type: 'tool_use_end', id: 'g1', input: { a: 1 } },
      { type: 'tool_use_end', id: 'g2', input: { b: 2 } },
      { type: 'done', stop_reason: 'tool_use', usage: { input_tokens: 0, output_tokens: 0 } },
    ]);
  });

  it('accepts arguments sent as an object and calls without ids', () => {
    const events = run([
      chunk({ tool_calls: [{ index: 0, function: { name: 'one', arguments: { a: 1 } } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(events[0]).toEqual({ type: 'tool_use_start', id: expect.stringMatching(/^call_/), name: 'one' });
    expect(events.find((e) => e.type === 'tool_use_end')).toMatchObject({ input: { a: 1 } });
  });

  it('fails on a stream that ends without finish_reason, and on invalid arguments', () => {
    expect(() => run([chunk({ content: 'partial' })])).toThrow(/without a finish_reason/);
    expect(() =>
      run([
        chunk({
          tool_calls: [{ index: 0, id: 'a', function: { name: 'query_database', arguments: '{"q' } }],
        }),
        chunk({}, 'tool_calls'),
      ]),
    ).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE', message: expect.stringContaining('query_database') }),
    );
  });
});
