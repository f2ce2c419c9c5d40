import type { Client } from '@modelcontextprotocol/client';
import { createEmbeddingClient } from '@pgmcp/llm-clients';
import {
  type FakeEmbeddingProvider,
  hashedEmbedding,
  startFakeEmbeddingProvider,
} from '@pgmcp/llm-clients/testing';
import { type PgliteServer, startPgliteServer } from '@pgmcp/pglite-server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbaHarness, dbaHarness, text } from './harness.js';

const DIMS = 16;
let server: PgliteServer;
let fake: FakeEmbeddingProvider;
let harness: DbaHarness;
let bare: DbaHarness;
let client: Client;
let bareClient: Client;

// Two identical rows (ids 1 and 2) test diversification; the rest spread over topics.
const DOCS: [number, string, string][] = [
  [1, 'Trail running shoes', 'Grippy trail running shoes for muddy mountain paths'],
  [2, 'Trail running shoes', 'Grippy trail running shoes for muddy mountain paths'],
  [3, 'Road running shoes', 'Light cushioned shoes for marathon running on asphalt'],
  [4, 'Cast iron kettle', 'A heavy kettle that keeps tea hot for hours'],
  [5, 'Hiking boots', 'Waterproof leather boots for long hikes in the mountains'],
  [6, 'Espresso machine', 'Pressure pump espresso maker with milk frother'],
  [7, 'Rain jacket', 'Waterproof breathable jacket for hiking in the rain'],
  [8, 'Yoga mat', 'Thick non-slip mat for yoga and stretching at home'],
];

interface Found {
  results: {
    rank: number;
    key: { id: number };
    score: number;
    vector_similarity: number | null;
    keyword_score: number;
    columns: Record<string, string>;
  }[];
  keywords: string[];
  omitted: number;
  table: string;
  vector_column: string;
  text_columns: string[];
  metric: string;
}

beforeAll(async () => {
  server = await startPgliteServer({
    setupSql: `
      CREATE TABLE public.products (id int PRIMARY KEY, title text NOT NULL, body text, sku varchar(20), embedding vector(${DIMS}));
      CREATE TABLE public.images (id int PRIMARY KEY, caption text, features vector(4));
      CREATE TABLE public.notes (id int PRIMARY KEY, body text);`,
  });
  const loader = new pg.Client({ connectionString: server.url });
  await loader.connect();
  try {
    for (const [id, title, body] of DOCS) {
      await loader.query(
        'INSERT INTO public.products (id, title, body, sku, embedding) VALUES ($1, $2, $3, $4, $5::vector)',
        [id, title, body, `SKU-${id}`, `[${hashedEmbedding(`${title} ${body}`, DIMS).join(',')}]`],
      );
    }
  } finally {
    await loader.end();
  }
  fake = await startFakeEmbeddingProvider({ provider: 'openai', dimensions: DIMS });
  const embeddings = createEmbeddingClient({
    provider: 'openai',
    baseUrl: fake.url,
    defaultModel: 'fake-embed',
  });
  // PGlite is one backend: one connection per pool, one call at a time.
  harness = dbaHarness([{ name: 'vectors', url: server.url, pool: { max: 1 } }], { embeddings });
  bare = dbaHarness([{ name: 'vectors', url: server.url, pool: { max: 1 } }]);
  client = await harness.client();
  bareClient = await bare.client();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await bare?.close();
  await fake?.close();
  await server?.stop();
});

async function search(
  args: Record<string, unknown>,
  via: Client = client,
): Promise<Found & { text: string }> {
  const result = await (via === client ? harness : bare).call(via, 'similarity_search', args);
  expect(result.isError, text(result)).toBeFalsy();
  return { ...(result.structuredContent as unknown as Found), text: text(result) };
}

const ids = (found: Found) => found.results.map((r) => r.key.id);

