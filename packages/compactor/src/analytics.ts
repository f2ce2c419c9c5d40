/** Running totals of a compactor, as `GET /api/v1/chat/analytics` reports them. */
export interface CompactionAnalytics {
  /** Requests served, cache hits included. */
  compactions: number;
  messages_in: number;
  messages_out: number;
  tokens_saved: number;
  /** Mean of token_estimate / original_tokens over all compactions (1 = nothing saved). */
  average_compression_ratio: number;
  average_duration_ms: number;
  total_duration_ms: number;
  /** Compactions whose result still exceeded max_tokens. */
  over_budget: number;
  cache: { hits: number; misses: number; hit_rate: number };
  llm_summaries: { attempted: number; used: number; fallbacks: number };
  /** Epoch milliseconds of the last compaction, or null. */
  last_compaction_at: number | null;
}

/** One served request, as the analytics need it. */
export interface CompactionRecord {
  messagesIn: number;
  messagesOut: number;
  tokensSaved: number;
  compressionRatio: number;
  durationMs: number;
  fitsBudget: boolean;
  cacheHit?: boolean;
  llm?: 'used' | 'fallback';
  at: number;
}

/** Accumulates compaction records. */
export class AnalyticsRecorder {
  #compactions = 0;
  #messagesIn = 0;
  #messagesOut = 0;
  #tokensSaved = 0;
  #ratioSum = 0;
  #durationSum = 0;
  #overBudget = 0;
  #hits = 0;
  #misses = 0;
  #llmUsed = 0;
  #llmFallbacks = 0;
  #last: number | null = null;

  record(entry: CompactionRecord): void {
    this.#compactions++;
    this.#messagesIn += entry.messagesIn;
    this.#messagesOut += entry.messagesOut;
    this.#tokensSaved += entry.tokensSaved;
    this.#ratioSum += entry.compressionRatio;
    this.#durationSum += entry.durationMs;
    if (!entry.fitsBudget) this.#overBudget++;
    if (entry.cacheHit === true) this.#hits++;
    if (entry.cacheHit === false) this.#misses++;
    if (entry.llm === 'used') this.#llmUsed++;
    if (entry.llm === 'fallback') this.#llmFallbacks++;
    this.#last = entry.at;
  }

  snapshot(): CompactionAnalytics {
    const n = this.#compactions;
    const lookups = this.#hits + this.#misses;
    return {
      compactions: n,
      messages_in: this.#messagesIn,
      messages_out: this.#messagesOut,
      tokens_saved: this.#tokensSaved,
      average_compression_ratio: n === 0 ? 0 : this.#ratioSum / n,
      average_duration_ms: n === 0 ? 0 : this.#durationSum / n,
      total_duration_ms: this.#durationSum,
      over_budget: this.#overBudget,
      cache: { hits: this.#hits, misses: this.#misses, hit_rate: lookups === 0 ? 0 : this.#hits / lookups },
      llm_summaries: {
        attempted: this.#llmUsed + this.#llmFallbacks,
        used: this.#llmUsed,
        fallbacks: this.#llmFallbacks,
      },
      last_compaction_at: this.#last,
    };
  }
}
