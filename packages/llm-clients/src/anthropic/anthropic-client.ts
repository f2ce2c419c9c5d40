import Anthropic from '@anthropic-ai/sdk';
import { createClientRuntime, type ProviderAdapter } from '../client-runtime.js';
import { resolveOptions, type LlmClientOptions } from '../config.js';
import { LlmClientError } from '../errors.js';
import { fromStainlessError } from '../stainless-errors.js';
import type { LlmClient, LlmModel } from '../types.js';
import { AnthropicStreamTranslator, fromAnthropicMessage, toAnthropicParams } from './anthropic-mapping.js';

/** Settings of the Anthropic client (Messages API). */
export interface AnthropicClientConfig extends LlmClientOptions {
  /** Anthropic API key (required). */
  apiKey: string;
  /** Default `https://api.anthropic.com`. */
  baseUrl?: string;
  /** Put cache breakpoints on the system prompt and the last tool. Default true. */
  promptCaching?: boolean;
}

const PROVIDER = 'anthropic';
// Our runtime owns timeouts; the SDK's own timer only has to stay out of the way.
const SDK_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Creates an {@link LlmClient} for Anthropic's Messages API.
 * @example
 *   const llm = createAnthropicClient({ apiKey, defaultModel: 'claude-sonnet-4-5' });
 *   const answer = await llm.chat({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createAnthropicClient(config: AnthropicClientConfig): LlmClient {
  if (typeof config.apiKey !== 'string' || config.apiKey.trim() === '') {
    throw new LlmClientError('BAD_CONFIG', `${PROVIDER} client: apiKey is required.`, { provider: PROVIDER });
  }
  const options = resolveOptions(PROVIDER, config, 'https://api.anthropic.com');
  const promptCaching = config.promptCaching ?? true;
  // Every option the SDK would otherwise read from the environment is given explicitly.
  const sdk = new Anthropic({
    apiKey: config.apiKey,
    baseURL: options.baseUrl,
    webhookKey: null,
    maxRetries: 0,
    timeout: SDK_TIMEOUT_MS,
    defaultHeaders: options.headers,
    logLevel: 'off',
    openTelemetry: false,
  });

  const adapter: ProviderAdapter = {
    provider: PROVIDER,
    async chat(request, signal) {
      const params = toAnthropicParams(request, { promptCaching });
      return fromAnthropicMessage(await sdk.messages.create(params, { signal }));
    },
    async *stream(request, signal) {
      const params = toAnthropicParams(request, { promptCaching });
      const events = await sdk.messages.create({ ...params, stream: true }, { signal });
      const translator = new AnthropicStreamTranslator();
      for await (const event of events) {
        for (const out of translator.push(event)) {
          yield out;
          if (out.type === 'done') return;
        }
      }
    },
    async listModels(signal) {
      const models: LlmModel[] = [];
      for await (const model of sdk.models.list({ limit: 1000 }, { signal })) {
        if (model.lifecycle === 'retired') continue;
        models.push(
          model.max_input_tokens
            ? { id: model.id, context_window: model.max_input_tokens }
            : { id: model.id },
        );
      }
      return models;
    },
    toError: (error) => fromStainlessError(PROVIDER, error, Anthropic),
  };
  return createClientRuntime(adapter, options);
}
