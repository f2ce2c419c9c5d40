import {
  createEmbeddingClient,
  type EmbeddingProvider,
  isLlmClientError,
  type LlmClientError,
} from '@pgmcp/llm-clients';
import {
  errorReply,
  type FakeEmbeddingProvider,
  hashedEmbedding,
  rateLimitReply,
  startFakeEmbeddingProvider,
} from '@pgmcp/llm-clients/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, deadUrl } from './helpers.js';

const fakes: FakeEmbeddingProvider[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(provider: EmbeddingProvider, options: { apiKey?: string; models?: string[] } = {}) {
  const started = await startFakeEmbeddingProvider({ provider, dimensions: 16, ...options });
  fakes.push(started);
  return started;
}

function embedderFor(f: FakeEmbeddingProvider, options: Record<string, unknown> = {}) {
  return createEmbeddingClient({
    provider: f.provider,
    baseUrl: f.url,
    apiKey: API_KEY,
    defaultModel: 'embed-model',
    retryBaseDelayMs: 5,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<LlmClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLlmClientError(error)) throw new Error(`expected an LlmClientError, got ${String(error)}`);
  return error;
}

describe.each(['openai', 'ollama'] as const)('embeddings through the official %s SDK', (provider) => {
  it('returns one vector per text, in order, from the real wire format', async () => {
    const f = await fake(provider, { apiKey: API_KEY });
    const result = await embedderFor(f).embed({ input: ['red running shoes', 'blue kettle'] });
    expect(result.embeddings).toEqual([
      hashedEmbedding('red running shoes', 16),
      hashedEmbedding('blue kettle', 16),
    ]);
    expect(result.model).toBe('embed-model');
    expect(result.usage).toEqual({ input_tokens: 5 });
    expect(f.requests[0]).toMatchObject({
      model: 'embed-model',
      input: ['red running shoes', 'blue kettle'],
    });
    expect(f.requests[0]!.path).toBe(provider === 'openai' ? '/v1/embeddings' : '/api/embed');
    expect(f.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    if (provider === 'openai') expect(f.requests[0]!.body.encoding_format).toBe('float');
  });

  it('passes dimensions and a per-call model', async () => {
    const f = await fake(provider);
    const result = await embedderFor(f).embed({ input: ['x y'], model: 'other', dimensions: 4 });
    expect(result.embeddings[0]).toHaveLength(4);
    expect(f.requests[0]!.body).toMatchObject({ model: 'other', dimensions: 4 });
  });

  it('sends no Authorization header without a key', async () => {
    const f = await fake(provider);
    await embedderFor(f, { apiKey: undefined }).embed({ input: ['a'] });
    expect(f.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('retries a rate limit and a server error, then succeeds', async () => {
    const f = await fake(provider);
    f.fail(rateLimitReply(0), errorReply(503, 'overloaded'));
    const result = await embedderFor(f).embed({ input: ['a'] });
    expect(result.embeddings).toHaveLength(1);
    expect(f.requests).toHaveLength(3);
  });

  it('reports a wrong key without ever showing it', async () => {
    const f = await fake(provider, { apiKey: 'sk-the-right-key-123456' });
    const error = await failure(embedderFor(f).embed({ input: ['a'] }));
    expect(error.code).toBe('BAD_API_KEY');
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('names a missing model', async () => {
    const f = await fake(provider, { models: ['nomic-embed-text'] });
    const error = await failure(embedderFor(f).embed({ input: ['a'] }));
    expect(error.code).toBe('MODEL_NOT_FOUND');
  });

  it('refuses calls without a model or without input, before any request', async () => {
    const f = await fake(provider);
    expect((await failure(embedderFor(f, { defaultModel: undefined }).embed({ input: ['a'] }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await failure(embedderFor(f).embed({ input: [] }))).code).toBe('BAD_REQUEST');
    expect(f.requests).toHaveLength(0);
  });

  it('reports an unreachable server and a cancelled call', async () => {
    const unreachable = createEmbeddingClient({
      provider,
      baseUrl: await deadUrl(),
      defaultModel: 'm',
      maxRetries: 0,
    });
    expect((await failure(unreachable.embed({ input: ['a'] }))).code).toBe('PROVIDER_UNREACHABLE');
    const f = await fake(provider);
    const controller = new AbortController();
    controller.abort();
    expect((await failure(embedderFor(f).embed({ input: ['a'], signal: controller.signal }))).code).toBe(
      'CANCELLED',
    );
  });
});

describe('createEmbeddingClient', () => {
  it('rejects an unknown provider with the valid ones', () => {
    expect(() => createEmbeddingClient({ provider: 'anthropic' } as never)).toThrow(
      /expected "openai".*or "ollama"/,
    );
  });

  it('decodes base64 embeddings the way the OpenAI wire sends them', async () => {
    const f = await fake('openai');
    const response = await fetch(`${f.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'a b', encoding_format: 'base64' }),
    });
    const body = (await response.json()) as { data: { embedding: string }[] };
    const decoded = Array.from(
      new Float32Array(Uint8Array.from(Buffer.from(body.data[0]!.embedding, 'base64')).buffer),
    );
    expect(decoded.map((v) => Math.round(v * 1e5))).toEqual(
      hashedEmbedding('a b', 16).map((v) => Math.round(v * 1e5)),
    );
  });
});

describe('hashedEmbedding', () => {
  it('puts texts that share words closer than unrelated ones', () => {
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const shoes = hashedEmbedding('comfortable running shoes', 64);
    expect(cos(shoes, hashedEmbedding('running shoes for trails', 64))).toBeGreaterThan(
      cos(shoes, hashedEmbedding('cast iron kettle', 64)),
    );
  });
});
