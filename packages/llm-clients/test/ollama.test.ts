import { createOllamaClient, isLlmClientError, type OllamaClientConfig } from '@pgmcp/llm-clients';
import {
  errorReply,
  startFakeProvider,
  textReply,
  toolCallReply,
  type FakeProvider,
} from '@pgmcp/llm-clients/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, textOf, TOOLS } from './helpers.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({ provider: 'ollama' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const llm = (config: OllamaClientConfig = {}) =>
  createOllamaClient({ baseUrl: fake.url, defaultModel: 'llama3.2', retryBaseDelayMs: 10, ...config });

describe('Ollama client against the fake /api/chat', () => {
  it('chats without streaming, with limits in options and no Authorization header by default', async () => {
    fake.script(textReply('Hi from Llama', { usage: { input_tokens: 26, output_tokens: 4 } }));
    const result = await llm({ numCtx: 16_384, keepAlive: '10m' }).chat({
      max_tokens: 300,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hi from Llama' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 26, output_tokens: 4 },
      model: 'llama3.2',
    });
    const [sent] = fake.chatRequests;
    expect(sent!.body).toMatchObject({
      model: 'llama3.2',
      stream: false,
      keep_alive: '10m',
      options: { num_predict: 300, num_ctx: 16_384 },
    });
    expect(sent!.headers).not.toHaveProperty('authorization');
  });

  it('sends an API key as a Bearer token (ollama.com, proxies)', async () => {
    fake.script(textReply('ok'));
    await llm({ apiKey: 'ollama-key-123456789' }).chat({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(fake.chatRequests[0]!.headers.authorization).toBe('Bearer ollama-key-123456789');
  });

  it('gives whole tool calls ids and sends tool results back by tool name', async () => {
    fake.script(
      toolCallReply({ name: 'get_schema_info', input: { schema_name: 'public' } }),
      textReply('There is a users table.'),
    );
    const first = await llm().chat({ tools: TOOLS, messages: [{ role: 'user', content: 'What tables?' }] });
    expect(first.stop_reason).toBe('tool_use');
    const [use] = first.content;
    expect(use).toEqual({
      type: 'tool_use',
      id: expect.stringMatching(/^call_/),
      name: 'get_schema_info',
      input: { schema_name: 'public' },
    });
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use');

    await llm().chat({
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'What tables?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: use.id, content: 'users(id int, name text)' }],
        },
      ],
    });
    const wire = fake.chatRequests[1]!.body!.messages as Record<string, unknown>[];
    expect(wire.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ function: { name: 'get_schema_info', arguments: { schema_name: 'public' } } }],
      },
      { role: 'tool', content: 'users(id int, name text)', tool_name: 'get_schema_info' },
    ]);
  });

  it('sends images as raw base64 in the message', async () => {
    fake.script(textReply('A cat'));
    await llm().chat({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect((fake.chatRequests[0]!.body!.messages as unknown[])[0]).toEqual({
      role: 'user',
      content: 'What is this?',
      images: ['iVBORw0KGgo='],
    });
  });

  it('streams NDJSON text deltas and whole tool calls in one chunk', async () => {
    fake.script(
      toolCallReply(
        [
          { name: 'get_schema_info', input: {} },
          { name: 'query_database', input: { query: 'SELECT 1' } },
        ],
        {
          text: 'Checking both.',
          stream: { textChunkSize: 4 },
          usage: { input_tokens: 50, output_tokens: 12 },
        },
      ),
    );
    const events = await collect(llm().stream({ tools: TOOLS, messages: [{ role: 'user', content: 'Go' }] }));
    expect(textOf(events)).toBe('Checking both.');
    expect(events.filter((e) => e.type !== 'text').map((e) => e.type)).toEqual([
      'tool_use_start',
      'tool_use_delta',
      'tool_use_end',
      'tool_use_start',
      'tool_use_delta',
      'tool_use_end',
      'done',
    ]);
    expect(events.flatMap((e) => (e.type === 'tool_use_end' ? [e.input] : []))).toEqual([
      {},
      { query: 'SELECT 1' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'done',
      stop_reason: 'tool_use',
      usage: { input_tokens: 50, output_tokens: 12 },
    });
    expect(fake.chatRequests[0]!.body).toMatchObject({ stream: true });
  });

  it('reports a missing model as MODEL_NOT_FOUND', async () => {
    fake.script(errorReply(404, 'model "llama9" not found, try pulling it first'));
    const error = await llm()
      .chat({ model: 'llama9', messages: [{ role: 'user', content: 'Hi' }] })
      .catch((e: unknown) => e);
    expect(isLlmClientError(error, 'MODEL_NOT_FOUND')).toBe(true);
  });

  it('lists completion-capable models with their context length, asking /api/show for each', async () => {
    expect(await llm().listModels()).toEqual([
      { id: 'llama3.2:latest', context_window: 131_072 },
      { id: 'qwen3:8b', context_window: 40_960 },
    ]);
    expect(fake.requests.filter((r) => r.kind === 'show')).toHaveLength(4);
  });

  it('requires an API key for ollama.com instead of reading one from the environment', () => {
    expect(() => createOllamaClient({ baseUrl: 'https://ollama.com' })).toThrow(
      expect.objectContaining({ code: 'BAD_CONFIG' }),
    );
  });
});
