import type { Message } from '@pgmcp/api-contract';
import { classifyConversation, TIER_SCORES } from './classifier.js';
import { groupUnits, unitIndexOf } from './conversation.js';
import type { ResolvedRequest } from './request.js';
import {
  extractFeatures,
  formatSummary,
  summarize,
  type HeuristicSummary,
  type MessageFeatures,
  type SummaryLevel,
} from './summary.js';
import { CONVERSATION_OVERHEAD_TOKENS, MESSAGE_OVERHEAD_TOKENS, type TokenCounter } from './token-counter.js';
import type { MessageTier } from './types.js';

/** Messages and tokens of one part of a conversation. */
interface Part {
  count: number;
  tokens: number;
}

/** Which messages a compaction keeps, and the summary of the others. */
export interface CompactionPlan {
  /** Nothing to do: the conversation already fits. */
  unchanged: boolean;
  originalTokens: number;
  /** keep[i] is false for dropped messages. */
  keep: boolean[];
  droppedCount: number;
  /** Last index of the first message's unit; the summary goes right after it. */
  firstUnitEnd: number;
  /** Tokens of the kept messages without a summary. */
  keptTokens: number;
  /** Summary of the dropped messages, or null when none is inserted. */
  summary: HeuristicSummary | null;
  summaryLevel: SummaryLevel | null;
  /** Kept messages classified as anchors (anywhere in the conversation). */
  anchorCount: number;
  /** How the messages between the first unit and the recent window were classified. */
  tierCounts: Record<MessageTier, number>;
  /** What is never dropped, and the anchors that had to go, for explaining a missed budget. */
  protectedParts: { first: Part; window: Part; droppedAnchors: Part };
  warnings: string[];
}

interface MiddleUnit {
  start: number;
  end: number;
  /** Drop rank: lower goes first. */
  rank: number;
  tier: MessageTier;
  tokens: number;
  /** Kept ahead of summary detail by min_important_messages. */
  guarded: boolean;
}

const RANK: Readonly<Record<MessageTier, number>> = {
  transient: 0,
  routine: 1,
  contextual: 2,
  important: 3,
  anchor: 4,
};
// The summary may only cost messages up to this rank: it never displaces an important message or an anchor.
const SUMMARY_MAY_DISPLACE = RANK.contextual;
// Each pass drops enough for the summary of what is dropped so far; a handful of passes always settles.
const MAX_SUMMARY_PASSES = 20;
const LEVELS: readonly SummaryLevel[] = ['full', 'brief', 'minimal'];

function emptyTierCounts(): Record<MessageTier, number> {
  return { anchor: 0, important: 0, contextual: 0, routine: 0, transient: 0 };
}

/** Tokens of a summary message with the given text. */
export function summaryMessageTokens(counter: TokenCounter, text: string): number {
  return MESSAGE_OVERHEAD_TOKENS + counter.countText(text);
}

/** A set of dropped units and the tokens left, which the summary passes extend on a copy. */
interface DropState {
  dropped: Set<MiddleUnit>;
  total: number;
}

/**
 * Decides which messages to keep. The first message's unit and the recent window always stay; the
 * middle is dropped by tier (transient → routine → contextual → important → anchor, oldest first
 * within a tier) until the rest fits `maxTokens`. A summary may then cost further transient, routine
 * or contextual messages (never important ones, anchors or the `min_important_messages` best), and
 * shrinks (full → brief → one-line notice) or is left out when it cannot fit. Tool calls and their
 * results move together.
 *
 * @param llmReserveTokens room to leave for an LLM-written summary (0 when none is wanted)
 */
