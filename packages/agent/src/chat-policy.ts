import type { CompactRequest, Message, TokenCounterType, Usage } from '@pgmcp/api-contract';
import { compactLocally, createEstimator } from '@pgmcp/compactor';

/**
 * When a chat is compacted and to what: one policy for the web and the terminal client, so a
 * conversation behaves the same in both.
 */
export const COMPACTION_POLICY = {
  /** Share of the model's context window the history may take before it is compacted; the rest is for tool results and the answer. */
  triggerShare: 0.7,
  /** Compaction aims at this share of the window, below the trigger, so the next turns do not compact again at once. */
  targetShare: 0.6,
  /** Trigger when the model's window is unknown (the compactor's own default budget). */
  defaultTriggerTokens: 100_000,
  /** The smallest trigger, however small the window. */
  minTriggerTokens: 1_024,
  /** Recent messages every compaction keeps, the server's and the local fallback's. */
  recentWindow: 6,
} as const;

/** When to compact (`triggerTokens`, the agent's budget) and to how many tokens (`targetTokens`). */
export interface CompactionBudget {
  triggerTokens: number;
  targetTokens: number;
}

/**
 * The compaction budget for a model with `contextWindow` tokens (undefined when the provider does not
 * say), or for an explicit trigger the user set.
 *
 * @example
 *   const { triggerTokens, targetTokens } = compactionBudget(200_000); // 140k and 120k
 */
export function compactionBudget(
  contextWindow: number | undefined,
  explicitTrigger?: number,
): CompactionBudget {
  const { triggerShare, targetShare, defaultTriggerTokens, minTriggerTokens } = COMPACTION_POLICY;
  const trigger =
    explicitTrigger ??
    (contextWindow
      ? Math.max(minTriggerTokens, Math.floor(contextWindow * triggerShare))
      : defaultTriggerTokens);
  return { triggerTokens: trigger, targetTokens: Math.floor((trigger * targetShare) / triggerShare) };
}

/** The compactor's estimator for a provider's models (the generic one for others). */
export function counterTypeFor(provider: string | undefined): Exclude<TokenCounterType, 'exact'> {
  return provider === 'anthropic' || provider === 'openai' || provider === 'ollama' ? provider : 'generic';
}

/**
 * How the clients measure a history against the budget: the same estimator the compactor uses for
 * the provider, so what triggers compaction is what compaction then reduces.
 */
export function chatTokenEstimator(provider: string | undefined): (messages: readonly Message[]) => number {
  const estimator = createEstimator(counterTypeFor(provider));
  return (messages) => estimator.countMessages(messages);
}

/** What {@link compactWithFallback} did. */
export interface CompactionOutcome {
  messages: Message[];
  /** Why the server's compaction was not used (then the first message and the recent window were kept). */
  fallbackReason?: string;
}

/**
 * Compacts through the server (or any compactor) to `targetTokens`, keeping the policy's recent
 * window; when that fails, keeps the first message and the recent window locally instead of failing
 * the turn. A cancelled call is not a failure: it rethrows.
 */
export async function compactWithFallback(
  messages: Message[],
  target: { tokens: number; provider: string | undefined },
  compact: (request: CompactRequest) => Promise<Message[]>,
  signal: AbortSignal,
): Promise<CompactionOutcome> {
  try {
    return {
      messages: await compact({
        messages,
        max_tokens: target.tokens,
        recent_window: COMPACTION_POLICY.recentWindow,
        options: { token_counter_type: counterTypeFor(target.provider) },
      }),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      messages: compactLocally(messages, { keepLast: COMPACTION_POLICY.recentWindow }),
      fallbackReason: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Token usage of a chat: the last turn, the total and the number of turns. */
export interface UsageTotals {
  lastTurn: Usage | undefined;
  total: Usage;
  turns: number;
}

/** No usage yet. */
export const NO_USAGE: UsageTotals = {
  lastTurn: undefined,
  total: { input_tokens: 0, output_tokens: 0 },
  turns: 0,
};

/** The sum of two usages (cache reads only when there were any). */
export function addUsage(a: Usage, b: Usage): Usage {
  const cacheRead = (a.cache_read_tokens ?? 0) + (b.cache_read_tokens ?? 0);
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    ...(cacheRead > 0 ? { cache_read_tokens: cacheRead } : {}),
  };
}

/** The totals after one more turn that used `turn`. */
export function recordTurn(totals: UsageTotals, turn: Usage): UsageTotals {
  return { lastTurn: turn, total: addUsage(totals.total, turn), turns: totals.turns + 1 };
}
