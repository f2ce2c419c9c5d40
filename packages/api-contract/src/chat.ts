import { z } from 'zod';
import { MessageSchema } from './messages.js';
import type { RouteContract } from './route-contract.js';

/** How the compactor counts tokens: four estimators, or `exact` with a real tokenizer. */
export const TokenCounterTypeSchema = z.enum(['generic', 'openai', 'anthropic', 'ollama', 'exact']);
export type TokenCounterType = z.infer<typeof TokenCounterTypeSchema>;

/** Per-request switches of `POST /api/v1/chat/compact` (defaults in brackets). */
export const CompactOptionsSchema = z.strictObject({
  /** Tool results are at least contextual [true]. */
  preserve_tool_results: z.boolean().optional(),
  /** Results of schema tools are anchors [true]. */
  preserve_schema_info: z.boolean().optional(),
  /** Insert one summary standing for the dropped messages [true]. */
  enable_summarization: z.boolean().optional(),
  /** Keep at least this many of the best middle messages [3]. */
  min_important_messages: z.number().int().min(0).max(1000).optional(),
  token_counter_type: TokenCounterTypeSchema.optional(),
  /** Tokenizer of the `exact` counter [o200k_base]. */
  exact_encoding: z.enum(['o200k_base', 'cl100k_base']).optional(),
  /** The server's default model writes the summary; the heuristic one on failure [false]. */
  enable_llm_summarization: z.boolean().optional(),
  /** Serve identical requests from the server's cache [true]. */
  enable_caching: z.boolean().optional(),
  /** Lifetime of this request's cache entry, in seconds. */
  cache_ttl: z
    .number()
    .positive()
    .max(7 * 86_400)
    .optional(),
  /** Count this request in the analytics [true]. */
  enable_analytics: z.boolean().optional(),
});
export type CompactOptions = z.infer<typeof CompactOptionsSchema>;

/** Body of `POST /api/v1/chat/compact`. */
export const CompactRequestSchema = z.strictObject({
  messages: z.array(MessageSchema).min(1, 'give at least one message').max(20_000),
  /** Token budget of the result [100000]. */
  max_tokens: z.number().int().positive().optional(),
  /** Most recent messages always kept [10]. */
  recent_window: z.number().int().min(0).optional(),
  /** Never drop anchors (schema changes, corrections, schema tool results) [true]. */
  keep_anchors: z.boolean().optional(),
  options: CompactOptionsSchema.optional(),
});
export type CompactRequest = z.infer<typeof CompactRequestSchema>;

const TierCountsSchema = z.object({
  anchor: z.number().int(),
  important: z.number().int(),
  contextual: z.number().int(),
  routine: z.number().int(),
  transient: z.number().int(),
});

/** Counts describing one compaction. */
export const CompactionInfoSchema = z.object({
  original_count: z.number().int(),
  compacted_count: z.number().int(),
  dropped_count: z.number().int(),
  anchor_count: z.number().int(),
  original_tokens: z.number().int(),
  tokens_saved: z.number().int(),
  /** token_estimate / original_tokens: 1 means nothing saved. */
  compression_ratio: z.number(),
  tier_counts: TierCountsSchema,
});
export type CompactionInfo = z.infer<typeof CompactionInfoSchema>;

/** What the summary of the dropped messages says, and whether a model or the heuristic wrote it. */
export const CompactionSummarySchema = z.object({
  text: z.string(),
  method: z.enum(['heuristic', 'llm']),
  fallback_reason: z.string().optional(),
  message_count: z.number().int(),
  actions: z.array(z.string()),
  tables: z.array(z.string()),
  entities: z.array(z.string()),
  tools: z.array(z.string()),
  sql_count: z.number().int(),
  errors: z.array(z.string()),
});
export type CompactionSummary = z.infer<typeof CompactionSummarySchema>;

/** Answer of `POST /api/v1/chat/compact`. */
export const CompactResponseSchema = z.object({
  messages: z.array(MessageSchema),
  summary: CompactionSummarySchema.nullable(),
  token_estimate: z.number().int(),
  token_counter_type: TokenCounterTypeSchema,
  fits_budget: z.boolean(),
  /** Why the budget could not be met (only when fits_budget is false). */
  budget_note: z.string().optional(),
  cache_hit: z.boolean(),
  compaction_info: CompactionInfoSchema,
  warnings: z.array(z.string()),
});
export type CompactResponse = z.infer<typeof CompactResponseSchema>;

/** Answer of `GET /api/v1/chat/analytics`: the server's compactor totals since start. */
export const CompactionAnalyticsSchema = z.object({
  compactions: z.number().int(),
  messages_in: z.number().int(),
  messages_out: z.number().int(),
  tokens_saved: z.number().int(),
  average_compression_ratio: z.number(),
  average_duration_ms: z.number(),
  total_duration_ms: z.number(),
  over_budget: z.number().int(),
  cache: z.object({ hits: z.number().int(), misses: z.number().int(), hit_rate: z.number() }),
  llm_summaries: z.object({
    attempted: z.number().int(),
    used: z.number().int(),
    fallbacks: z.number().int(),
  }),
  /** Epoch milliseconds of the last compaction, or null. */
  last_compaction_at: z.number().nullable(),
});
export type CompactionAnalytics = z.infer<typeof CompactionAnalyticsSchema>;

/** Server-side chat-history compaction and its metrics. */
export const CHAT_ROUTES = {
  compact: {
    method: 'post',
    path: '/api/v1/chat/compact',
    summary: 'Compact a conversation to a token budget, keeping anchors, recent turns and tool pairs',
    tag: 'chat',
    auth: 'user',
    scope: 'llm',
    errors: [429],
    body: CompactRequestSchema,
    response: CompactResponseSchema,
  },
  compactionAnalytics: {
    method: 'get',
    path: '/api/v1/chat/analytics',
    summary: "The server compactor's totals: compactions, tokens saved, cache hit rate, LLM summaries",
    tag: 'chat',
    auth: 'user',
    scope: 'llm',
    response: CompactionAnalyticsSchema,
  },
} as const satisfies Record<string, RouteContract>;
