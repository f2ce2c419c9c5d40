import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ollamaWire } from './ollama-wire.js';
import { openAiWire } from './openai-wire.js';
import type { FakeErrorReply } from './replies.js';
import { bearerKey, jsonResponse, type WireResponse } from './wire.js';

/** Which embedding wire format a fake speaks. */
export type FakeEmbeddingProviderKind = 'openai' | 'ollama';

/** Options of {@link startFakeEmbeddingProvider}. */
export interface FakeEmbeddingProviderOptions {
  provider: FakeEmbeddingProviderKind;
  /** Vector size of the default embedding (default 64). */
  dimensions?: number;
  /** Turns one text into its vector; default {@link hashedEmbedding}. */
  embed?: (text: string, model: string) => number[];
  /** When set, requests must present this key or get the provider's 401 (which echoes the wrong key). */
  apiKey?: string;
  /** Models that exist; others get the provider's "model not found". Default: any model. */
  models?: string[];
}

/** One embedding request the fake received. */
export interface RecordedEmbeddingRequest {
  path: string;
  /** Lower-case header names, as sent. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
  model: string;
  /** The texts to embed, as a list whatever shape was sent. */
  input: string[];
}

/** A running fake embedding server on 127.0.0.1. */
export interface FakeEmbeddingProvider {
  readonly provider: FakeEmbeddingProviderKind;
  /** The base URL to configure the client with (`…/v1` for OpenAI). */
  readonly url: string;
  readonly requests: readonly RecordedEmbeddingRequest[];
  /** Answers the next requests with these errors, in order (e.g. `rateLimitReply(0)`, `errorReply(500, …)`). */
  fail(...replies: FakeErrorReply[]): FakeEmbeddingProvider;
  close(): Promise<void>;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A deterministic stand-in for a real embedding model: a normalised bag of words hashed into
 * `dimensions` buckets, so texts that share words are close and unrelated texts are not.
 */
export function hashedEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) vector[fnv1a(word) % dimensions]! += 1;
  if (words.length === 0) vector[0] = 1;
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return vector.map((v) => v / norm);
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Starts a fake embedding provider speaking OpenAI's `POST /v1/embeddings` (float and base64
 * encodings, `dimensions`, usage) or Ollama's `POST /api/embed`, with each provider's error bodies.
 * @example
 *   const fake = await startFakeEmbeddingProvider({ provider: 'ollama', dimensions: 8 });
 *   const embedder = createEmbeddingClient({ provider: 'ollama', baseUrl: fake.url, defaultModel: 'nomic-embed-text' });
 */
export async function startFakeEmbeddingProvider(
  options: FakeEmbeddingProviderOptions,
): Promise<FakeEmbeddingProvider> {
  const wire = options.provider === 'openai' ? openAiWire : ollamaWire;
  const path = options.provider === 'openai' ? '/v1/embeddings' : '/api/embed';
  const requests: RecordedEmbeddingRequest[] = [];
  const failures: FakeErrorReply[] = [];
  const embed = options.embed ?? ((text: string) => hashedEmbedding(text, options.dimensions ?? 64));

  const answer = async (request: IncomingMessage): Promise<WireResponse> => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method !== 'POST' || url.pathname !== path)
      return wire.notFound(`no route ${request.method} ${url.pathname}`);
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const model = typeof body.model === 'string' ? body.model : '';
    const input = (Array.isArray(body.input) ? body.input : [body.input]).filter(
      (t): t is string => typeof t === 'string',
    );
    requests.push({ path: url.pathname, headers, body, model, input });
    if (options.apiKey !== undefined && bearerKey(request.headers) !== options.apiKey) {
      return wire.authError(bearerKey(request.headers));
    }
    const failure = failures.shift();
    if (failure) return wire.error(failure);
    if (options.models && !options.models.includes(model)) {
      return options.provider === 'openai'
        ? wire.error({
            kind: 'error',
            status: 404,
            message: `The model \`${model}\` does not exist or you do not have access to it.`,
            code: 'model_not_found',
          })
        : jsonResponse(404, { error: `model "${model}" not found, try pulling it first` });
    }
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : undefined;
    const vectors = input.map((text) => {
      const vector = embed(text, model);
      return dimensions === undefined ? vector : vector.slice(0, dimensions);
    });
    const tokens = input.reduce((n, text) => n + (text.match(/\S+/g)?.length ?? 0), 0);
    if (options.provider === 'ollama') {
      return jsonResponse(200, {
        model,
        embeddings: vectors,
        total_duration: 1000,
        load_duration: 10,
        prompt_eval_count: tokens,
      });
    }
    const base64 = body.encoding_format === 'base64';
    return jsonResponse(200, {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64(vector) : vector,
      })),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server = createServer((request, response) => {
    answer(request)
      .then((reply) => {
        response.writeHead(reply.status, reply.headers);
        for (const chunk of reply.chunks) response.write(chunk);
        response.end();
      })
      .catch(() => {
        response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const fake: FakeEmbeddingProvider = {
    provider: options.provider,
    url: options.provider === 'openai' ? `${origin}/v1` : origin,
    requests,
    fail(...replies) {
      failures.push(...replies);
      return fake;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
