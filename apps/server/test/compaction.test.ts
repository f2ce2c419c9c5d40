import { CompactionAnalyticsSchema, CompactResponseSchema, type Message } from '@pgmcp/api-contract';
import { errorReply, type FakeProvider, startFakeProvider, textReply } from '@pgmcp/llm-clients/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';
import { type RestClient, restClient } from './rest-helpers.js';

// POST /api/v1/chat/compact and GET /api/v1/chat/analytics on the real server (auth on), backed by
// one long-lived compactor whose LLM summaries go to a fake Anthropic server.

const ADMIN_PASSWORD = 'admin password for tests';
let fake: FakeProvider;
let server: RunningServer;
let api: RestClient;
let token: string;

beforeAll(async () => {
  fake = await startFakeProvider({ provider: 'anthropic' });
  server = await startTestServer(
    {
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_DATABASE_URL: NO_DATABASE_URL,
      ANTHROPIC_API_KEY: 'sk-ant-api03-compaction-test-key',
      PGMCP_ANTHROPIC_BASE_URL: fake.url,
    },
    {
      yaml: `auth:
  bcrypt_cost: 4
llm:
  providers:
    anthropic: { max_retries: 0 }
compaction:
  summary_model: claude-haiku-4-5
`,
    },
  );
  api = restClient(server);
  token = await api.login('admin', ADMIN_PASSWORD);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

/** A database conversation long enough to need compaction: questions, tool calls with results, answers. */
function conversation(turns: number, topic = 'orders'): Message[] {
  const messages: Message[] = [
    { role: 'user', content: `I need a report on ${topic} per region for the last quarter.` },
  ];
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `Step ${i}: let me look at the ${topic} data.` },
        {
          type: 'tool_use',
          id: `call_${i}`,
          name: 'query_database',
          input: { query: `SELECT region, count(*) FROM ${topic} WHERE batch = ${i} GROUP BY region` },
        },
      ],
    });
    messages.push({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: `call_${i}`,
          content: `region\tcount\n${['north', 'south', 'east', 'west'].map((r, k) => `${r}\t${100 * i + k}`).join('\n')}`,
        },
      ],
    });
    messages.push({
      role: 'assistant',
      content: `Batch ${i} of ${topic}: the north region leads with ${100 * i} rows, followed by south and east; west trails slightly. This matches the pattern of the earlier batches.`,
    });
    messages.push({ role: 'user', content: `ok, continue with batch ${i + 1}` });
  }
  return messages;
}

async function compact(body: unknown, as = token) {
  return api.call('POST', '/api/v1/chat/compact', { token: as, body });
}

function errorOf(response: { body: Record<string, unknown> }) {
  return response.body.error as { code: string; message: string };
}

it('refuses callers who are not logged in', async () => {
  expect(
    (await api.call('POST', '/api/v1/chat/compact', { body: { messages: conversation(1) } })).status,
  ).toBe(401);
  expect((await api.call('GET', '/api/v1/chat/analytics')).status).toBe(401);
});

describe('validation', () => {
  it.each([
    ['no messages field', {}, /messages/],
    ['an empty conversation', { messages: [] }, /messages: give at least one message/],
    ['a bad role', { messages: [{ role: 'system', content: 'x' }] }, /messages\.0\.role/],
    [
      'a block without its fields',
      { messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'q' }] }] },
      // Inside the content union, the field the block lacks is named.
      /messages\.0\.content\.0\.id/,
    ],
    ['a zero budget', { messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, /max_tokens/],
    ['a negative window', { messages: [{ role: 'user', content: 'x' }], recent_window: -1 }, /recent_window/],
    [
      'an unknown counter',
      { messages: [{ role: 'user', content: 'x' }], options: { token_counter_type: 'gpt' } },
      /options\.token_counter_type/,
    ],
    [
      'an unknown option',
      { messages: [{ role: 'user', content: 'x' }], options: { summarise: true } },
      /options: unknown field "summarise"/,
    ],
    ['an unknown field', { messages: [{ role: 'user', content: 'x' }], budget: 5 }, /unknown field "budget"/],
  ])('answers 400 naming the field for %s', async (_name, body, message) => {
    const response = await compact(body);
    expect(response.status, response.text).toBe(400);
    expect(errorOf(response).code).toBe('BAD_REQUEST');
    expect(errorOf(response).message).toMatch(message);
  });

  it('answers 400 for a body that is not JSON and 415 for one that is not sent as JSON', async () => {
    const broken = await api.call('POST', '/api/v1/chat/compact', { token, rawBody: '{"messages": [' });
    expect(broken.status).toBe(400);
    expect(errorOf(broken).code).toBe('INVALID_JSON');
    const text = await api.call('POST', '/api/v1/chat/compact', {
      token,
      rawBody: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });
});

