import { Ollama, type ShowResponse } from 'ollama';
import { classifyFailure } from '../classify-failure.js';
import { createClientRuntime, type ProviderAdapter } from '../client-runtime.js';
import { resolveOptions, type LlmClientOptions } from '../config.js';
import { LlmClientError } from '../errors.js';
import { isChatModelId } from '../model-filter.js';
import type { LlmClient, LlmModel } from '../types.js';
import { fromOllamaResponse, OllamaStreamTranslator, toOllamaRequest } from './ollama-mapping.js';

/** Settings of the Ollama client (/api/chat). */
export interface OllamaClientConfig extends LlmClientOptions {
  /** Default `http://127.0.0.1:11434`. An apiKey, if given, is sent as a Bearer token (ollama.com, proxies). */
  baseUrl?: string;
  /** How long Ollama keeps the model loaded after a call (`keep_alive`, e.g. "10m" or seconds). */
  keepAlive?: string | number;
  /** Context size to run the model with (`options.num_ctx`); Ollama's own default when omitted. */
  numCtx?: number;
}

const PROVIDER = 'ollama';
const SHOW_CONCURRENCY = 4;

/** The context size Ollama will use: an explicit num_ctx parameter, else the model's trained length. */
function contextWindow(show: ShowResponse): number | undefined {
  const numCtx = /^num_ctx\s+(\d+)/m.exec(show.parameters ?? '');
  if (numCtx) return Number(numCtx[1]);
  for (const [key, value] of Object.entries(show.model_info ?? {})) {
    if (key.endsWith('.context_length') && typeof value === 'number' && value > 0) return value;
  }
  return undefined;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * The SDK's own HTTP error drops the response headers (and so `retry-after`); failing here,
 * inside its fetch, keeps them.
 */
async function checkedFetch(input: string | URL | Request, init: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // Not JSON: keep the text.
  }
  throw classifyFailure({ provider: PROVIDER, status: response.status, message, headers: response.headers });
}

/** The SDK turns an `{"error": ...}` line in the stream into a plain Error; give it a code. */
function midStreamError(error: unknown): unknown {
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  if (error.message.startsWith('Did not receive done')) {
    return new LlmClientError(
      'BAD_RESPONSE',
      `${PROVIDER}: the stream ended before the message was complete.`,
      {
        provider: PROVIDER,
      },
    );
  }
  return classifyFailure({ provider: PROVIDER, status: 500, message: error.message });
}

/**
 * Creates an {@link LlmClient} for an Ollama server.
 * @example
 *   const llm = createOllamaClient({ baseUrl: 'http://127.0.0.1:11434', defaultModel: 'llama3.2' });
 *   const { content } = await llm.chat({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createOllamaClient(config: OllamaClientConfig = {}): LlmClient {
  const options = resolveOptions(PROVIDER, config, 'http://127.0.0.1:11434');
  // Without a key the SDK would read OLLAMA_API_KEY from the environment for ollama.com.
  if (options.apiKey === undefined && new URL(options.baseUrl).hostname === 'ollama.com') {
    throw new LlmClientError('BAD_CONFIG', `${PROVIDER} client: apiKey is required for ollama.com.`, {
      provider: PROVIDER,
    });
  }
  const headers = {
    ...options.headers,
    ...(options.apiKey === undefined ? {} : { Authorization: `Bearer ${options.apiKey}` }),
  };
  // The SDK takes no per-request signal, so each call gets an instance whose fetch carries ours.
  const sdkFor = (signal: AbortSignal) =>
    new Ollama({
      host: options.baseUrl,
      headers,
      fetch: (input, init) =>
        checkedFetch(input, {
          ...init,
          signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
        }),
    });
  const requestOptions = { keepAlive: config.keepAlive, numCtx: config.numCtx };

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    async chat(request, signal) {
      const response = await sdkFor(signal).chat({
        ...toOllamaRequest(request, requestOptions),
        stream: false,
      });
      return fromOllamaResponse(response, request.model);
    },
    async *stream(request, signal) {
      const chunks = await sdkFor(signal).chat({ ...toOllamaRequest(request, requestOptions), stream: true });
      const translator = new OllamaStreamTranslator();
      try {
        for await (const chunk of chunks) {
          for (const event of translator.push(chunk)) {
            yield event;
            if (event.type === 'done') return;
          }
        }
      } catch (error) {
        throw midStreamError(error);
      }
    },
    async listModels(signal) {
      const sdk = sdkFor(signal);
      const { models } = await sdk.list();
      const described = await mapLimited(
        models,
        SHOW_CONCURRENCY,
        async (model): Promise<LlmModel | undefined> => {
          const show = await sdk.show({ model: model.name });
          // Servers that predate `capabilities` get the name-based filter.
          const chat = Array.isArray(show.capabilities)
            ? show.capabilities.includes('completion')
            : isChatModelId(model.name);
          if (!chat) return undefined;
          const window = contextWindow(show);
          return window === undefined ? { id: model.name } : { id: model.name, context_window: window };
        },
      );
      return described.filter((m): m is LlmModel => m !== undefined);
    },
    // HTTP errors are typed in checkedFetch; everything else is the runtime's to classify.
    toError: () => undefined,
  };
  return createClientRuntime(adapter, options);
}