describe('similarity_search on a real PostgreSQL with pgvector (PGlite over the wire)', () => {
  it('ranks by meaning and keywords, with the vector and text columns found automatically', async () => {
    const found = await search({
      table: 'products',
      query: 'waterproof hiking boots',
      limit: 3,
      diversity: 0,
    });
    expect(found).toMatchObject({
      table: 'public.products',
      vector_column: 'embedding',
      text_columns: ['title', 'body', 'sku'],
      metric: 'cosine',
      keywords: ['boot', 'hike', 'waterproof'],
    });
    expect(ids(found)[0]).toBe(5);
    expect(ids(found)).toContain(7);
    const top = found.results[0]!;
    expect(top.vector_similarity).toBeGreaterThan(0.3);
    expect(top.keyword_score).toBeGreaterThan(0);
    expect(top.columns.title).toBe('Hiking boots');
    expect(found.text).toMatch(
      /^3 rows of public\.products for "waterproof hiking boots" \(vector public\.products\.embedding, cosine via openai\/fake-embed/,
    );
    expect(fake.requests.at(-1)).toMatchObject({ model: 'fake-embed', input: ['waterproof hiking boots'] });
  });

  it('diversifies near-duplicates away with maximal marginal relevance', async () => {
    const plain = await search({ table: 'products', query: 'trail running shoes', limit: 3, diversity: 0 });
    expect(ids(plain).slice(0, 2).sort()).toEqual([1, 2]);
    expect(ids(plain)[2]).toBe(3);
    // Past 0.5 a copy of a chosen row scores below anything else: it is never picked again.
    const diverse = await search({
      table: 'products',
      query: 'trail running shoes',
      limit: 3,
      diversity: 0.6,
    });
    expect([1, 2]).toContain(ids(diverse)[0]);
    expect(ids(diverse).filter((id) => id === 1 || id === 2)).toHaveLength(1);
  });

  it('searches by keywords alone without an embedding provider', async () => {
    const found = await search({ table: 'products', query: 'espresso', vector_weight: 0 }, bareClient);
    expect(ids(found)).toEqual([6]);
    expect(found.results[0]!.vector_similarity).toBeNull();
  });

  it('takes a ready query vector', async () => {
    const found = await search(
      {
        table: 'products',
        query: 'kettle',
        query_vector: hashedEmbedding('Cast iron kettle A heavy kettle that keeps tea hot for hours', DIMS),
      },
      bareClient,
    );
    expect(ids(found)[0]).toBe(4);
    expect(found.results[0]!.vector_similarity).toBeCloseTo(1, 5);
  });

  it('keeps the output within the token budget and says what it left out', async () => {
    const found = await search({
      table: 'products',
      query: 'shoes boots kettle mat jacket',
      limit: 8,
      max_tokens: 100,
      diversity: 0,
    });
    expect(found.omitted).toBeGreaterThan(0);
    expect(found.results.length + found.omitted).toBe(8);
    expect(found.text).toMatch(/more results left out to stay within max_tokens 100/);
    expect(found.text.length).toBeLessThan(100 * 4 + 400);
  });
});

describe('similarity_search refuses bad input with what is valid', () => {
  it.each([
    [
      { query: 'boots' },
      /Several tables have vector columns; pass table.*public\.images \(features vector\(4\)\).*public\.products \(embedding vector\(16\)\)/,
    ],
    [
      { table: 'notes', query: 'boots' },
      /notes has no vector \(pgvector\) column, or does not exist\. Tables with vector columns: .*public\.products/,
    ],
    [
      { table: 'products', query: 'boots', text_columns: ['colour'] },
      /no text column "colour"; its text columns: title, body, sku/,
    ],
    [
      { table: 'products', query: 'boots', query_vector: [1, 0, 0] },
      /The query vector has 3 dimensions but public\.products\.embedding holds 16/,
    ],
    [
      { table: 'images', query: 'boots' },
      /The query vector has 16 dimensions but public\.images\.features holds 4: the configured model \(openai\/fake-embed\)/,
    ],
    [{ table: 'products', query: 'the and of', vector_weight: 0 }, /no searchable words/],
  ])('%j', async (args, message) => {
    const result = await harness.call(client, 'similarity_search', args);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
  });

  it('says that no provider is configured and what works meanwhile', async () => {
    const result = await bare.call(bareClient, 'similarity_search', { table: 'products', query: 'boots' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/No embedding provider is configured.*query_vector.*vector_weight 0/);
  });
});

describe('generate_embedding', () => {
  it('embeds text with the configured model, in pgvector’s text form', async () => {
    const result = await harness.call(client, 'generate_embedding', { text: 'red kettle' });
    expect(result.isError).toBeFalsy();
    const expected = hashedEmbedding('red kettle', DIMS);
    expect(result.structuredContent).toMatchObject({
      provider: 'openai',
      model: 'fake-embed',
      dimensions: DIMS,
      embedding: expected,
    });
    expect(text(result)).toContain(`[${expected.join(',')}]`);
  });

  it('fails with a clear message without a provider, or when the provider fails', async () => {
    const none = await bare.call(bareClient, 'generate_embedding', { text: 'x' });
    expect(none.isError).toBe(true);
    expect(text(none)).toMatch(/No embedding provider is configured/);
    fake.fail({ kind: 'error', status: 400, message: 'input too long for this model' });
    const failed = await harness.call(client, 'generate_embedding', { text: 'x' });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toMatch(/The embedding provider \(openai\) failed: .*input too long for this model/);
  });
});
