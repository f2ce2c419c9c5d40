import type { Message, StreamEvent } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import type { ResolvedChatRequest } from '../client-runtime.js';
import {
  AnthropicStreamTranslator,
  fromAnthropicMessage,
  mapUsage,
  toAnthropicParams,
} from './anthropic-mapping.js';

const tools = [
  {
    name: 'query_database',
    description: 'Run SQL',
    input_schema: { type: 'object', properties: { query: { type: 'string' } } },
  },
  { name: 'get_schema_info', description: 'Schema', input_schema: { type: 'object', properties: {} } },
];

function request(overrides: Partial<ResolvedChatRequest> = {}): ResolvedChatRequest {
  return { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...overrides };
}

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

describe('toAnthropicParams', () => {
  it('puts cache breakpoints on the system prompt and the last tool only, keeping tool order', () => {
    const params = toAnthropicParams(request({ system: 'You are careful.', tools }), { promptCaching: true });
    expect(params.system).toEqual([
      { type: 'text', text: 'You are careful.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(params.tools?.map((t) => ('name' in t ? t.name : undefined))).toEqual([
      'query_database',
      'get_schema_info',
    ]);
    expect(params.tools?.[0]).not.toHaveProperty('cache_control');
    expect(params.tools?.[1]).toMatchObject({ cache_control: { type: 'ephemeral' } });
  });

  it('sends no cache_control when prompt caching is off', () => {
    const params = toAnthropicParams(request({ system: 'S', tools }), { promptCaching: false });
    expect(JSON.stringify(params)).not.toContain('cache_control');
  });

  it('maps every block type and the tool choice', () => {
    const params = toAnthropicParams(
      request({
        tools,
        tool_choice: { type: 'tool', name: 'query_database' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'select 1' } }],
          },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't1',
                content: [{ type: 'text', text: '1' }],
                is_error: false,
              },
            ],
          },
        ],
      }),
      { promptCaching: true },
    );
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'query_database' });
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'select 1' } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: '1' }], is_error: false },
        ],
      },
    ]);
  });

  it('merges same-role neighbours so turns alternate, tool results first in a user turn', () => {
    const params = toAnthropicParams(request({ messages: compacted }), { promptCaching: false });
    expect(params.messages).toEqual([
      { role: 'user', content: 'Review the orders table.' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: '[12 earlier messages omitted to fit the context budget.]' },
          { type: 'tool_use', id: 't1', name: 'query_database', input: { query: 'SELECT 1' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: '1' },
          { type: 'text', text: 'Now the customers.' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Customers next.' },
          { type: 'text', text: 'There are 3.' },
        ],
      },
    ]);
    // An alternating history is sent as it is.
    const alternating = [compacted[0]!, compacted[2]!, compacted[3]!, compacted[5]!];
    const params2 = toAnthropicParams(request({ messages: alternating }), { promptCaching: false });
    expect(params2.messages).toEqual(alternating);
  });

  it('rejects an image type the API does not take, naming it', () => {
    const bad = request({
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'x' } }],
        },
      ],
    });
    expect(() => toAnthropicParams(bad, { promptCaching: true })).toThrow(/image\/bmp/);
  });
});

describe('fromAnthropicMessage', () => {
  it('counts cached tokens into input_tokens and reports them separately', () => {
    expect(
      mapUsage({
        input_tokens: 5,
        output_tokens: 7,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 20,
      }),
    ).toEqual({
      input_tokens: 125,
      output_tokens: 7,
      cache_read_tokens: 100,
      cache_write_tokens: 20,
    });
  });

  it('keeps text and tool_use blocks, drops thinking blocks, maps odd stop reasons', () => {
    const result = fromAnthropicMessage({
      model: 'claude-x',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_schema_info', input: { schema_name: 'public' } },
      ],
      stop_reason: 'model_context_window_exceeded',
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    expect(result).toEqual({
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_schema_info', input: { schema_name: 'public' } },
      ],
      stop_reason: 'max_tokens',
      usage: { input_tokens: 3, output_tokens: 4 },
      model: 'claude-x',
    });
  });

  it('reports a malformed body as BAD_RESPONSE', () => {
    expect(() => fromAnthropicMessage({ content: 'nope' })).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    );
  });
});

describe('AnthropicStreamTranslator', () => {
  const feed = (events: unknown[]) => {
    const translator = new AnthropicStreamTranslator();
    return events.flatMap((e) => translator.push(e));
  };
  const start = {
    type: 'message_start',
    message: { usage: { input_tokens: 8, output_tokens: 1, cache_read_input_tokens: 2 } },
  };

  it('assembles split tool arguments and ignores pings', () => {
    const events = feed([
      start,
      { type: 'ping' },
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'q', input: {} },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"query": "sel' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: 'ect 1"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } },
      { type: 'message_stop' },
    ]);
    expect(events).toEqual<StreamEvent[]>([
      { type: 'tool_use_start', id: 'toolu_1', name: 'q' },
      { type: 'tool_use_delta', id: 'toolu_1', partial_json: '{"query": "sel' },
      { type: 'tool_use_delta', id: 'toolu_1', partial_json: 'ect 1"}' },
      { type: 'tool_use_end', id: 'toolu_1', input: { query: 'select 1' } },
      {
        type: 'done',
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 12, cache_read_tokens: 2 },
      },
    ]);
  });

  it('throws BAD_RESPONSE naming the tool when its arguments are not JSON', () => {
    expect(() =>
      feed([
        start,
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_1', name: 'query_database', input: {} },
        },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"query": ' },
        },
        { type: 'content_block_stop', index: 0 },
      ]),
    ).toThrow(
      expect.objectContaining({ code: 'BAD_RESPONSE', message: expect.stringContaining('query_database') }),
    );
  });
});
