import type { Message } from '@pgmcp/api-contract';

/** How tokens are counted: four heuristic estimators, or `exact` with a real BPE tokenizer (js-tiktoken). */
export type TokenCounterType = 'generic' | 'openai' | 'anthropic' | 'ollama' | 'exact';

/** The BPE encodings the `exact` counter can use: o200k_base (GPT-4o and later), cl100k_base (GPT-4, GPT-3.5). */
export type ExactEncoding = 'o200k_base' | 'cl100k_base';

/** Importance tiers, from must-keep to drop-first. */
export type MessageTier = 'anchor' | 'important' | 'contextual' | 'routine' | 'transient';

/** Per-request switches; the snake_case names mirror `POST /api/v1/chat/compact`. */
export interface CompactOptions {
  /** Tool results are at least contextual (never routine). Default true. */
  preserve_tool_results?: boolean;
  /** Results of schema tools (get_schema_info, ...) are anchors; false makes them contextual. Default true. */
  preserve_schema_info?: boolean;
  /** Insert one summary message standing for the dropped messages. Default true. */
  enable_summarization?: boolean;
  /**
   * This many of the best middle messages left after dropping for the budget (anchors and important
   * ones count first, transient ones never) are not dropped just to make the summary richer. Default 3.
   */
  min_important_messages?: number;
  /** Token counter used for the budget. Default `generic`. */
  token_counter_type?: TokenCounterType;
  /** Encoding of the `exact` counter. Default `o200k_base`. */
  exact_encoding?: ExactEncoding;
  /** Let the configured LLM write the summary (heuristic summary on error or timeout). Default false. */
  enable_llm_summarization?: boolean;
  /** Serve identical requests from the compactor's cache. Default true. */
  enable_caching?: boolean;
  /** Lifetime of this request's cache entry in seconds. Default: the compactor's `cache.ttlMs`. */
  cache_ttl?: number;
  /** Count this request in the compactor's analytics. Default true. */
  enable_analytics?: boolean;
}

/** A compaction request; mirrors the body of `POST /api/v1/chat/compact`. */
export interface CompactRequest {
  messages: Message[];
  /** Token budget of the result, by the chosen counter. Default 100000. */
  max_tokens?: number;
  /** Number of most recent messages always kept (extended to keep tool pairs whole). Default 10. */
  recent_window?: number;
  /**
   * Anchors (schema changes, corrections, schema tool results) are dropped last, only to meet the
   * budget; false ranks them with contextual messages. Default true.
   */
  keep_anchors?: boolean;
  options?: CompactOptions;
}

/** What the summary of the dropped messages says, and how it was written. */
export interface CompactionSummary {
  /** The text inserted into the conversation. */
  text: string;
  /** `llm` when a model wrote `text`, else `heuristic`. */
  method: 'heuristic' | 'llm';
  /** Why an LLM summary was asked for but not used (error, timeout, over budget, no client). */
  fallback_reason?: string;
  /** How many dropped messages the summary stands for. */
  message_count: number;
  /** What the user asked for in the dropped part, oldest first. */
  actions: string[];
  /** Tables named in SQL, tool inputs or prose. */
  tables: string[];
  /** Other names: schema-qualified objects, quoted identifiers, connections. */
  entities: string[];
  /** Tools called, with how often, e.g. `query_database ×3`. */
  tools: string[];
  /** SQL statements run or shown. */
  sql_count: number;
  /** First lines of errors seen. */
  errors: string[];
}

/** Counts describing one compaction. */
export interface CompactionInfo {
  /** Messages given. */
  original_count: number;
  /** Messages returned, the summary included. */
  compacted_count: number;
  /** Messages given that are not returned. */
  dropped_count: number;
  /** Returned messages (from the input) that classifyMessages rates `anchor`. */
  anchor_count: number;
  original_tokens: number;
  tokens_saved: number;
  /** token_estimate / original_tokens: 1 means nothing saved, smaller is better. */
  compression_ratio: number;
  /** How the messages between the first one and the recent window were classified. */
  tier_counts: Record<MessageTier, number>;
}

/** The answer of a compaction; mirrors the response of `POST /api/v1/chat/compact`. */
export interface CompactResult {
  /** Input messages exactly as given, in order, plus at most one summary right after the first message's unit. */
  messages: Message[];
  summary: CompactionSummary | null;
  /** Tokens of `messages` by `token_counter_type`. */
  token_estimate: number;
  token_counter_type: TokenCounterType;
  /** Whether token_estimate <= max_tokens. */
  fits_budget: boolean;
  /** Why the budget could not be met (only when fits_budget is false). */
  budget_note?: string;
  /** Served from the compactor's cache. */
  cache_hit: boolean;
  compaction_info: CompactionInfo;
  /** Things the caller may want to know, e.g. that an option was ignored. */
  warnings: string[];
}
