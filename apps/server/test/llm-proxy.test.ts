import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChatResponseSchema, StreamEventSchema } from '@pgmcp/api-contract';
import {
  errorReply,
  type FakeProvider,
  hangReply,
  rateLimitReply,
  startFakeProvider,
  textReply,
  toolCallReply,
} from '@pgmcp/llm-clients/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { captureLogger, parseSse, type RestClient, restClient } from './rest-helpers.js';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

// The LLM proxy against fake Anthropic, OpenAI and Ollama servers that speak the real wire formats,
// with the real pgmcp server (auth on) in front of them.

const ADMIN_PASSWORD = 'admin password for tests';
const ANTHROPIC_KEY = 'sk-ant-api03-SECRET-anthropic-key-0001';
const OPENAI_KEY = 'sk-proj-SECRET-openai-key-0002';
const OLLAMA_KEY = 'ollama-SECRET-key-0003';
const KEYS = [ANTHROPIC_KEY, OPENAI_KEY, OLLAMA_KEY];
const PROVIDERS = ['anthropic', 'openai', 'ollama'] as const;

const fakes = {} as Record<(typeof PROVIDERS)[number], FakeProvider>;
const logs = captureLogger();
let server: RunningServer;
let api: RestClient;
let token: string;

beforeAll(async () => {
  for (const provider of PROVIDERS) fakes[provider] = await startFakeProvider({ provider });
  const secrets = makeTempDir('pgmcp-llm-keys-');
  writeFileSync(path.join(secrets, 'openai.key'), `${OPENAI_KEY}\n`);
  server = await startTestServer(
    {
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_DATABASE_URL: NO_DATABASE_URL,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      OPENAI_API_KEY_FILE: path.join(secrets, 'openai.key'),
      PGMCP_ANTHROPIC_BASE_URL: fakes.anthropic.url,
      PGMCP_OPENAI_BASE_URL: fakes.openai.url,
      // Ollama's own form: host:port without a scheme.
      OLLAMA_HOST: fakes.ollama.origin.replace('http://', ''),
      PGMCP_LLM_MODEL: 'claude-test-model',
    },
    {
      logger: logs.logger,
      yaml: `auth:
  bcrypt_cost: 4
llm:
  keepalive_seconds: 0.1
  providers:
    anthropic: { max_retries: 0 }
    openai: { max_retries: 0, default_model: gpt-4o, timeout_ms: 1500 }
    ollama: { max_retries: 0, default_model: "qwen3:8b", api_key: ${OLLAMA_KEY} }
`,
    },
  );
  api = restClient(server);
  token = await api.login('admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  await server?.close();
  for (const fake of Object.values(fakes)) await fake?.close();
});
beforeEach(() => {
  for (const fake of Object.values(fakes)) fake.reset();
});

const hello = { messages: [{ role: 'user', content: 'How many orders are there?' }] };

it('refuses callers who are not logged in', async () => {
  for (const [method, route] of [
    ['GET', '/api/v1/llm/providers'],
    ['GET', '/api/v1/llm/models'],
    ['POST', '/api/v1/llm/chat'],
    ['POST', '/api/v1/llm/chat/stream'],
  ] as const) {
    const response = await api.call(method, route, method === 'POST' ? { body: hello } : {});
    expect(response.status, route).toBe(401);
    expect((response.body.error as { code: string }).code).toBe('UNAUTHORIZED');
  }
  expect(fakes.anthropic.requests).toHaveLength(0);
});

it('lists the configured providers with their default models', async () => {
  const response = await api.call('GET', '/api/v1/llm/providers', { token });
  expect(response.status).toBe(200);
  expect(response.body).toEqual({
    providers: [
      // PGMCP_LLM_MODEL names the default provider's model.
      { name: 'anthropic', default_model: 'claude-test-model' },
      { name: 'openai', default_model: 'gpt-4o' },
      { name: 'ollama', default_model: 'qwen3:8b' },
    ],
    default_provider: 'anthropic',
  });
});

describe('GET /api/v1/llm/models', () => {
  it.each([
    [
      'anthropic',
      [
        { id: 'claude-sonnet-4-5', context_window: 200_000 },
        { id: 'claude-haiku-4-5', context_window: 200_000 },
      ],
    ],
    ['openai', [{ id: 'gpt-4o', context_window: 128_000 }, { id: 'gpt-4o-mini' }, { id: 'o3-mini' }]],
    [
      'ollama',
      [
        { id: 'llama3.2:latest', context_window: 131_072 },
        { id: 'qwen3:8b', context_window: 40_960 },
      ],
    ],
  ])('lists the chat models of %s only', async (provider, expected) => {
    const response = await api.call('GET', `/api/v1/llm/models?provider=${provider}`, { token });
    expect(response.status, response.text).toBe(200);
    expect(response.body.models).toEqual(expected);
  });

  it("defaults to the default provider's models and caches the list briefly", async () => {
    const first = await api.call('GET', '/api/v1/llm/models', { token });
    const second = await api.call('GET', '/api/v1/llm/models?provider=anthropic', { token });
    expect(first.body).toEqual(second.body);
    expect((first.body.models as { id: string }[]).map((m) => m.id)).toContain('claude-sonnet-4-5');
    // The earlier test already asked Anthropic once; the cache answered both of these.
    expect(fakes.anthropic.requests.filter((r) => r.kind === 'models')).toHaveLength(0);
  });

  it('refuses a provider that is not configured, naming the configured ones', async () => {
    const response = await api.call('GET', '/api/v1/llm/models?provider=gemini', { token });
    expect(response.status).toBe(400);
    expect((response.body.error as { message: string }).message).toMatch(
      /"gemini" is not configured.*anthropic, openai, ollama/,
    );
  });
});

describe('POST /api/v1/llm/chat', () => {
  it.each(PROVIDERS)('answers through %s with provider, model and usage', async (provider) => {
    fakes[provider].script(
      textReply('There are 1,204 orders.', { usage: { input_tokens: 42, output_tokens: 7 } }),
    );
    const response = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: { ...hello, provider, system: 'You are a PostgreSQL expert.', max_tokens: 300 },
    });
    expect(response.status, response.text).toBe(200);
    const answer = ChatResponseSchema.parse(response.body);
    expect(answer).toMatchObject({
      content: [{ type: 'text', text: 'There are 1,204 orders.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 42, output_tokens: 7 },
      provider,
      model: { anthropic: 'claude-test-model', openai: 'gpt-4o', ollama: 'qwen3:8b' }[provider],
    });
    const sent = fakes[provider].chatRequests[0]!.chat;
    expect(sent.system).toBe('You are a PostgreSQL expert.');
    expect(sent.messages).toEqual(hello.messages);
    expect(sent.stream).toBe(false);
  });

  it('passes tools and returns tool calls', async () => {
    fakes.openai.script(
      toolCallReply({ name: 'query_database', input: { query: 'SELECT count(*) FROM orders' } }),
    );
    const response = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: {
        ...hello,
        provider: 'openai',
        model: 'gpt-4o-mini',
        tools: [
          {
            name: 'query_database',
            description: 'Run SQL',
            input_schema: { type: 'object', properties: { query: { type: 'string' } } },
          },
        ],
      },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({
      stop_reason: 'tool_use',
      model: 'gpt-4o-mini',
      content: [
        { type: 'tool_use', name: 'query_database', input: { query: 'SELECT count(*) FROM orders' } },
      ],
    });
    expect(fakes.openai.chatRequests[0]!.chat.tools.map((t) => t.name)).toEqual(['query_database']);
  });

  it('refuses malformed bodies naming the field, before calling any provider', async () => {
    const empty = await api.call('POST', '/api/v1/llm/chat', { token, body: { messages: [] } });
    expect(empty.status).toBe(400);
    expect((empty.body.error as { message: string }).message).toMatch(/messages/);
    const badRole = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: { messages: [{ role: 'system', content: 'x' }] },
    });
    expect(badRole.status).toBe(400);
    expect((badRole.body.error as { message: string }).message).toMatch(/messages\.0\.role/);
    const notJson = await api.call('POST', '/api/v1/llm/chat', {
      token,
      rawBody: '{"messages":',
      headers: {},
    });
    expect(notJson.status).toBe(400);
    const unknown = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: { ...hello, provider: 'mistral' },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body.error as { message: string }).message).toMatch(/"mistral" is not configured/);
    expect(fakes.anthropic.chatRequests).toHaveLength(0);
  });

  it.each([
    {
      name: 'a prompt over the context window',
      reply: errorReply(400, 'prompt is too long: 250000 tokens > 200000 maximum', {
        type: 'invalid_request_error',
      }),
      status: 400,
      code: 'CONTEXT_TOO_LONG',
    },
    {
      name: 'an unknown model',
      reply: errorReply(404, 'model: claude-nope', { type: 'not_found_error' }),
      status: 400,
      code: 'MODEL_NOT_FOUND',
    },
    { name: "the provider's rate limit", reply: rateLimitReply(7), status: 429, code: 'RATE_LIMITED' },
    {
      name: 'an overloaded provider',
      reply: errorReply(529, 'Overloaded', { type: 'overloaded_error' }),
      status: 502,
      code: 'PROVIDER_ERROR',
    },
    {
      name: 'a rejected key',
      reply: errorReply(401, 'invalid x-api-key', { type: 'authentication_error' }),
      status: 502,
      code: 'BAD_API_KEY',
    },
  ])('maps $name to $status $code', async ({ reply, status, code }) => {
    fakes.anthropic.script(reply);
    const response = await api.call('POST', '/api/v1/llm/chat', { token, body: hello });
    expect(response.status, response.text).toBe(status);
    const error = response.body.error as { code: string; message: string };
    expect(error.code).toBe(code);
    if (code === 'RATE_LIMITED') expect(response.headers.get('retry-after')).toBe('7');
    if (code === 'BAD_API_KEY') {
      expect(error.message).toMatch(/Anthropic rejected this server's API key/);
      expect(error.message).toMatch(/ANTHROPIC_API_KEY/);
    }
  });

  it('answers 504 when the provider does not answer in time', async () => {
    fakes.openai.script(hangReply());
    const response = await api.call('POST', '/api/v1/llm/chat', {
      token,
      body: { ...hello, provider: 'openai' },
    });
    expect(response.status).toBe(504);
    expect((response.body.error as { code: string }).code).toBe('TIMEOUT');
  });
});