describe('compaction', () => {
  it('returns a conversation under budget unchanged', async () => {
    const messages = conversation(1);
    const response = await compact({ messages, options: { enable_caching: false } });
    expect(response.status).toBe(200);
    const result = CompactResponseSchema.parse(response.body);
    expect(result.messages).toEqual(messages);
    expect(result.summary).toBeNull();
    expect(result.compaction_info).toMatchObject({ original_count: 5, compacted_count: 5, dropped_count: 0 });
  });

  it('fits a long conversation into the budget, keeping the first message, the recent turns and a summary', async () => {
    const messages = conversation(12);
    const response = await compact({ messages, max_tokens: 1200, recent_window: 4 });
    expect(response.status, response.text).toBe(200);
    const result = CompactResponseSchema.parse(response.body);
    expect(result.cache_hit).toBe(false);
    expect(result.fits_budget).toBe(true);
    expect(result.token_estimate).toBeLessThanOrEqual(1200);
    // The summary is its own turn or, when roles would repeat, rides along with the first message.
    expect(JSON.stringify(result.messages[0])).toContain(messages[0]!.content as string);
    expect(result.messages.slice(-4)).toEqual(messages.slice(-4));
    expect(result.summary?.method).toBe('heuristic');
    expect(result.summary?.tools.join(' ')).toContain('query_database');
    const info = result.compaction_info;
    expect(info.original_count).toBe(messages.length);
    expect(info.dropped_count).toBeGreaterThan(0);
    expect(info.compacted_count).toBe(result.messages.length);
    expect(info.tokens_saved).toBe(info.original_tokens - result.token_estimate);
    expect(info.compression_ratio).toBeCloseTo(result.token_estimate / info.original_tokens, 3);
    // Tool calls and their results are kept or dropped together.
    const blocks = result.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content));
    const calls = blocks.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    const results = blocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []));
    expect(calls.length).toBeGreaterThan(0);
    expect(results).toEqual(calls);
  });

  it('serves the second identical request from the cache of the one long-lived compactor', async () => {
    const body = { messages: conversation(10, 'payments'), max_tokens: 1000, recent_window: 2 };
    const before = CompactionAnalyticsSchema.parse(
      (await api.call('GET', '/api/v1/chat/analytics', { token })).body,
    );
    const first = await compact(body);
    // Another user's identical request hits the same cache: entries are keyed by content, not by caller.
    const other = await api.createUser(token, 'cacheuser');
    const second = await compact(body, other.token);
    expect(first.body.cache_hit).toBe(false);
    expect(second.body.cache_hit).toBe(true);
    expect({ ...second.body, cache_hit: false }).toEqual(first.body);
    const after = CompactionAnalyticsSchema.parse(
      (await api.call('GET', '/api/v1/chat/analytics', { token })).body,
    );
    expect(after.cache.hits).toBe(before.cache.hits + 1);
    expect(after.cache.misses).toBe(before.cache.misses + 1);
    expect(after.compactions).toBe(before.compactions + 2);

    // A changed setting is a different entry.
    const third = await compact({ ...body, max_tokens: 1100 });
    expect(third.body.cache_hit).toBe(false);
  });

  it('has the default provider write the summary when asked, through the summary model', async () => {
    fake.script(textReply('The user reviewed customer counts per region in 10 batches; north leads.'));
    const response = await compact({
      messages: conversation(10, 'customers'),
      max_tokens: 1200,
      recent_window: 4,
      options: { enable_llm_summarization: true },
    });
    expect(response.status, response.text).toBe(200);
    const result = CompactResponseSchema.parse(response.body);
    expect(result.summary?.method).toBe('llm');
    expect(result.summary?.text).toContain('The user reviewed customer counts per region in 10 batches');
    expect(fake.chatRequests).toHaveLength(1);
    expect(fake.chatRequests[0]!.chat.model).toBe('claude-haiku-4-5');
    expect(JSON.stringify(fake.chatRequests[0]!.chat.messages)).toContain('customers');
  });

  it('falls back to the heuristic summary when the provider fails', async () => {
    fake.script(errorReply(500, 'upstream down', { type: 'api_error' }));
    const response = await compact({
      messages: conversation(10, 'invoices'),
      max_tokens: 1200,
      options: { enable_llm_summarization: true },
    });
    expect(response.status).toBe(200);
    const result = CompactResponseSchema.parse(response.body);
    expect(result.summary?.method).toBe('heuristic');
    expect(result.summary?.fallback_reason).toBeTruthy();
  });
});

it('reports analytics, leaving out requests that opt out', async () => {
  const before = CompactionAnalyticsSchema.parse(
    (await api.call('GET', '/api/v1/chat/analytics', { token })).body,
  );
  await compact({
    messages: conversation(8, 'shipments'),
    max_tokens: 900,
    options: { enable_analytics: false },
  });
  await compact({ messages: conversation(8, 'returns'), max_tokens: 900 });
  const response = await api.call('GET', '/api/v1/chat/analytics', { token });
  expect(response.status).toBe(200);
  const after = CompactionAnalyticsSchema.parse(response.body);
  expect(after.compactions).toBe(before.compactions + 1);
  expect(after.messages_in).toBe(before.messages_in + conversation(8).length);
  expect(after.tokens_saved).toBeGreaterThan(before.tokens_saved);
  expect(after.llm_summaries.used).toBe(1);
  expect(after.llm_summaries.fallbacks).toBe(1);
  expect(after.last_compaction_at).toBeGreaterThan(Date.now() - 60_000);
});

it('describes the compaction routes in the OpenAPI document', async () => {
  const paths = (await api.call('GET', '/api/v1/openapi.json')).body.paths as Record<string, unknown>;
  expect(JSON.stringify(paths['/api/v1/chat/compact'])).toContain('recent_window');
  expect(paths['/api/v1/chat/analytics']).toBeDefined();
});
