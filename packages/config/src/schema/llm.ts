import { z } from 'zod';
import { positiveInt } from './common.js';

/** One LLM provider of `llm.providers`; `api_key_file` names a file holding the key. */
export const LlmProviderConfigSchema = z.strictObject({
  /** false switches the provider off even when its key is in the environment. */
  enabled: z.boolean().optional(),
  api_key: z.string().min(1).optional(),
  api_key_file: z.string().optional(),
  base_url: z.string().optional(),
  default_model: z.string().min(1).optional(),
  /** Per attempt; a stream must deliver every event within it. */
  timeout_ms: positiveInt.optional(),
  max_retries: z.number().int().min(0).max(10).optional(),
});
export type LlmProviderFileConfig = z.infer<typeof LlmProviderConfigSchema>;

/** `llm:` — the LLM proxy: providers, keys, defaults and per-user limits. */
export const LlmConfigSchema = z.strictObject({
  default_provider: z.enum(['anthropic', 'openai', 'ollama']).optional(),
  /** Model of the default provider (the others keep their own default_model). */
  default_model: z.string().min(1).optional(),
  providers: z
    .strictObject({
      anthropic: LlmProviderConfigSchema.optional(),
      openai: LlmProviderConfigSchema.optional(),
      ollama: LlmProviderConfigSchema.optional(),
    })
    .prefault({}),
  /** Model calls per user and minute (0: no limit). */
  requests_per_minute: z.number().int().min(0).default(60),
  max_messages: positiveInt.default(1000),
  max_request_bytes: positiveInt.default(4 * 1024 * 1024),
  models_cache_seconds: z.number().min(0).default(60),
  /** SSE comment sent when the model has been silent this long, so proxies keep the stream open. */
  keepalive_seconds: z.number().positive().default(15),
});
export type LlmConfig = z.infer<typeof LlmConfigSchema>;

/** `compaction:` — the server's one compactor (POST /api/v1/chat/compact). */
export const CompactionConfigSchema = z.strictObject({
  cache_ttl_seconds: z.number().positive().default(3600),
  cache_max_entries: positiveInt.default(100),
  /** Model of the default provider that writes LLM summaries (default: that provider's default model). */
  summary_model: z.string().min(1).optional(),
  summary_timeout_ms: positiveInt.default(15_000),
});

/** `conversations:` — size limits of one stored conversation, and what one user may keep. */
export const ConversationsConfigSchema = z.strictObject({
  max_messages: positiveInt.default(5000),
  max_bytes: positiveInt.default(8 * 1024 * 1024),
  /** Conversations one user may keep. */
  max_per_user: positiveInt.default(1000),
  /** Bytes of messages one user may keep across all conversations. */
  max_bytes_per_user: positiveInt.default(256 * 1024 * 1024),
});