async function stream(body: unknown) {
  const response = await api.call('POST', '/api/v1/llm/chat/stream', { token, body });
  expect(response.status, response.text).toBe(200);
  const parsed = parseSse(response.text);
  for (const message of parsed.events) {
    // The SSE event name is the event's type, and the data is the whole StreamEvent.
    expect(StreamEventSchema.parse(message.data).type).toBe(message.event);
  }
  return { ...parsed, headers: response.headers, text: response.text };
}

describe('POST /api/v1/llm/chat/stream', () => {
  it.each(PROVIDERS)('streams text and a tool call from %s as server-sent events', async (provider) => {
    fakes[provider].script(
      toolCallReply(
        {
          name: 'query_database',
          id: 'call_1',
          input: { query: 'SELECT status, count(*) FROM orders GROUP BY 1' },
        },
        {
          text: 'Let me count them by status.',
          usage: { input_tokens: 120, output_tokens: 30 },
          stream: { textChunkSize: 6, argsChunkSize: 9 },
        },
      ),
    );
    const { events, headers } = await stream({ ...hello, provider });
    expect(headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-accel-buffering')).toBe('no');

    const types = events.map((e) => e.event);
    expect(types[0]).toBe('text');
    expect(types.at(-1)).toBe('done');
    expect(types).toContain('tool_use_start');
    expect(types).toContain('tool_use_end');
    const text = events
      .filter((e) => e.event === 'text')
      .map((e) => (e.data as { text: string }).text)
      .join('');
    expect(text).toBe('Let me count them by status.');
    expect(events.find((e) => e.event === 'tool_use_start')!.data).toEqual({
      type: 'tool_use_start',
      id: 'call_1',
      name: 'query_database',
    });
    expect(events.find((e) => e.event === 'tool_use_end')!.data).toEqual({
      type: 'tool_use_end',
      id: 'call_1',
      input: { query: 'SELECT status, count(*) FROM orders GROUP BY 1' },
    });
    expect(events.at(-1)!.data).toMatchObject({
      type: 'done',
      stop_reason: 'tool_use',
      usage: { input_tokens: 120, output_tokens: 30 },
    });
    expect(fakes[provider].chatRequests[0]!.chat.stream).toBe(true);
    if (provider !== 'ollama') {
      // Arguments arrive in pieces over the wire (Ollama sends whole calls).
      const deltas = events.filter((e) => e.event === 'tool_use_delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((e) => (e.data as { partial_json: string }).partial_json).join('')).toBe(
        JSON.stringify({ query: 'SELECT status, count(*) FROM orders GROUP BY 1' }),
      );
    }
  });

  it('ends with an error event when the provider fails mid-stream', async () => {
    fakes.anthropic.script(
      errorReply(500, 'upstream broke', { type: 'api_error', midStream: true, partialText: 'Half an ' }),
    );
    const { events } = await stream(hello);
    expect(events[0]!.data).toEqual({ type: 'text', text: 'Half an ' });
    expect(events.at(-1)!.data).toMatchObject({ type: 'error', code: 'PROVIDER_ERROR' });
    expect(events.some((e) => e.event === 'done')).toBe(false);
  });

  it("reports a rejected key as an error event that names the administrator's fix", async () => {
    fakes.anthropic.script(errorReply(401, 'invalid x-api-key', { type: 'authentication_error' }));
    const { events } = await stream(hello);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ type: 'error', code: 'BAD_API_KEY' });
    expect((events[0]!.data as { message: string }).message).toMatch(/ANTHROPIC_API_KEY/);
  });

  it('refuses bad requests with a JSON error before the stream starts', async () => {
    const response = await api.call('POST', '/api/v1/llm/chat/stream', { token, body: { messages: 'hi' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('sends keep-alive comments while the model is silent', async () => {
    fakes.anthropic.script(textReply('Thought hard.', { delayMs: 450 }));
    const { events, comments, text } = await stream(hello);
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(comments[0]).toBe(': keep-alive');
    expect(text.indexOf(': keep-alive')).toBeLessThan(text.indexOf('event: text'));
    expect(events.at(-1)!.event).toBe('done');
  });

  it('aborts the upstream call when the client disconnects (real socket)', async () => {
    fakes.anthropic.script(textReply('word '.repeat(400), { stream: { textChunkSize: 5, delayMs: 20 } }));
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/llm/chat/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(hello),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('event: text')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    expect(received).toContain('event: text');
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const index = fakes.anthropic.requests.findIndex((r) => r.kind === 'chat');
    // The fake provider sees its connection closed long before its 400 chunks (8 s) are sent.
    await fakes.anthropic.waitForClientClose(index, 5_000);
    expect(fakes.anthropic.requests[index]!.outcome).toBe('client_closed');
  });
});

it('describes the LLM routes in the OpenAPI document', async () => {
  const response = await api.call('GET', '/api/v1/openapi.json');
  const paths = response.body.paths as Record<string, Record<string, unknown>>;
  expect(Object.keys(paths['/api/v1/llm/chat']!)).toEqual(['post']);
  expect(paths['/api/v1/llm/chat/stream']).toBeDefined();
  expect(paths['/api/v1/llm/providers']).toBeDefined();
  expect(JSON.stringify(paths['/api/v1/llm/models'])).toContain('"provider"');
});

it('sends the keys to the providers but never to a caller or a log line', async () => {
  for (const provider of PROVIDERS) {
    fakes[provider].script(textReply('ok'));
    expect((await api.call('POST', '/api/v1/llm/chat', { token, body: { ...hello, provider } })).status).toBe(
      200,
    );
  }
  // However each SDK sends it (x-api-key or Authorization), it went over the wire to the provider.
  expect(JSON.stringify(fakes.anthropic.chatRequests[0]!.headers)).toContain(ANTHROPIC_KEY);
  expect(fakes.openai.chatRequests[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  expect(fakes.ollama.chatRequests[0]!.headers.authorization).toBe(`Bearer ${OLLAMA_KEY}`);

  // No answer of this whole file and no log line ever carried one.
  expect(api.seen.length).toBeGreaterThan(30);
  expect(logs.lines.some((line) => line.includes('llm chat'))).toBe(true);
  const everything = [...api.seen, ...logs.lines].join('\n');
  for (const key of KEYS) expect(everything).not.toContain(key);
});
