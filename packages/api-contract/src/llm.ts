import { z } from 'zod';
import { ChatRequestSchema, ChatResponseSchema, StreamEventSchema } from './messages.js';
import type { RouteContract } from './route-contract.js';

/** One provider the server has a key (or an endpoint) for. */
export const LlmProviderInfoSchema = z.object({
  name: z.string().describe('anthropic, openai or ollama'),
  default_model: z.string(),
});
export type LlmProviderInfo = z.infer<typeof LlmProviderInfoSchema>;

/**
 * Answer of `GET /api/v1/llm/providers`. A server without a provider answers 200 with no providers
 * and `not_configured` saying what to set: an expected state, not an error.
 */
export const LlmProvidersResponseSchema = z.object({
  providers: z.array(LlmProviderInfoSchema),
  /** Null when no provider is configured. */
  default_provider: z.string().nullable(),
  /** Present when no provider is configured: which variables to set. */
  not_configured: z.string().optional(),
});
export type LlmProvidersResponse = z.infer<typeof LlmProvidersResponseSchema>;

/** Query of `GET /api/v1/llm/models`; without `provider`, the default provider's models. */
export const LlmModelsQuerySchema = z.object({
  provider: z.string().min(1).optional(),
});
export type LlmModelsQuery = z.infer<typeof LlmModelsQuerySchema>;

/** A chat-capable model. */
export const LlmModelSchema = z.object({
  id: z.string(),
  context_window: z.number().int().positive().optional(),
});
export type LlmModel = z.infer<typeof LlmModelSchema>;

/** Answer of `GET /api/v1/llm/models`. */
export const LlmModelsResponseSchema = z.object({ models: z.array(LlmModelSchema) });
export type LlmModelsResponse = z.infer<typeof LlmModelsResponseSchema>;

/** The LLM proxy's routes: provider keys stay on the server. */
export const LLM_ROUTES = {
  llmProviders: {
    method: 'get',
    path: '/api/v1/llm/providers',
    summary:
      'The configured LLM providers, their default models and the default provider (none, with what to set, when unconfigured)',
    tag: 'llm',
    auth: 'user',
    scope: 'llm',
    response: LlmProvidersResponseSchema,
  },
  llmModels: {
    method: 'get',
    path: '/api/v1/llm/models',
    summary: "A provider's chat models (the default provider's without ?provider=)",
    tag: 'llm',
    auth: 'user',
    scope: 'llm',
    errors: [502, 503, 504],
    query: LlmModelsQuerySchema,
    response: LlmModelsResponseSchema,
  },
  llmChat: {
    method: 'post',
    path: '/api/v1/llm/chat',
    summary: 'One model call through the server (the provider key never leaves it)',
    tag: 'llm',
    auth: 'user',
    scope: 'llm',
    errors: [413, 429, 502, 503, 504],
    body: ChatRequestSchema,
    response: ChatResponseSchema,
  },
  llmChatStream: {
    method: 'post',
    path: '/api/v1/llm/chat/stream',
    summary:
      'The same call streamed as server-sent events: text, tool_use_start, tool_use_delta, tool_use_end, then done or error',
    tag: 'llm',
    auth: 'user',
    scope: 'llm',
    body: ChatRequestSchema,
    stream: StreamEventSchema,
    errors: [413, 429, 503],
  },
} as const satisfies Record<string, RouteContract>;
