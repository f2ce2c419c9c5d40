import type { Message } from '@pgmcp/api-contract';
import { classifyMessage, TIER_SCORES } from './classifier.js';
import { blocksOf, indexToolNames, textBlock } from './content.js';
import { groupUnits, mergeSameRole, unitIndexOf } from './conversation.js';
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

/** Messages and tokens of one group of never-dropped messages. */
interface Kept {
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
  anchorCount: number;
  tierCounts: Record<MessageTier, number>;
  /** What could never be dropped, for explaining a missed budget. */
  protectedParts: { first: Kept; window: Kept; anchors: Kept };
  warnings: string[];
}

interface ScoredUnit {
  start: number;
  end: number;
  score: number;
  tier: MessageTier;
  tokens: number;
  guarded?: boolean;
}

// Each pass after the first drops enough for the current summary; a handful of passes always settles.
const MAX_SUMMARY_PASSES = 20;

function emptyTierCounts(): Record<MessageTier, number> {
  return { anchor: 0, important: 0, contextual: 0, routine: 0, transient: 0 };
}

function placeholderSummary(messageCount: number): HeuristicSummary {
  return {
    message_count: messageCount,
    actions: [],
    tables: [],
    entities: [],
    tools: [],
    sql_count: 0,
    errors: [],
  };
}

/** Tokens of a summary message with the given text. */
export function summaryMessageTokens(counter: TokenCounter, text: string): number {
  return MESSAGE_OVERHEAD_TOKENS + counter.countText(text);
}

/**
 * Decides which messages to keep: the first message and the recent window always; anchors and the
 * `min_important_messages` best as asked; then drops the lowest scores first (oldest first among equals)
 * until the kept messages plus a summary fit `maxTokens`. Tool calls and their results move together.
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
  const zero = (): Kept => ({ count: 0, tokens: 0 });
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
    protectedParts: { first: zero(), window: zero(), anchors: zero() },
    warnings: [],
  };
  if (n === 0 || originalTokens <= budget) return plan;
  plan.unchanged = false;

  const sumTokens = (start: number, end: number) => {
    let t = 0;
    for (let i = start; i <= end; i++) t += tokens[i] ?? 0;
    return t;
  };
  const units = groupUnits(messages);
  const first = units[0] ?? { start: 0, end: 0 };
  plan.firstUnitEnd = first.end;
  plan.anchorCount = 1;
  plan.protectedParts.first = { count: first.end + 1, tokens: sumTokens(0, first.end) };
  let windowStart = Math.max(first.end + 1, n - request.recentWindow);
  if (windowStart < n) windowStart = units[unitIndexOf(units, windowStart)]?.start ?? windowStart;
  plan.protectedParts.window = { count: n - windowStart, tokens: sumTokens(windowStart, n - 1) };

  const toolNames = indexToolNames(messages);
  const classify = {
    preserve_tool_results: request.preserveToolResults,
    preserve_schema_info: request.preserveSchemaInfo,
    toolNames,
  };
  const middle: ScoredUnit[] = [];
  for (const unit of units) {
    if (unit.start <= first.end || unit.end >= windowStart) continue;
    let best: MessageTier = 'transient';
    for (let i = unit.start; i <= unit.end; i++) {
      const { tier } = classifyMessage(messages[i] as Message, classify);
      plan.tierCounts[tier]++;
      if (TIER_SCORES[tier] > TIER_SCORES[best]) best = tier;
    }
    middle.push({ ...unit, score: TIER_SCORES[best], tier: best, tokens: sumTokens(unit.start, unit.end) });
  }

  const size = (u: ScoredUnit) => u.end - u.start + 1;
  const { anchors } = plan.protectedParts;
  if (request.keepAnchors) {
    for (const u of middle) {
      if (u.tier !== 'anchor') continue;
      u.guarded = true;
      anchors.count += size(u);
      anchors.tokens += u.tokens;
    }
  }
  // min_important_messages: the best middle messages (newest first among equals) are kept before any
  // summary detail, but only while they fit: one huge tool result must not cost the whole budget.
  let room =
    budget -
    CONVERSATION_OVERHEAD_TOKENS -
    plan.protectedParts.first.tokens -
    plan.protectedParts.window.tokens -
    anchors.tokens -
    (request.summarize ? summaryMessageTokens(counter, formatSummary(placeholderSummary(n), 'minimal')) : 0);
  let guarded = anchors.count;
  const best = middle
    .filter((u) => !u.guarded && u.tier !== 'transient')
    .sort((a, b) => b.score - a.score || b.start - a.start);
  for (const u of best) {
    if (guarded >= request.minImportant) break;
    if (u.tokens > room) continue;
    u.guarded = true;
    room -= u.tokens;
    guarded += size(u);
  }

  const candidates = middle.filter((u) => !u.guarded).sort((a, b) => a.score - b.score || a.start - b.start);
  let total = originalTokens;
  let next = 0;
  const dropped: number[] = [];
  const dropUntil = (limit: number) => {
    while (total > limit && next < candidates.length) {
      const u = candidates[next++] as ScoredUnit;
      total -= u.tokens;
      for (let i = u.start; i <= u.end; i++) {
        plan.keep[i] = false;
        dropped.push(i);
      }
    }
  };
  dropUntil(budget);

  if (request.summarize && dropped.length > 0) {
    const features: Array<MessageFeatures | undefined> = [];
    let summary: HeuristicSummary | undefined;
    let summaryOf = -1;
    const current = () => {
      if (summaryOf !== dropped.length) {
        const ordered = [...dropped].sort((a, b) => a - b);
        summary = summarize(ordered.map((i) => (features[i] ??= extractFeatures(messages[i] as Message))));
        summaryOf = dropped.length;
      }
      return summary as HeuristicSummary;
    };
    const cost = (level: SummaryLevel) => summaryMessageTokens(counter, formatSummary(current(), level));

    let level: SummaryLevel | null = null;
    for (let pass = 0; ; pass++) {
      const need = Math.max(cost('full'), llmReserveTokens);
      if (total + need <= budget) {
        level = 'full';
        break;
      }
      if (next >= candidates.length || pass >= MAX_SUMMARY_PASSES) break;
      dropUntil(budget - need);
    }
    if (level === null)
      level = (['full', 'brief', 'minimal'] as const).find((l) => total + cost(l) <= budget) ?? null;
    if (level === null) {
      if (total <= budget)
        plan.warnings.push('No summary was inserted: even the shortest one would exceed max_tokens.');
      else level = 'minimal';
    }
    if (level !== null) {
      plan.summary = current();
      plan.summaryLevel = level;
    }
  }

  plan.droppedCount = dropped.length;
  plan.keptTokens = total;
  for (const u of middle) if (u.tier === 'anchor' && plan.keep[u.start]) plan.anchorCount += size(u);
  return plan;
}

/**
 * The kept messages in order, with the summary right after the first message's unit, and same-role
 * neighbours merged so turns alternate. The summary takes the role opposite to the message before it;
 * when the next kept message has that role too, the summary joins the previous message instead.
 */
