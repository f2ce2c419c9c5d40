import { createAnthropicClient, isLlmClientError } from '@pgmcp/llm-clients';
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
  fake = await startFakeProvider({ provider: 'anthropic' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const llm = () =>
  createAnthropicClient({
    apiKey: API_KEY,
    baseUrl: fake.url,
    defaultModel: 'claude-sonnet-4-5',
    retryBaseDelayMs: 10,
  });

describe('Anthropic client against the fake Messages API', () => {
  it('chats: sends the key, the version header, defaults for model and max_tokens', async () => {
    fake.script(textReply('Hello from Claude', { usage: { input_tokens: 12, output_tokens: 3 } }));
    const result = await llm().chat({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
    });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hello from Claude' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 3, cache_read_tokens: 0, cache_write_tokens: 0 },
      model: 'claude-sonnet-4-5',
    });
    const [sent] = fake.chatRequests;
    expect(sent!.headers.authorization ?? sent!.headers['x-api-key']).toContain(API_KEY);
    expect(sent!.headers['anthropic-version']).toBeTruthy();
    expect(sent!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 4096, temperature: 0.3 });
  });

  it('caches the system prompt and the tool list, keeps tool order stable, reports cache tokens', async () => {
    const usage = { input_tokens: 2100, output_tokens: 20, cache_read_tokens: 1800, cache_write_tokens: 200 };
    fake.script(textReply('one', { usage }), textReply('two', { usage }));
    const request = {
      system: 'You are a PostgreSQL expert.',
      tools: TOOLS,
      messages: [{ role: 'user' as const, content: 'Hi' }],
    };
    const first = await llm().chat(request);
    await llm().chat({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: 'one' },
        { role: 'user', content: 'More' },
      ],
    });
    expect(first.usage).toEqual(usage);

    const [a, b] = fake.chatRequests;
    expect(a!.body!.system).toEqual([
      { type: 'text', text: 'You are a PostgreSQL expert.', cache_control: { type: 'ephemeral' } },
    ]);
    const tools = a!.body!.tools as Record<string, unknown>[];
    expect(tools.map((t) => t.name)).toEqual(['get_schema_info', 'query_database']);
    expect(tools.map((t) => 'cache_control' in t)).toEqual([false, true]);
    // Byte-identical prefix between calls is what makes the cache hit.
    expect(JSON.stringify(b!.body!.tools)).toBe(JSON.stringify(a!.body!.tools));
    expect(JSON.stringify(b!.body!.system)).toBe(JSON.stringify(a!.body!.system));
  });

  it('can switch prompt caching off', async () => {
    fake.script(textReply('x'));
    await createAnthropicClient({ apiKey: API_KEY, baseUrl: fake.url, promptCaching: false }).chat({
      model: 'claude-haiku-4-5',
      system: 'S',
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(JSON.stringify(fake.chatRequests[0]!.body)).not.toContain('cache_control');
  });

  it('streams text in many deltas and tool calls whose arguments span many chunks', async () => {
    fake.script(
      toolCallReply(
        [
          { name: 'get_schema_info', input: { schema_name: 'public' } },
          { name: 'query_database', input: { query: 'SELECT count(*) FROM users WHERE active' } },
        ],
        { text: 'Let me check the schema first.', stream: { textChunkSize: 3, argsChunkSize: 4 } },
      ),
    );
    const events = await collect(
      llm().stream({ tools: TOOLS, messages: [{ role: 'user', content: 'Count users' }] }),
    );
    expect(textOf(events)).toBe('Let me check the schema first.');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(5);
    const ends = events.filter((e) => e.type === 'tool_use_end');
    expect(ends).toEqual([
      { type: 'tool_use_end', id: expect.any(String), input: { schema_name: 'public' } },
      {
        type: 'tool_use_end',
        id: expect.any(String),
        input: { query: 'SELECT count(*) FROM users WHERE active' },
      },
    ]);
    const secondId = ends[1]!.id;
    const deltas = events.filter((e) => e.type === 'tool_use_delta' && e.id === secondId);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((d) => (d.type === 'tool_use_delta' ? d.partial_json : '')).join('')).toBe(
      JSON.stringify({ query: 'SELECT count(*) FROM users WHERE active' }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', stop_reason: 'tool_use' });
  });

  it('sends images and tool results as Anthropic blocks', async () => {
    fake.script(textReply('I see a chart'));
    const messages = [
      { role: 'user' as const, content: 'Draw it' },
      {
        role: 'assistant' as const,
        content: [{ type: 'tool_use' as const, id: 'toolu_1', name: 'chart', input: { kind: 'bar' } }],
      },
      {
        role: 'user' as const,
        content: [
          {
            type: 'tool_result' as const,
            tool_use_id: 'toolu_1',
            content: [
              {
                type: 'image' as const,
                source: { type: 'base64' as const, media_type: 'image/png', data: 'iVBORw0KGgo=' },
              },
            ],
          },
        ],
      },
    ];
    await llm().chat({ messages });
    expect(fake.chatRequests[0]!.chat.messages).toEqual(messages);
  });

  it('maps Anthropic error bodies to typed codes', async () => {
    fake.script(
      errorReply(400, 'prompt is too long: 215000 tokens > 200000 maximum'),
      errorReply(404, 'model: claude-9'),
      errorReply(401, 'invalid x-api-key'),
    );
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push(
        await llm()
          .chat({ messages: [{ role: 'user', content: 'x' }] })
          .catch((e: unknown) => (isLlmClientError(e) ? e.code : e)),
      );
    }
    expect(codes).toEqual(['CONTEXT_TOO_LONG', 'MODEL_NOT_FOUND', 'BAD_API_KEY']);
  });

  it('lists chat models with their context windows, leaving out retired ones', async () => {
    expect(await llm().listModels()).toEqual([
      { id: 'claude-sonnet-4-5', context_window: 200_000 },
      { id: 'claude-haiku-4-5', context_window: 200_000 },
    ]);
  });

  it('refuses to start without an API key', () => {
    expect(() => createAnthropicClient({ apiKey: '' })).toThrow(
      expect.objectContaining({ code: 'BAD_CONFIG' }),
    );
  });
});
