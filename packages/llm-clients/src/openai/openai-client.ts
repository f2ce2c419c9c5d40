import OpenAI from 'openai';
import { createClientRuntime, type ProviderAdapter } from '../client-runtime.js';
import { resolveOptions, type LlmClientOptions } from '../config.js';
import { isChatModelId } from '../model-filter.js';
import { fromStainlessError } from '../stainless-errors.js';
import type { LlmClient, LlmModel } from '../types.js';
import {
  fromOpenAiCompletion,
  OpenAiStreamTranslator,
  toOpenAiParams,
  type MaxTokensField,
} from './openai-mapping.js';

/** Settings of the OpenAI client; also for OpenAI-compatible servers (vLLM, LM Studio, llama.cpp, Gemini). */
export interface OpenAiClientConfig extends LlmClientOptions {
  /** Default `https://api.openai.com/v1`; for compatible servers their `/v1` root. Without apiKey no Authorization header is sent. */
  baseUrl?: string;
  /** Body field for the output limit. Default `max_completion_tokens` for api.openai.com, `max_tokens` elsewhere. */
  maxTokensField?: MaxTokensField;
  /** Ask for a usage chunk at the end of streams (`stream_options.include_usage`). Default true. */
  streamUsage?: boolean;
  /** Decides which listed models are chat models; default drops embedding, speech, image, moderation models. */
  modelFilter?: (id: string) => boolean;
}

const PROVIDER = 'openai';
const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const SDK_TIMEOUT_MS = 2 ** 31 - 1;

// Context sizes as OpenAI-compatible servers report them in /v1/models (vLLM, OpenRouter, LM Studio...).
const CONTEXT_FIELDS = ['context_window', 'context_length', 'max_model_len', 'max_context_length'] as const;

function contextWindow(model: object): number | undefined {
  for (const field of CONTEXT_FIELDS) {
    const value = (model as Record<string, unknown>)[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

/**
 * Creates an {@link LlmClient} for OpenAI Chat Completions or any OpenAI-compatible server.
 * @example
 *   const llm = createOpenAiClient({ baseUrl: 'http://127.0.0.1:8000/v1', defaultModel: 'Qwen/Qwen3-8B' });
 *   for await (const event of llm.stream({ messages: [{ role: 'user', content: 'Hi' }] })) console.log(event);
 */
export function createOpenAiClient(config: OpenAiClientConfig = {}): LlmClient {
  const options = resolveOptions(PROVIDER, config, OPENAI_BASE_URL);
  const maxTokensField =
    config.maxTokensField ??
    (new URL(options.baseUrl).host === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens');
  const streamUsage = config.streamUsage ?? true;
  const isChatModel = config.modelFilter ?? isChatModelId;
  // Every option the SDK would otherwise read from the environment is given explicitly. Local
  // servers need no key: the placeholder is never sent because the header is removed.
  const sdk = new OpenAI({
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseUrl,
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    defaultHeaders:
      options.apiKey === undefined ? { ...options.headers, Authorization: null } : options.headers,
    logLevel: 'off',
  });

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    async chat(request, signal) {
      const completion = await sdk.chat.completions.create(toOpenAiParams(request, { maxTokensField }), {
        signal,
      });
      return fromOpenAiCompletion(completion, request.model);
    },
    async *stream(request, signal) {
      const chunks = await sdk.chat.completions.create(
        {
          ...toOpenAiParams(request, { maxTokensField }),
          stream: true,
          ...(streamUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal },
      );
      const translator = new OpenAiStreamTranslator();
      for await (const chunk of chunks) yield* translator.push(chunk);
      // The SDK ends an aborted stream quietly; the runtime reports why.
      if (!signal.aborted) yield* translator.finish();
    },
    async listModels(signal) {
      const models: LlmModel[] = [];
      for await (const model of sdk.models.list({ signal })) {
        if (!isChatModel(model.id)) continue;
        const window = contextWindow(model);
        models.push(window === undefined ? { id: model.id } : { id: model.id, context_window: window });
      }
      return models;
    },
    toError: (error) => fromStainlessError(PROVIDER, error, OpenAI),
  };
  return createClientRuntime(adapter, options);
}