export function planCompaction(
  request: ResolvedRequest,
  counter: TokenCounter,
  llmReserveTokens = 0,
): CompactionPlan {
  const { messages, maxTokens: budget } = request;
  const n = messages.length;
  const tokens = messages.map((message) => counter.countMessage(message));
  const originalTokens = tokens.reduce((sum, t) => sum + t, CONVERSATION_OVERHEAD_TOKENS);
  const tiers = classifyConversation(messages, {
    preserve_tool_results: request.preserveToolResults,
    preserve_schema_info: request.preserveSchemaInfo,
  });
  const zero = (): Part => ({ count: 0, tokens: 0 });
  const plan: CompactionPlan = {
    unchanged: true,
    originalTokens,
    keep: messages.map(() => true),
    droppedCount: 0,
    firstUnitEnd: 0,
    keptTokens: originalTokens,
    summary: null,
    summaryLevel: null,
    anchorCount: 0,
    tierCounts: emptyTierCounts(),
    protectedParts: { first: zero(), window: zero(), droppedAnchors: zero() },
    warnings: [],
  };

  const sumTokens = (start: number, end: number) => {
    let t = 0;
    for (let i = start; i <= end; i++) t += tokens[i] ?? 0;
    return t;
  };
  const units = groupUnits(messages);
  const first = units[0] ?? { start: 0, end: -1 };
  plan.firstUnitEnd = Math.max(first.end, 0);
  plan.protectedParts.first = { count: first.end + 1, tokens: sumTokens(0, first.end) };
  let windowStart = Math.max(first.end + 1, n - request.recentWindow);
  if (windowStart < n) windowStart = units[unitIndexOf(units, windowStart)]?.start ?? windowStart;
  plan.protectedParts.window = { count: n - windowStart, tokens: sumTokens(windowStart, n - 1) };

  const middle: MiddleUnit[] = [];
  for (const unit of units) {
    if (unit.start <= first.end || unit.start >= windowStart) continue;
    let best: MessageTier = 'transient';
    for (let i = unit.start; i <= unit.end; i++) {
      const tier = tiers[i] as MessageTier;
      plan.tierCounts[tier]++;
      if (TIER_SCORES[tier] > TIER_SCORES[best]) best = tier;
    }
    // Without keep_anchors an anchor has no privilege: it goes with the ordinary messages.
    const rank = best === 'anchor' && !request.keepAnchors ? RANK.contextual : RANK[best];
    middle.push({
      start: unit.start,
      end: unit.end,
      rank,
      tier: best,
      tokens: sumTokens(unit.start, unit.end),
      guarded: false,
    });
  }
  const countAnchors = () =>
    tiers.reduce((sum, tier, i) => sum + (plan.keep[i] && tier === 'anchor' ? 1 : 0), 0);
  if (n === 0 || originalTokens <= budget) {
    plan.anchorCount = countAnchors();
    return plan;
  }
  plan.unchanged = false;

  const order = [...middle].sort((a, b) => a.rank - b.rank || a.start - b.start);
  const dropTo = (limit: number): DropState => {
    const state: DropState = { dropped: new Set(), total: originalTokens };
    for (const u of order) {
      if (state.total <= limit) break;
      state.dropped.add(u);
      state.total -= u.tokens;
    }
    return state;
  };

  let final: DropState;
  if (!request.summarize) {
    final = dropTo(budget);
  } else {
    // The one-line notice counts as never dropped: messages of any tier go before it does.
    const middleCount = middle.reduce((sum, u) => sum + u.end - u.start + 1, 0);
    const placeholder = { ...summarize([]), message_count: middleCount };
    const notice = summaryMessageTokens(counter, formatSummary(placeholder, 'minimal'));
    const base = dropTo(budget - notice);
    if (base.dropped.size === 0) {
      final = base;
    } else if (base.total + notice <= budget) {
      guardBest(middle, base, request.minImportant);
      const chosen = fitSummary(messages, order, base, budget, counter, llmReserveTokens);
      final = chosen?.state ?? base;
      plan.summary = chosen?.summary ?? null;
      plan.summaryLevel = chosen?.level ?? null;
      if (!chosen)
        plan.warnings.push('No summary was inserted: even the one-line notice would exceed max_tokens.');
    } else {
      final = dropTo(budget);
      if (final.total <= budget) {
        plan.warnings.push('No summary was inserted: even the one-line notice would exceed max_tokens.');
      } else {
        // Over budget whatever happens: the smallest honest result still says that messages are missing.
        plan.summary = summaryOf(messages, final.dropped);
        plan.summaryLevel = 'minimal';
      }
    }
  }

  for (const u of final.dropped) for (let i = u.start; i <= u.end; i++) plan.keep[i] = false;
  plan.droppedCount = plan.keep.reduce((sum, kept) => sum + (kept ? 0 : 1), 0);
  plan.keptTokens = final.total;
  plan.anchorCount = countAnchors();
  const droppedAnchors = plan.protectedParts.droppedAnchors;
  for (const u of final.dropped) {
    if (u.tier !== 'anchor') continue;
    droppedAnchors.count += u.end - u.start + 1;
    droppedAnchors.tokens += u.tokens;
  }
  if (droppedAnchors.count > 0 && request.keepAnchors) {
    const many = droppedAnchors.count === 1 ? 'message' : 'messages';
    plan.warnings.push(
      `${droppedAnchors.count} anchor ${many} (schema changes, corrections, schema tool results; ${droppedAnchors.tokens} tokens) had to be dropped to approach max_tokens; raise max_tokens or lower recent_window to keep them.`,
    );
  }
  return plan;
}

