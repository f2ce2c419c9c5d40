import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire } from './anthropic-wire.js';
import { ollamaWire } from './ollama-wire.js';
import { openAiWire } from './openai-wire.js';
import { errorReply, type FakeReply } from './replies.js';
import {
  jsonResponse,
  type ChatView,
  type FakeModel,
  type ProviderWire,
  type RenderContext,
  type WireResponse,
} from './wire.js';

/** Which wire format a fake speaks. */
export type FakeProviderKind = 'anthropic' | 'openai' | 'ollama';

/** One HTTP request the fake received, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/messages`. */
  path: string;
  /** Lower-case header names, as sent (including the auth header). */
  headers: Record<string, string>;
  /** The JSON body, or undefined when there was none or it was not JSON. */
  body: Record<string, unknown> | undefined;
  /** What the request was for. */
  kind: 'chat' | 'models' | 'show' | 'other';
  /** For chat requests: the request in the neutral message model. */
  chat?: ChatView;
  /** `Date.now()` when the request arrived (to check the gaps retries leave). */
  receivedAt: number;
  /** `client_closed` when the connection closed before the fake finished its answer. */
  outcome: 'pending' | 'completed' | 'client_closed';
}

/** A chat request, as a responder receives it. */
export type RecordedChatRequest = RecordedRequest & { kind: 'chat'; chat: ChatView };

/** Picks the reply to a chat request from what was sent (used once the script is used up). */
export type FakeResponder = (request: RecordedChatRequest) => FakeReply | Promise<FakeReply>;

/** Options of {@link startFakeProvider}. */
export interface FakeProviderOptions {
  provider: FakeProviderKind;
  /** Replies to chat requests, used in order. */
  replies?: FakeReply[];
  /** Decides replies once `replies` is used up. Without one, an unscripted chat gets a 418 error. */
  responder?: FakeResponder;
  /** Models the list endpoints return. Default {@link defaultFakeModels}. */
  models?: FakeModel[];
  /** When set, requests must present this key or get the provider's 401 (which echoes the wrong key). */
  apiKey?: string;
}

/** A running fake provider server on 127.0.0.1. */
export interface FakeProvider {
  readonly provider: FakeProviderKind;
  /** The base URL to configure the client with (`…/v1` for OpenAI). */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request received, including model listings. */
  readonly requests: readonly RecordedRequest[];
  /** The chat requests only. */
  readonly chatRequests: readonly RecordedChatRequest[];
  /** Scripted replies not used yet. */
  readonly pendingReplies: number;
  /** Appends replies to the script. */
  script(...replies: FakeReply[]): FakeProvider;
  /** Sets (or clears) the responder used when the script is empty. */
  respond(responder: FakeResponder | undefined): FakeProvider;
  /** Resolves once this many requests have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once request `index` (in `requests`) ended with the client closing the connection. */
  waitForClientClose(index: number, timeoutMs?: number): Promise<void>;
  /** Forgets recorded requests and scripted replies. */
  reset(): void;
  /** Stops the server, cutting open connections (hanging replies included). */
  close(): Promise<void>;
}

const WIRES: Record<FakeProviderKind, ProviderWire> = {
  anthropic: anthropicWire,
  openai: openAiWire,
  ollama: ollamaWire,
};

