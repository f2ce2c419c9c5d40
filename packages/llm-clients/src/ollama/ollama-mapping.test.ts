import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import type { ResolvedChatRequest } from '../client-runtime.js';
import {
  fromOllamaResponse,
  OllamaStreamTranslator,
  toOllamaMessages,
  toOllamaRequest,
} from './ollama-mapping.js';

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

describe('toOllamaMessages', () => {
  it('maps tool calls to objects, tool results to role "tool" with the tool name, images to raw base64', () => {
    const messages = toOllamaMessages('System.', [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'c1', name: 'get_schema_info', input: { schema_name: 'public' } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'users(id)', is_error: false }],
      },
      { role: 'assistant', content: 'There is a users table.' },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'System.' },
      { role: 'user', content: 'What is in this?', images: ['AAAA'] },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_schema_info', arguments: { schema_name: 'public' } } }],
      },
      { role: 'tool', content: 'users(id)', tool_name: 'get_schema_info' },
      { role: 'assistant', content: 'There is a users table.' },
    ]);
  });
});

describe('toOllamaMessages: turns', () => {
  it('merges same-role neighbours so user and assistant turns alternate', () => {
    expect(toOllamaMessages(undefined, compacted)).toEqual([
      { role: 'user', content: 'Review the orders table.' },
      {
        role: 'assistant',
        content: '[12 earlier messages omitted to fit the context budget.]',
        tool_calls: [{ function: { name: 'query_database', arguments: { query: 'SELECT 1' } } }],
      },
      { role: 'tool', content: '1', tool_name: 'query_database' },
      { role: 'user', content: 'Now the customers.' },
      { role: 'assistant', content: 'Customers next.\n\nThere are 3.' },
    ]);
  });
});

describe('toOllamaRequest', () => {
  const base: ResolvedChatRequest = {
    model: 'llama3.2',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [{ name: 'q', description: 'Query', input_schema: { type: 'object' } }],
  };

  it('puts limits into options and offers tools', () => {
    expect(toOllamaRequest({ ...base, temperature: 0.2 }, { numCtx: 8192, keepAlive: '5m' })).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { type: 'function', function: { name: 'q', description: 'Query', parameters: { type: 'object' } } },
      ],
      options: { num_predict: 64, temperature: 0.2, num_ctx: 8192 },
      keep_alive: '5m',
    });
  });

  it('leaves the tools out when the tool choice is none', () => {
    expect(toOllamaRequest({ ...base, tool_choice: { type: 'none' } }, {})).not.toHaveProperty('tools');
  });
});

describe('Ollama responses', () => {
  it('gives each whole tool call an id and reports tool_use even though Ollama says "stop"', () => {
    const result = fromOllamaResponse(
      {
        model: 'llama3.2',
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'q', arguments: { sql: 'select 1' } } }],
        },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 30,
        eval_count: 4,
      },
      'llama3.2',
    );
    expect(result).toEqual({
      content: [
        { type: 'tool_use', id: expect.stringMatching(/^call_/), name: 'q', input: { sql: 'select 1' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 30, output_tokens: 4 },
      model: 'llama3.2',
    });
  });

  it('streams text deltas, whole tool calls as start/delta/end, then done', () => {
    const translator = new OllamaStreamTranslator();
    const events = [
      { message: { content: 'Hel' }, done: false },
      { message: { content: 'lo' }, done: false },
      {
        message: {
          content: '',
          tool_calls: [
            { function: { name: 'q', arguments: { a: 1 } } },
            { function: { name: 'r', arguments: {} } },
          ],
        },
        done: false,
      },
      { message: { content: '' }, done: true, done_reason: 'length', prompt_eval_count: 5, eval_count: 6 },
    ].flatMap((c) => translator.push(c));
    expect(events.map((e) => e.type)).toEqual([
      'text',
      'text',
      'tool_use_start',
      'tool_use_delta',
      'tool_use_end',
      'tool_use_start',
      'tool_use_delta',
      'tool_use_end',
      'done',
    ]);
    expect(events[3]).toMatchObject({ partial_json: '{"a":1}' });
    expect(events.at(-1)).toEqual({
      type: 'done',
      stop_reason: 'max_tokens',
      usage: { input_tokens: 5, output_tokens: 6 },
    });
  });
});