/**
 * min_important_messages: keeps the best kept middle messages (anchors and important ones count
 * first, then the best of the rest, newest first among equals) ahead of summary detail.
 */
function guardBest(middle: MiddleUnit[], state: DropState, minImportant: number): void {
  let guarded = 0;
  const best = middle
    .filter((u) => !state.dropped.has(u) && u.tier !== 'transient')
    .sort((a, b) => b.rank - a.rank || b.start - a.start);
  for (const u of best) {
    if (guarded >= minImportant) break;
    u.guarded = true;
    guarded += u.end - u.start + 1;
  }
}

function summaryOf(
  messages: readonly Message[],
  dropped: ReadonlySet<MiddleUnit>,
  cache?: MessageFeatures[],
) {
  const indexes: number[] = [];
  for (const u of dropped) for (let i = u.start; i <= u.end; i++) indexes.push(i);
  indexes.sort((a, b) => a - b);
  const features = cache ?? [];
  return summarize(indexes.map((i) => (features[i] ??= extractFeatures(messages[i] as Message))));
}

/**
 * The richest summary level that fits, dropping further transient, routine or contextual units
 * (oldest first, never the guarded ones) for it; each level starts again from the drops the budget
 * and the one-line notice needed, so the notice itself always fits.
 */
function fitSummary(
  messages: readonly Message[],
  order: readonly MiddleUnit[],
  base: DropState,
  budget: number,
  counter: TokenCounter,
  llmReserveTokens: number,
): { state: DropState; summary: HeuristicSummary; level: SummaryLevel } | undefined {
  const features: MessageFeatures[] = [];
  const displaceable = order.filter(
    (u) => !base.dropped.has(u) && !u.guarded && u.rank <= SUMMARY_MAY_DISPLACE,
  );
  for (const level of LEVELS) {
    const state: DropState = { dropped: new Set(base.dropped), total: base.total };
    let next = 0;
    for (let pass = 0; pass < MAX_SUMMARY_PASSES; pass++) {
      const summary = summaryOf(messages, state.dropped, features);
      const cost = summaryMessageTokens(counter, formatSummary(summary, level));
      const need = level === 'full' ? Math.max(cost, llmReserveTokens) : cost;
      if (state.total + need <= budget) return { state, summary, level };
      // The notice must not cost more messages than the budget already did.
      if (level === 'minimal' || next >= displaceable.length) break;
      while (state.total + need > budget && next < displaceable.length) {
        const u = displaceable[next++] as MiddleUnit;
        state.dropped.add(u);
        state.total -= u.tokens;
      }
    }
  }
  return undefined;
}

/**
 * The kept messages, each exactly as it was given, in order, with the one summary message right
 * after the first message's unit. The summary takes the role opposite to the message before it;
 * no messages are merged (providers that need alternating turns get them from the LLM adapter).
 */
export function assemble(
  messages: readonly Message[],
  plan: CompactionPlan,
  summaryText: string | null,
): Message[] {
  if (plan.unchanged) return [...messages];
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    if (plan.keep[i]) out.push(messages[i] as Message);
    if (i === plan.firstUnitEnd && summaryText !== null) {
      const previous = messages[i] as Message;
      out.push({ role: previous.role === 'user' ? 'assistant' : 'user', content: summaryText });
    }
  }
  return out;
}

/** Explains which never-dropped messages keep the result over budget, and what to change. */
export function budgetNote(plan: CompactionPlan, request: ResolvedRequest, finalTokens: number): string {
  const { first, window } = plan.protectedParts;
  const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`;
  const parts = [
    `the first ${first.count === 1 ? 'message' : messages(first.count)} (${first.tokens} tokens)`,
  ];
  if (window.count > 0)
    parts.push(`the recent window of ${messages(window.count)} (${window.tokens} tokens)`);
  const howTo = window.count > 0 ? 'raise max_tokens or lower recent_window' : 'raise max_tokens';
  const dropped = plan.droppedCount > 0 ? `; every other message was dropped` : '';
  return (
    `The compacted conversation needs ${finalTokens} tokens but max_tokens is ${request.maxTokens}; ` +
    `what is never dropped takes ${parts.join(' and ')}${dropped}. To fit, ${howTo}.`
  );
}
