import type { Message } from '@pgmcp/api-contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversationArb, type Shape } from '../test/arbitraries.js';
import { expectToolPairsAdjacent } from '../test/conversations.js';
import { classifyMessages } from './classifier.js';
import { createCompactor } from './compactor.js';
import { createTokenCounter, type TokenCounter } from './token-counter.js';
import type { CompactRequest, CompactResult, MessageTier, TokenCounterType } from './types.js';

// Points 1–6 of issue 20 as properties over generated conversations, budgets and options. The
// expectations are worked out here from the input alone (units, window, tiers), not read from
// the compactor's internals.

const RANK: Record<MessageTier, number> = {
  transient: 0,
  routine: 1,
  contextual: 2,
  important: 3,
  anchor: 4,
};

interface Unit {
  start: number;
  end: number;
}

/** Tool pairs in generated conversations are adjacent: a call's message and the next one form a unit. */
function unitsOf(messages: readonly Message[]): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < messages.length; i++) {
    const content = messages[i]!.content;
    const calls = typeof content !== 'string' && content.some((b) => b.type === 'tool_use');
    if (calls && i + 1 < messages.length) {
      units.push({ start: i, end: i + 1 });
      i++;
    } else units.push({ start: i, end: i });
  }
  return units;
}

const toolIds = (messages: readonly Message[]) => {
  const uses: string[] = [];
  const results: string[] = [];
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) {
      if (b.type === 'tool_use') uses.push(b.id);
      if (b.type === 'tool_result') results.push(b.tool_use_id);
    }
  }
  return { uses, results };
};

const optionsArb = fc.record({
  fraction: fc.double({ min: 0.02, max: 1.1, noNaN: true }),
  recent_window: fc.integer({ min: 0, max: 12 }),
  keep_anchors: fc.boolean(),
  enable_summarization: fc.boolean(),
  min_important_messages: fc.integer({ min: 0, max: 4 }),
  preserve_tool_results: fc.boolean(),
  preserve_schema_info: fc.boolean(),
  token_counter_type: fc.constantFrom<TokenCounterType>('generic', 'openai', 'anthropic', 'ollama'),
});
type Options = typeof optionsArb extends fc.Arbitrary<infer T> ? T : never;

const counters = new Map<TokenCounterType, TokenCounter>();
async function counterFor(type: TokenCounterType): Promise<TokenCounter> {
  let counter = counters.get(type);
  if (!counter) counters.set(type, (counter = await createTokenCounter(type)));
  return counter;
}