/** The models a fake lists by default: chat models with and without a context window, and non-chat models. */
export function defaultFakeModels(provider: FakeProviderKind): FakeModel[] {
  switch (provider) {
    case 'anthropic':
      return [
        { id: 'claude-sonnet-4-5', context_window: 200_000 },
        { id: 'claude-haiku-4-5', context_window: 200_000 },
        { id: 'claude-2.1', context_window: 200_000, chat: false },
      ];
    case 'openai':
      return [
        { id: 'gpt-4o', context_window: 128_000 },
        { id: 'gpt-4o-mini' },
        { id: 'o3-mini' },
        { id: 'text-embedding-3-small', chat: false },
        { id: 'whisper-1', chat: false },
        { id: 'tts-1', chat: false },
        { id: 'dall-e-3', chat: false },
        { id: 'gpt-image-1', chat: false },
        { id: 'omni-moderation-latest', chat: false },
        { id: 'gpt-4o-realtime-preview', chat: false },
      ];
    case 'ollama':
      return [
        { id: 'llama3.2:latest', context_window: 131_072 },
        { id: 'qwen3:8b', context_window: 40_960 },
        { id: 'nomic-embed-text:latest', chat: false },
        { id: 'all-minilm:latest', chat: false },
      ];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function write(
  res: ServerResponse,
  response: WireResponse,
  delayMs = 0,
  hangAfterChunks?: number,
): Promise<void> {
  res.writeHead(response.status, response.headers);
  res.flushHeaders();
  for (const [i, chunk] of response.chunks.entries()) {
    // Stop writing but keep the connection open, as a stalled provider does.
    if (hangAfterChunks !== undefined && i >= hangAfterChunks) return;
    if (i > 0 && delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    res.write(chunk);
  }
  res.end();
}

/**
 * Starts a fake LLM provider on 127.0.0.1 that speaks the provider's real HTTP wire format.
 * @example
 *   const fake = await startFakeProvider({ provider: 'openai' });
 *   fake.script(textReply('Hello!'));
 *   const llm = createOpenAiClient({ baseUrl: fake.url, apiKey: 'sk-test', defaultModel: 'gpt-4o' });
 */
export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  const { provider } = options;
  const wire = WIRES[provider];
  const models = options.models ?? defaultFakeModels(provider);
  let queue = [...(options.replies ?? [])];
  let responder = options.responder;
  let requests: RecordedRequest[] = [];
  let ids = 0;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  async function reply(
    res: ServerResponse,
    req: IncomingMessage,
    record: RecordedChatRequest,
    answer: FakeReply,
  ) {
    const ctx = (model?: string): RenderContext => ({
      model: model ?? (record.chat.model || 'fake-model'),
      body: record.body ?? {},
      nextId: (prefix: string) => `${prefix}${++ids}`,
    });
    switch (answer.kind) {
      case 'hang':
        return;
      case 'disconnect':
        req.socket.destroy();
        return;
      case 'raw':
        return write(
          res,
          { status: answer.status ?? 200, headers: answer.headers ?? {}, chunks: answer.chunks },
          answer.delayMs,
        );
      case 'error':
        if (answer.midStream && record.chat.stream) {
          return write(res, {
            status: 200,
            headers: { 'content-type': wire.streamContentType },
            chunks: [...wire.streamPrefix(answer.partialText ?? '', ctx()), wire.streamError(answer)],
          });
        }
        return write(res, wire.error(answer));
      case 'message': {
        if (answer.delayMs) await sleep(answer.delayMs);
        const context = ctx(answer.model);
        if (!record.chat.stream) return write(res, jsonResponse(200, wire.json(answer, context)));
        return write(
          res,
          wire.stream(answer, context),
          answer.stream?.delayMs,
          answer.stream?.hangAfterChunks,
        );
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const receivedAt = Date.now();
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const route = wire.route(method, path);
    const record: RecordedRequest = {
      method,
      path,
      headers,
      body: parseJson(raw),
      kind: route ?? 'other',
      receivedAt,
      outcome: 'pending',
    };
    requests.push(record);
    res.on('close', () => {
      record.outcome = res.writableFinished ? 'completed' : 'client_closed';
      notify();
    });
    notify();

    if (options.apiKey !== undefined && route) {
      const presented = wire.presentedKey(req.headers);
      if (presented !== options.apiKey) return write(res, wire.authError(presented));
    }
    switch (route) {
      case undefined:
        return write(res, wire.notFound(`fake ${provider}: no route for ${method} ${path}`));
      case 'models':
        return write(res, jsonResponse(200, wire.models(models)));
      case 'show':
        return write(res, wire.show!(models, record.body ?? {}));
      case 'chat':
        break;
    }
    if (!record.body)
      return write(
        res,
        wire.error(errorReply(400, `fake ${provider}: the request body is not a JSON object.`)),
      );
    record.chat = wire.decode(record.body);
    const chatRecord = record as RecordedChatRequest;
    let answer = queue.shift();
    if (!answer && responder) {
      try {
        answer = await responder(chatRecord);
      } catch (error) {
        answer = errorReply(
          418,
          `fake ${provider}: the responder threw: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    // 418 is not retried, so a missing script fails the test at once and says why.
    answer ??= errorReply(
      418,
      `fake ${provider}: no scripted reply left for chat request #${requests.filter((r) => r.kind === 'chat').length}.`,
    );
    return reply(res, req, chatRecord, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake ${provider} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`fake ${provider}: timed out after ${timeoutMs} ms waiting for ${what}.`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const fake: FakeProvider = {
    provider,
    url: origin + wire.basePath,
    origin,
    get requests() {
      return requests;
    },
    get chatRequests() {
      return requests.filter((r): r is RecordedChatRequest => r.kind === 'chat' && r.chat !== undefined);
    },
    get pendingReplies() {
      return queue.length;
    },
    script(...replies) {
      queue.push(...replies);
      return fake;
    },
    respond(next) {
      responder = next;
      return fake;
    },
    waitForRequests: (count, timeoutMs = 5000) =>
      waitFor(() => requests.length >= count, timeoutMs, `${count} request(s)`),
    waitForClientClose: (index, timeoutMs = 5000) =>
      waitFor(
        () => requests[index]?.outcome === 'client_closed',
        timeoutMs,
        `the client to close request #${index}`,
      ),
    reset() {
      requests = [];
      queue = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return fake;
}