export function assemble(
  messages: readonly Message[],
  plan: CompactionPlan,
  summaryText: string | null,
): Message[] {
  if (plan.unchanged || plan.droppedCount === 0) return [...messages];
  const out = messages.slice(0, plan.firstUnitEnd + 1);
  let nextKept = plan.firstUnitEnd + 1;
  while (nextKept < messages.length && !plan.keep[nextKept]) nextKept++;
  const previous = out[out.length - 1];
  if (summaryText !== null && previous) {
    const role = previous.role === 'user' ? 'assistant' : 'user';
    if (messages[nextKept]?.role === role) {
      out[out.length - 1] = { role: previous.role, content: [...blocksOf(previous), textBlock(summaryText)] };
    } else {
      out.push({ role, content: summaryText });
    }
  }
  for (let i = nextKept; i < messages.length; i++) if (plan.keep[i]) out.push(messages[i] as Message);
  return mergeSameRole(out);
}

/** Explains which never-dropped messages keep the result over budget, and what to change. */
export function budgetNote(plan: CompactionPlan, request: ResolvedRequest, finalTokens: number): string {
  const { first, window, anchors } = plan.protectedParts;
  const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`;
  const parts = [
    `the first ${first.count === 1 ? 'message' : messages(first.count)} (${first.tokens} tokens)`,
  ];
  if (window.count > 0)
    parts.push(`the recent window of ${messages(window.count)} (${window.tokens} tokens)`);
  if (anchors.count > 0) parts.push(`${messages(anchors.count)} kept as anchors (${anchors.tokens} tokens)`);
  const fixes = ['raise max_tokens'];
  if (window.count > 0) fixes.push('lower recent_window');
  if (anchors.count > 0) fixes.push('set keep_anchors to false');
  const last = fixes.pop() as string;
  const howTo = fixes.length > 0 ? `${fixes.join(', ')} or ${last}` : last;
  return (
    `The compacted conversation needs ${finalTokens} tokens but max_tokens is ${request.maxTokens}; ` +
    `what is never dropped takes ${parts.join(', ')}. To fit, ${howTo}.`
  );
}
