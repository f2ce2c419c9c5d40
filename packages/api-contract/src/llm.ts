import { z } from 'zod';
import { ChatRequestSchema, ChatResponseSchema } from './messages.js';
import type { RouteContract } from './routes.js';

/** One provider the server has a key (or an endpoint) for. */
export const LlmProviderInfoSchema = z.object({
  name: z.string().describe('anthropic, openai or ollama'),
  default_model: z.string(),
});
export type LlmProviderInfo = z.infer<typeof LlmProviderInfoSchema>;

/** Answer of `GET /api/v1/llm/providers`. */
export const LlmProvidersResponseSchema = z.object({
  providers: z.array(LlmProviderInfoSchema),
  default_provider: z.string(),
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
export const LLM_ROUTES: RouteContract[] = [
  {
    method: 'get',
    path: '/api/v1/llm/providers',
    summary: 'The configured LLM providers, their default models and the default provider',
    tag: 'llm',
    auth: 'user',
    response: LlmProvidersResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/llm/models',
    summary: "A provider's chat models (the default provider's without ?provider=)",
    tag: 'llm',
    auth: 'user',
    query: LlmModelsQuerySchema,
    response: LlmModelsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/v1/llm/chat',
    summary: 'One model call through the server (the provider key never leaves it)',
    tag: 'llm',
    auth: 'user',
    body: ChatRequestSchema,
    response: ChatResponseSchema,
  },
  {
    method: 'post',
    path: '/api/v1/llm/chat/stream',
    summary:
      'The same call streamed as server-sent events: text, tool_use_start, tool_use_delta, tool_use_end, then done or error',
    tag: 'llm',
    auth: 'user',
    body: ChatRequestSchema,
  },
];
