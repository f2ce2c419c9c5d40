import type { StreamEvent } from '@pgmcp/api-contract';
import { createOpenAiClient, isLlmClientError, type OpenAiClientConfig } from '@pgmcp/llm-clients';
import {
  errorReply,
  startFakeProvider,
  textReply,
  toolCallReply,
  type FakeProvider,
} from '@pgmcp/llm-clients/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, collect, textOf, TOOLS } from './helpers.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ provider: 'openai' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const llm = (config: OpenAiClientConfig = {}) =>
  createOpenAiClient({
    apiKey: API_KEY,
    baseUrl: fake.url,
    defaultModel: 'gpt-4o',
    retryBaseDelayMs: 10,
    ...config,
  });
const ask = { tools: TOOLS, messages: [{ role: 'user' as const, content: 'How many users?' }] };

const CALLS = [
  { id: 'call_a', name: 'get_schema_info', input: { schema_name: 'public' } },
  { id: 'call_b', name: 'query_database', input: { query: 'SELECT count(*) AS n FROM users' } },
];

function toolEnds(events: StreamEvent[]) {
  return events.flatMap((e) => (e.type === 'tool_use_end' ? [e.input] : []));
}

describe('OpenAI client against the fake Chat Completions API', () => {
  it('chats with tool calls and sends the key as a Bearer token', async () => {
    fake.script(
      toolCallReply(CALLS, { usage: { input_tokens: 40, output_tokens: 7, cache_read_tokens: 32 } }),
    );
    const result = await llm().chat(ask);
    expect(result.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_schema_info', input: { schema_name: 'public' } },
      {
        type: 'tool_use',
        id: 'call_b',
        name: 'query_database',
        input: { query: 'SELECT count(*) AS n FROM users' },
      },
    ]);
    expect(result.stop_reason).toBe('tool_use');
    expect(result.usage).toEqual({ input_tokens: 40, output_tokens: 7, cache_read_tokens: 32 });
    const [sent] = fake.chatRequests;
    expect(sent!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent!.body).toMatchObject({ model: 'gpt-4o', max_tokens: 4096 });
    expect(sent!.chat.tools).toEqual(TOOLS);
  });

  it('sends no Authorization header to a local server without a key, and can use max_completion_tokens', async () => {
    fake.script(textReply('local'));
    await createOpenAiClient({ baseUrl: fake.url, maxTokensField: 'max_completion_tokens' }).chat({
      model: 'Qwen/Qwen3-8B',
      max_tokens: 99,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const [sent] = fake.chatRequests;
    expect(sent!.headers).not.toHaveProperty('authorization');
    expect(sent!.body).toMatchObject({ model: 'Qwen/Qwen3-8B', max_completion_tokens: 99 });
    expect(sent!.body).not.toHaveProperty('max_tokens');
  });

  it('maps tool results to role "tool" messages and images to data URLs on the wire', async () => {
    fake.script(textReply('There are 42 users.'));
    await llm().chat({
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'How many users?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_9', name: 'query_database', input: { query: 'SELECT 42' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_9', content: '42' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect((fake.chatRequests[0]!.body!.messages as unknown[]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_9',
            type: 'function',
            function: { name: 'query_database', arguments: '{"query":"SELECT 42"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_9', content: '42' },
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }],
      },
    ]);
  });

  it('streams text deltas and asks for the usage chunk', async () => {
    fake.script(
      textReply('Streaming works fine.', {
        usage: { input_tokens: 9, output_tokens: 4 },
        stream: { textChunkSize: 2 },
      }),
    );
    const events = await collect(llm().stream({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(textOf(events)).toBe('Streaming works fine.');
    expect(events.at(-1)).toEqual({
      type: 'done',
      stop_reason: 'end_turn',
      usage: { input_tokens: 9, output_tokens: 4, cache_read_tokens: 0 },
    });
    expect(fake.chatRequests[0]!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('streams tool arguments split over many chunks', async () => {
    fake.script(toolCallReply(CALLS, { stream: { argsChunkSize: 3 } }));
    const events = await collect(llm().stream(ask));
    expect(events.filter((e) => e.type === 'tool_use_delta').length).toBeGreaterThan(10);
    expect(toolEnds(events)).toEqual(CALLS.map((c) => c.input));
    expect(events.at(-1)).toMatchObject({ type: 'done', stop_reason: 'tool_use' });
  });

  it('streams parallel tool calls interleaved by index', async () => {
    fake.script(toolCallReply(CALLS, { stream: { argsChunkSize: 4, interleaveToolCalls: true } }));
    const events = await collect(llm().stream(ask));
    const deltaOwners = events.flatMap((e) => (e.type === 'tool_use_delta' ? [e.id] : []));
    // The pieces really alternate between the two calls...
    expect(deltaOwners.slice(0, 4)).toEqual(['call_a', 'call_b', 'call_a', 'call_b']);
    // ...and still assemble into the right arguments.
    expect(toolEnds(events)).toEqual(CALLS.map((c) => c.input));
  });

  it('ends tool calls that arrive whole in one chunk, with finish_reason "stop" (Gemini)', async () => {
    fake.script(
      toolCallReply(CALLS, {
        wireStopReason: 'stop',
        stream: { argsInFirstChunk: true, omitToolCallIndex: true },
      }),
    );
    const events = await collect(llm().stream(ask));
    expect(events.map((e) => e.type)).toEqual([
      'tool_use_start',
      'tool_use_delta',
      'tool_use_start',
      'tool_use_delta',
      'tool_use_end',
      'tool_use_end',
      'done',
    ]);
    expect(toolEnds(events)).toEqual(CALLS.map((c) => c.input));
    expect(events.at(-1)).toMatchObject({ stop_reason: 'tool_use' });
  });

  it('streams without usage where a server does not support stream_options', async () => {
    fake.script(textReply('ok'));
    const events = await collect(
      llm({ streamUsage: false }).stream({ messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(fake.chatRequests[0]!.body).not.toHaveProperty('stream_options');
    expect(events.at(-1)).toEqual({
      type: 'done',
      stop_reason: 'end_turn',
      usage: { input_tokens: 0, output_tokens: 0 },
    });
  });

  it('maps OpenAI error bodies to typed codes', async () => {
    fake.script(
      errorReply(400, "This model's maximum context length is 128000 tokens.", {
        code: 'context_length_exceeded',
      }),
      errorReply(404, 'The model `gpt-9` does not exist or you do not have access to it.'),
      errorReply(429, 'You exceeded your current quota.', {
        code: 'insufficient_quota',
        type: 'insufficient_quota',
      }),
    );
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push(
        await llm()
          .chat(ask)
          .catch((e: unknown) => (isLlmClientError(e) ? e.code : e)),
      );
    }
    expect(codes).toEqual(['CONTEXT_TOO_LONG', 'MODEL_NOT_FOUND', 'QUOTA_EXCEEDED']);
    expect(fake.chatRequests).toHaveLength(3);
  });

  it('lists only chat models, with context windows where the server gives them', async () => {
    expect(await llm().listModels()).toEqual([
      { id: 'gpt-4o', context_window: 128_000 },
      { id: 'gpt-4o-mini' },
      { id: 'o3-mini' },
    ]);
    expect(await llm({ modelFilter: (id) => id.startsWith('text-') }).listModels()).toEqual([
      { id: 'text-embedding-3-small' },
    ]);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => createOpenAiClient({ baseUrl: 'ftp://example.com' })).toThrow(
      expect.objectContaining({ code: 'BAD_CONFIG' }),
    );
  });
});