/** Runs one compaction and checks every promise of the issue against it. */
async function check(messages: Message[], o: Options): Promise<void> {
  const counter = await counterFor(o.token_counter_type);
  const n = messages.length;
  const originalTokens = counter.countMessages(messages);
  const max_tokens = Math.max(1, Math.round(originalTokens * o.fraction));
  const request: CompactRequest = {
    messages,
    max_tokens,
    recent_window: o.recent_window,
    keep_anchors: o.keep_anchors,
    options: {
      enable_summarization: o.enable_summarization,
      min_important_messages: o.min_important_messages,
      preserve_tool_results: o.preserve_tool_results,
      preserve_schema_info: o.preserve_schema_info,
      token_counter_type: o.token_counter_type,
      enable_caching: false,
      enable_analytics: false,
    },
  };
  const before = JSON.stringify(messages);
  const compactor = createCompactor();
  let result: CompactResult;
  try {
    result = await compactor.compact(request);
  } finally {
    compactor.close();
  }
  const label = `n=${n} budget=${max_tokens} ${JSON.stringify(o)}`;
  expect(JSON.stringify(messages), 'the input is left alone').toBe(before);

  // 1. Returned messages are input messages, byte for byte and in order, plus at most one summary
  //    right after the first message's unit.
  const units = unitsOf(messages);
  const firstEnd = units[0]!.end;
  const summaryText = result.summary?.text;
  const kept: number[] = [];
  let cursor = 0;
  result.messages.forEach((message, k) => {
    if (summaryText !== undefined && k === firstEnd + 1) {
      expect(message, label).toEqual({
        role: messages[firstEnd]!.role === 'user' ? 'assistant' : 'user',
        content: summaryText,
      });
      return;
    }
    // Caching is off, so kept messages are the very objects given (identical twins stay apart).
    while (cursor < n && messages[cursor] !== message) cursor++;
    expect(cursor, `${label}: returned message ${k} is not an input message in order`).toBeLessThan(n);
    expect(JSON.stringify(message), label).toBe(JSON.stringify(messages[cursor]));
    kept.push(cursor++);
  });
  expect(kept.length + (summaryText === undefined ? 0 : 1), label).toBe(result.messages.length);
  if (!o.enable_summarization) expect(result.summary, label).toBeNull();

  // 2. The first unit and the recent window (moved back to a unit start) are kept verbatim.
  let windowStart = Math.max(firstEnd + 1, n - o.recent_window);
  const startUnit = units.find((u) => u.start <= windowStart && windowStart <= u.end);
  if (startUnit) windowStart = startUnit.start;
  const protectedIdx = [...Array.from({ length: firstEnd + 1 }, (_, i) => i)];
  for (let i = windowStart; i < n; i++) protectedIdx.push(i);
  for (const i of protectedIdx) expect(kept, `${label}: protected message ${i} missing`).toContain(i);

  // 5. compaction_info is exact.
  const tiers = classifyMessages(messages, {
    preserve_tool_results: o.preserve_tool_results,
    preserve_schema_info: o.preserve_schema_info,
  }).map((c) => c.tier);
  const info = result.compaction_info;
  expect(info.original_count, label).toBe(n);
  expect(info.compacted_count, label).toBe(result.messages.length);
  expect(info.dropped_count, label).toBe(n - kept.length);
  expect(info.anchor_count, label).toBe(kept.filter((i) => tiers[i] === 'anchor').length);
  expect(info.original_tokens, label).toBe(originalTokens);
  expect(result.token_estimate, label).toBe(counter.countMessages(result.messages));
  expect(info.tokens_saved, label).toBe(originalTokens - result.token_estimate);
  expect(result.fits_budget, label).toBe(result.token_estimate <= max_tokens);
  if (result.summary) expect(result.summary.message_count, label).toBe(info.dropped_count);
  if (info.dropped_count === 0) expect(result.summary, label).toBeNull();

  // 6. Tool calls and results come back in whole, adjacent pairs.
  const ids = toolIds(result.messages);
  expect(new Set(ids.results), label).toEqual(new Set(ids.uses));
  expectToolPairsAdjacent(result.messages);

  // 3. The budget holds whenever what is never dropped fits (the notice is left out before it breaks it).
  const neverTokens = counter.countMessages(protectedIdx.map((i) => messages[i]!));
  if (neverTokens <= max_tokens)
    expect(result.fits_budget, `${label}: never-dropped ${neverTokens}`).toBe(true);
  else expect(result.budget_note, label).toMatch(/max_tokens is \d+/);

  // 3. Drop order: by tier, oldest first within a tier; a higher tier only once every lower one is gone.
  const keptSet = new Set(kept);
  const middle = units.filter((u) => u.start > firstEnd && u.start < windowStart);
  const rankOf = (u: Unit) => {
    let best = 0;
    for (let i = u.start; i <= u.end; i++) best = Math.max(best, RANK[tiers[i]!]);
    return best === RANK.anchor && !o.keep_anchors ? RANK.contextual : best;
  };
  const order = [...middle].sort((a, b) => rankOf(a) - rankOf(b) || a.start - b.start);
  const droppedUnits = order.filter((u) => !keptSet.has(u.start));
  for (const u of order)
    expect(keptSet.has(u.start), `${label}: unit ${u.start} kept in part`).toBe(keptSet.has(u.end));
  const highestDropped = Math.max(-1, ...droppedUnits.map(rankOf));
  if (highestDropped > RANK.contextual) {
    for (const u of order) {
      if (rankOf(u) < highestDropped)
        expect(keptSet.has(u.start), `${label}: unit ${u.start} outlived a higher tier`).toBe(false);
    }
  }
  if (o.min_important_messages === 0) {
    // Without the floor the dropped units are exactly a prefix of the drop order.
    const prefix = order.slice(0, droppedUnits.length);
    expect(droppedUnits, `${label}: not a prefix of the drop order`).toEqual(prefix);
  }
  if (!o.enable_summarization && droppedUnits.length > 0 && result.fits_budget) {
    // ... and the shortest one that fits.
    const last = droppedUnits[droppedUnits.length - 1]!;
    const lastTokens = counter.countMessages(messages.slice(last.start, last.end + 1)) - 3;
    expect(result.token_estimate + lastTokens, `${label}: dropped more than needed`).toBeGreaterThan(
      max_tokens,
    );
  }

  // 4. When the budget allows, every anchor and important message is kept.
  const notice = o.enable_summarization
    ? counter.countMessage({
        role: 'assistant',
        content: `[${middle.length * 2} earlier messages omitted to fit the context budget.]`,
      })
    : 0;
  const valued = middle.filter((u) => rankOf(u) >= RANK.important);
  const valuedTokens = valued.reduce(
    (sum, u) => sum + counter.countMessages(messages.slice(u.start, u.end + 1)) - 3,
    0,
  );
  if (neverTokens + notice + valuedTokens <= max_tokens) {
    for (const u of valued)
      expect(
        keptSet.has(u.start),
        `${label}: unit ${u.start} (${tiers[u.start]}) dropped with room left`,
      ).toBe(true);
  }
}

const SHAPES: Shape[] = ['mixed', 'two-users-first', 'ends-on-tool-result', 'all-tool-pairs'];

describe('compact: properties over generated conversations', () => {
  it(
    'keeps its promises on conversations of 1 to ~60 messages (300 runs)',
    { timeout: 120_000 },
    async () => {
      await fc.assert(fc.asyncProperty(conversationArb(0, 25), optionsArb, check), { numRuns: 300 });
    },
  );

  it.each(SHAPES)(
    'keeps its promises on %s conversations (60 runs each)',
    { timeout: 120_000 },
    async (shape) => {
      await fc.assert(fc.asyncProperty(conversationArb(1, 40, [shape]), optionsArb, check), { numRuns: 60 });
    },
  );

  // Shrinking conversations of thousands of messages takes longer than the failure is worth: report it as found.
  it(
    'keeps its promises on conversations of ~200 to ~1,000 messages (25 runs)',
    { timeout: 300_000 },
    async () => {
      await fc.assert(fc.asyncProperty(conversationArb(100, 400), optionsArb, check), {
        numRuns: 25,
        endOnFailure: true,
      });
    },
  );

  it(
    'keeps its promises on conversations of ~3,000 to ~5,000 messages (4 runs)',
    { timeout: 300_000 },
    async () => {
      await fc.assert(fc.asyncProperty(conversationArb(1500, 2000), optionsArb, check), {
        numRuns: 4,
        endOnFailure: true,
      });
    },
  );

  it('keeps its promises with the exact tokenizer (40 runs)', { timeout: 120_000 }, async () => {
    const exact = optionsArb.map((o) => ({ ...o, token_counter_type: 'exact' as const }));
    await fc.assert(fc.asyncProperty(conversationArb(1, 30), exact, check), { numRuns: 40 });
  });
});
