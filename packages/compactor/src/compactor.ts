import { AnalyticsRecorder, type CompactionAnalytics } from './analytics.js';
import { CompactionCache, type CompactionCacheConfig } from './cache.js';
import { indexToolNames } from './content.js';
import { CompactorError } from './errors.js';
import { sha256Hex } from './hash.js';
import { writeLlmSummary, type LlmSummarizerConfig } from './llm-summary.js';
import { assemble, budgetNote, planCompaction, summaryMessageTokens, type CompactionPlan } from './plan.js';
import { resolveRequest, type ResolvedRequest } from './request.js';
import { capSummary, formatSummary } from './summary.js';
import { createTokenCounter, MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from './token-counter.js';
import type { CompactionSummary, CompactRequest, CompactResult } from './types.js';

/** Settings of a compactor; every field is optional. */
export interface CompactorConfig {
  cache?: CompactionCacheConfig;
  /** The model that writes summaries for requests with `enable_llm_summarization`. */
  llm?: LlmSummarizerConfig;
  /** Clock in epoch milliseconds for cache expiry, durations and timestamps (inject one in tests). */
  now?: () => number;
}

/** A long-lived compactor: one cache and one set of analytics across calls. */
export interface Compactor {
  /** Compacts a conversation to fit `max_tokens`; throws CompactorError INVALID_REQUEST on bad input. */
  compact(request: CompactRequest): Promise<CompactResult>;
  /** Totals since creation or the last reset. */
  analytics(): CompactionAnalytics;
  resetAnalytics(): void;
  clearCache(): void;
  /** Entries currently cached. */
  readonly cacheSize: number;
  /** Stops the background cleanup and empties the cache; later compact() calls throw COMPACTOR_CLOSED. */
  close(): void;
}

const DEFAULT_TTL_MS = 3_600_000;
const DEFAULT_MAX_ENTRIES = 100;
const DEFAULT_CLEANUP_MS = 60_000;
const DEFAULT_LLM_SUMMARY_TOKENS = 400;
// Below this an LLM summary is not worth a call: the heuristic one says as much.
const MIN_LLM_SUMMARY_TOKENS = 32;
const CACHE_KEY_VERSION = 2;

function badConfig(message: string): never {
  throw new CompactorError('INVALID_CONFIG', message);
}

function positive(value: number | undefined, name: string, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    badConfig(
      `${name} must be a ${integer ? 'positive integer' : 'number > 0'}; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function checkLlm(llm: LlmSummarizerConfig | undefined): void {
  if (llm === undefined) return;
  if (typeof llm.client?.chat !== 'function')
    badConfig('llm.client must be an LlmClient with a chat() method.');
  if (typeof llm.model !== 'string' || llm.model === '')
    badConfig('llm.model must name the model that writes summaries.');
  positive(llm.timeoutMs, 'llm.timeoutMs', 1);
  positive(llm.maxSummaryTokens, 'llm.maxSummaryTokens', 1, true);
}

function unrefTimer(timer: unknown): void {
  // Node timers keep the process alive unless unref'd; browser timers are plain numbers.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') {
    (timer as { unref(): void }).unref();
  }
}

function cacheKeyMaterial(req: ResolvedRequest, llmModel: string | null): string {
  return JSON.stringify([
    CACHE_KEY_VERSION,
    req.maxTokens,
    req.recentWindow,
    req.keepAnchors,
    req.preserveToolResults,
    req.preserveSchemaInfo,
    req.summarize,
    req.minImportant,
    req.counterType,
    req.counterType === 'exact' ? req.exactEncoding : null,
    req.summarize && req.llmSummary ? llmModel : null,
    req.messages,
  ]);
}

/**
 * Creates a compactor that keeps its cache and analytics for its whole life (create one per server).
 *
 * @example
 *   const compactor = createCompactor({ cache: { ttlMs: 10 * 60_000 } });
 *   const { messages, summary, fits_budget } = await compactor.compact({ messages: history, max_tokens: 50_000 });
 *   compactor.close();
 */
export function createCompactor(config: CompactorConfig = {}): Compactor {
  const ttlMs = positive(config.cache?.ttlMs, 'cache.ttlMs', DEFAULT_TTL_MS);
  const maxEntries = positive(config.cache?.maxEntries, 'cache.maxEntries', DEFAULT_MAX_ENTRIES, true);
  const cleanupMs = positive(config.cache?.cleanupIntervalMs, 'cache.cleanupIntervalMs', DEFAULT_CLEANUP_MS);
  checkLlm(config.llm);
  if (config.now !== undefined && typeof config.now !== 'function')
    badConfig('now must be a function returning epoch milliseconds.');
  const llm = config.llm;
  const now = config.now ?? (() => performance.timeOrigin + performance.now());
  const cache = new CompactionCache(maxEntries, now);
  let analytics = new AnalyticsRecorder();
  let closed = false;
  const sweeper = setInterval(() => cache.sweep(), cleanupMs);
  unrefTimer(sweeper);

  /** The summary the model wrote, or the heuristic one with the reason; `retry` when the call itself failed. */
  async function summarizeWithLlm(
    model: LlmSummarizerConfig,
    req: ResolvedRequest,
    plan: CompactionPlan,
    counter: TokenCounter,
    summary: CompactionSummary,
  ): Promise<{ summary: CompactionSummary; retry: boolean }> {
    const fallback = (reason: string, retry = false) => ({
      summary: { ...summary, fallback_reason: reason },
      retry,
    });
    const heading = `[Summary of ${summary.message_count} earlier messages, written by ${model.model}]\n`;
    const room = req.maxTokens - plan.keptTokens;
    const maxTokens = Math.min(
      model.maxSummaryTokens ?? DEFAULT_LLM_SUMMARY_TOKENS,
      room - MESSAGE_OVERHEAD_TOKENS - counter.countText(heading),
    );
    if (maxTokens < MIN_LLM_SUMMARY_TOKENS) return fallback('no room for an LLM summary within max_tokens');
    const dropped = req.messages.filter((_, i) => !plan.keep[i]);
    const outcome = await writeLlmSummary(model, dropped, indexToolNames(req.messages), summary, maxTokens);
    if (!outcome.ok) return fallback(outcome.reason, true);
    const text = heading + outcome.text;
    const tokens = summaryMessageTokens(counter, text);
    if (tokens > room)
      return fallback(`the model's summary takes ${tokens} tokens, more than the ${room} left`);
    return { summary: { ...summary, text, method: 'llm' }, retry: false };
  }

  async function run(
    req: ResolvedRequest,
    counter: TokenCounter,
  ): Promise<{ result: CompactResult; llm?: 'used' | 'fallback'; retry: boolean }> {
    const wantLlm = req.summarize && req.llmSummary;
    const reserve =
      wantLlm && llm ? (llm.maxSummaryTokens ?? DEFAULT_LLM_SUMMARY_TOKENS) + MESSAGE_OVERHEAD_TOKENS : 0;
    const plan = planCompaction(req, counter, reserve);
    const warnings = [...plan.warnings];
    let summary: CompactionSummary | null = null;
    let llmOutcome: 'used' | 'fallback' | undefined;
    let retry = false;
    if (plan.summary && plan.summaryLevel) {
      summary = {
        text: formatSummary(plan.summary, plan.summaryLevel),
        method: 'heuristic',
        ...capSummary(plan.summary),
      };
      if (wantLlm && llm) {
        ({ summary, retry } = await summarizeWithLlm(llm, req, plan, counter, summary));
        llmOutcome = summary.method === 'llm' ? 'used' : 'fallback';
      } else if (wantLlm) {
        summary.fallback_reason = 'no LLM is configured for summaries';
      }
      if (summary.fallback_reason)
        warnings.push(`The heuristic summary was used: ${summary.fallback_reason}.`);
    }
    if (req.llmSummary && !req.summarize)
      warnings.push('enable_llm_summarization has no effect while enable_summarization is false.');
    const messages = assemble(req.messages, plan, summary?.text ?? null);
    const tokenEstimate = plan.unchanged ? plan.originalTokens : counter.countMessages(messages);
    const fits = tokenEstimate <= req.maxTokens;
    const result: CompactResult = {
      messages,
      summary,
      token_estimate: tokenEstimate,
      token_counter_type: req.counterType,
      fits_budget: fits,
      cache_hit: false,
      compaction_info: {
        original_count: req.messages.length,
        compacted_count: messages.length,
        dropped_count: plan.droppedCount,
        anchor_count: plan.anchorCount,
        original_tokens: plan.originalTokens,
        tokens_saved: plan.originalTokens - tokenEstimate,
        compression_ratio: Math.round((tokenEstimate / plan.originalTokens) * 1e4) / 1e4,
        tier_counts: plan.tierCounts,
      },
      warnings,
    };
    if (!fits) result.budget_note = budgetNote(plan, req, tokenEstimate);
    return { result, llm: llmOutcome, retry };
  }

  return {
    async compact(request) {
      if (closed)
        throw new CompactorError('COMPACTOR_CLOSED', 'This compactor was closed; create a new one.');
      const started = now();
      const req = resolveRequest(request);
      const counter = await createTokenCounter(req.counterType, { encoding: req.exactEncoding });
      const key = req.caching ? await sha256Hex(cacheKeyMaterial(req, llm?.model ?? null)) : undefined;
      let result = key === undefined ? undefined : cache.get(key);
      const cacheHit = result !== undefined;
      let llmOutcome: 'used' | 'fallback' | undefined;
      if (result) {
        result.cache_hit = true;
      } else {
        const computed = await run(req, counter);
        result = computed.result;
        llmOutcome = computed.llm;
        // A failed or timed-out model call is worth retrying next time, so that result is not kept.
        if (key !== undefined && !computed.retry) cache.set(key, result, req.cacheTtlMs ?? ttlMs);
      }
      if (req.analytics) {
        const finished = now();
        analytics.record({
          messagesIn: req.messages.length,
          messagesOut: result.messages.length,
          tokensSaved: result.compaction_info.tokens_saved,
          compressionRatio: result.compaction_info.compression_ratio,
          durationMs: finished - started,
          fitsBudget: result.fits_budget,
          cacheHit: key === undefined ? undefined : cacheHit,
          llm: llmOutcome,
          at: finished,
        });
      }
      return result;
    },
    analytics: () => analytics.snapshot(),
    resetAnalytics() {
      analytics = new AnalyticsRecorder();
    },
    clearCache: () => cache.clear(),
    get cacheSize() {
      return cache.size;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      cache.clear();
    },
  };
}
