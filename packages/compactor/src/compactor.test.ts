import type { LlmChatRequest, LlmChatResult, LlmClient } from '@pgmcp/llm-clients';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbSession, expectToolPairsAdjacent } from '../test/conversations.js';
import { createCompactor, type Compactor, type CompactorConfig } from './compactor.js';
import { CompactorError } from './errors.js';
import { createEstimator } from './token-counter.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** An LlmClient that records every call and answers with `reply` (or whatever `behaviour` does). */
function recordingClient(behaviour: (request: LlmChatRequest) => Promise<LlmChatResult>) {
  const calls: LlmChatRequest[] = [];
  const client: LlmClient = {
    provider: 'test',
    chat(request) {
      calls.push(request);
      return behaviour(request);
    },
    stream() {
      throw new Error('not used by the compactor');
    },
    listModels: () => Promise.resolve([{ id: 'summary-model' }]),
  };
  return { client, calls };
}

const reply = (text: string): Promise<LlmChatResult> =>
  Promise.resolve({
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 500, output_tokens: 40 },
    model: 'summary-model',
  });

const open: Compactor[] = [];
function make(config?: CompactorConfig): Compactor {
  const compactor = createCompactor(config);
  open.push(compactor);
  return compactor;
}
afterEach(() => {
  for (const compactor of open.splice(0)) compactor.close();
  vi.useRealTimers();
});

const request = { messages: dbSession(20), max_tokens: 2500 };

describe('cache', () => {
  it('serves an identical request from the cache across calls', async () => {
    const compactor = make();
    const first = await compactor.compact(request);
    const second = await compactor.compact(request);
    expect(first.cache_hit).toBe(false);
    expect(second.cache_hit).toBe(true);
    expect(second.messages).toEqual(first.messages);
    expect(second.compaction_info).toEqual(first.compaction_info);
    expect(compactor.cacheSize).toBe(1);
    expect(compactor.analytics().cache).toEqual({ hits: 1, misses: 1, hit_rate: 0.5 });
  });

  it('misses when the messages or a setting that shapes the result change', async () => {
    const compactor = make();
    await compactor.compact(request);
    const otherBudget = await compactor.compact({ ...request, max_tokens: 2400 });
    const otherCounter = await compactor.compact({ ...request, options: { token_counter_type: 'ollama' } });
    const otherMessages = await compactor.compact({ ...request, messages: request.messages.slice(0, -4) });
    expect([otherBudget, otherCounter, otherMessages].map((r) => r.cache_hit)).toEqual([false, false, false]);
    // Settings that do not shape the result share the entry.
    const sameShape = await compactor.compact({
      ...request,
      options: { enable_analytics: false, cache_ttl: 5 },
    });
    expect(sameShape.cache_hit).toBe(true);
    expect(compactor.cacheSize).toBe(4);
  });

  it('neither reads nor writes the cache when enable_caching is false', async () => {
    const compactor = make();
    await compactor.compact({ ...request, options: { enable_caching: false } });
    const again = await compactor.compact({ ...request, options: { enable_caching: false } });
    expect(again.cache_hit).toBe(false);
    expect(compactor.cacheSize).toBe(0);
    expect(compactor.analytics().cache).toEqual({ hits: 0, misses: 0, hit_rate: 0 });
  });

  it('expires entries after the TTL without waiting for real time', async () => {
    const clock = manualClock();
    const compactor = make({ now: clock.now, cache: { ttlMs: 60_000 } });
    await compactor.compact(request);
    clock.advance(59_999);
    expect((await compactor.compact(request)).cache_hit).toBe(true);
    clock.advance(60_001);
    expect((await compactor.compact(request)).cache_hit).toBe(false);
  });

  it('lets a request set its own TTL in seconds', async () => {
    const clock = manualClock();
    const compactor = make({ now: clock.now, cache: { ttlMs: 3_600_000 } });
    const short = { ...request, options: { cache_ttl: 2 } };
    await compactor.compact(short);
    clock.advance(1_500);
    expect((await compactor.compact(short)).cache_hit).toBe(true);
    clock.advance(2_000);
    expect((await compactor.compact(short)).cache_hit).toBe(false);
  });

  it('sweeps expired entries in the background and stops when closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = manualClock();
    const compactor = make({ now: clock.now, cache: { ttlMs: 1_000, cleanupIntervalMs: 5_000 } });
    expect(vi.getTimerCount()).toBe(1);
    await compactor.compact(request);
    await compactor.compact({ ...request, max_tokens: 2000 });
    expect(compactor.cacheSize).toBe(2);
    clock.advance(1_001);
    expect(compactor.cacheSize).toBe(2); // expired but not yet swept
    vi.advanceTimersByTime(5_000);
    expect(compactor.cacheSize).toBe(0);
    compactor.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const compactor = make({ cache: { maxEntries: 2 } });
    const a = { ...request, max_tokens: 2000 };
    const b = { ...request, max_tokens: 2100 };
    const c = { ...request, max_tokens: 2200 };
    await compactor.compact(a);
    await compactor.compact(b);
    await compactor.compact(a); // a is now the most recently used
    await compactor.compact(c); // evicts b
    expect(compactor.cacheSize).toBe(2);
    expect((await compactor.compact(a)).cache_hit).toBe(true);
    expect((await compactor.compact(b)).cache_hit).toBe(false);
  });

  it('hands out copies, so a caller editing a result cannot corrupt the cache', async () => {
    const compactor = make();
    const first = await compactor.compact(request);
    const expected = structuredClone(first.messages);
    first.messages.length = 0;
    const second = await compactor.compact(request);
    second.messages.pop();
    expect((await compactor.compact(request)).messages).toEqual(expected);
  });

  it('refuses work after close and empties the cache', async () => {
    const compactor = make();
    await compactor.compact(request);
    compactor.close();
    expect(compactor.cacheSize).toBe(0);
    await expect(compactor.compact(request)).rejects.toMatchObject({ code: 'COMPACTOR_CLOSED' });
    compactor.close(); // closing twice is harmless
  });

  it('rejects a bad configuration with INVALID_CONFIG naming the field', () => {
    expect(() => createCompactor({ cache: { ttlMs: 0 } })).toThrow(/cache\.ttlMs must be a number > 0/);
    expect(() => createCompactor({ cache: { maxEntries: 1.5 } })).toThrow(
      /cache\.maxEntries must be a positive integer/,
    );
    const { client } = recordingClient(() => reply('x'));
    expect(() => createCompactor({ llm: { client, model: '' } })).toThrow(/llm\.model must name the model/);
    try {
      createCompactor({ llm: { client: {} as LlmClient, model: 'm' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CompactorError);
      expect(error).toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('llm.client') as string,
      });
    }
  });
});

describe('analytics', () => {
  it('totals compactions, messages, tokens saved and the average ratio', async () => {
    const compactor = make();
    const a = await compactor.compact({ ...request, options: { enable_caching: false } });
    const b = await compactor.compact({ messages: dbSession(3), options: { enable_caching: false } });
    const stats = compactor.analytics();
    expect(stats.compactions).toBe(2);
    expect(stats.messages_in).toBe(request.messages.length + 14);
    expect(stats.messages_out).toBe(a.messages.length + b.messages.length);
    expect(stats.tokens_saved).toBe(a.compaction_info.tokens_saved);
    expect(stats.average_compression_ratio).toBeCloseTo((a.compaction_info.compression_ratio + 1) / 2, 6);
    expect(stats.over_budget).toBe(0);
    expect(stats.last_compaction_at).toEqual(expect.any(Number));
  });

  it('measures durations with the injected clock', async () => {
    const clock = manualClock();
    const { client } = recordingClient(async () => {
      clock.advance(250);
      return reply('The user reviewed recent rows of eight sales tables.');
    });
    const compactor = make({ now: clock.now, llm: { client, model: 'summary-model' } });
    await compactor.compact({
      ...request,
      options: { enable_llm_summarization: true, enable_caching: false },
    });
    await compactor.compact({ messages: dbSession(2), options: { enable_caching: false } });
    const stats = compactor.analytics();
    expect(stats.total_duration_ms).toBe(250);
    expect(stats.average_duration_ms).toBe(125);
    expect(stats.last_compaction_at).toBe(clock.now());
  });

  it('counts budget misses, skips requests that opt out, and resets', async () => {
    const compactor = make();
    await compactor.compact({ messages: dbSession(2), max_tokens: 10 });
    await compactor.compact({ ...request, options: { enable_analytics: false } });
    expect(compactor.analytics()).toMatchObject({ compactions: 1, over_budget: 1 });
    compactor.resetAnalytics();
    expect(compactor.analytics()).toMatchObject({ compactions: 0, messages_in: 0, average_duration_ms: 0 });
  });
});

describe('LLM summaries', () => {
  const llmRequest = { ...request, options: { enable_llm_summarization: true } };
  const SUMMARY =
    'The user reviewed the newest rows of the orders, customers and line_items tables; about a third are open.';

  it('asks the configured model and inserts its summary', async () => {
    const { client, calls } = recordingClient(() => reply(SUMMARY));
    const compactor = make({ llm: { client, model: 'summary-model', maxSummaryTokens: 200 } });
    const result = await compactor.compact(llmRequest);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.model).toBe('summary-model');
    expect(call.system).toMatch(/PostgreSQL/);
    expect(call.max_tokens).toBeLessThanOrEqual(200);
    expect(call.signal).toBeInstanceOf(AbortSignal);
    expect(JSON.stringify(call.messages)).toContain('FROM orders WHERE created_at');
    expect(result.summary).toMatchObject({
      method: 'llm',
      message_count: result.compaction_info.dropped_count,
    });
    expect(result.summary!.text).toBe(
      `[Summary of ${result.summary!.message_count} earlier messages, written by summary-model]\n${SUMMARY}`,
    );
    expect(result.summary!.fallback_reason).toBeUndefined();
    expect(JSON.stringify(result.messages)).toContain(SUMMARY);
    expect(result.fits_budget).toBe(true);
    expect(result.token_estimate).toBe(createEstimator('generic').countMessages(result.messages));
    expectToolPairsAdjacent(result.messages);
    expect(compactor.analytics().llm_summaries).toEqual({ attempted: 1, used: 1, fallbacks: 0 });
  });

  it('falls back to the heuristic summary when the call fails, and retries next time', async () => {
    const { client, calls } = recordingClient(() =>
      Promise.reject(Object.assign(new Error('rate limited'), { code: 'RATE_LIMITED' })),
    );
    const compactor = make({ llm: { client, model: 'summary-model' } });
    const result = await compactor.compact(llmRequest);
    expect(result.summary).toMatchObject({
      method: 'heuristic',
      fallback_reason: 'the call failed: RATE_LIMITED: rate limited',
    });
    expect(result.summary!.text).toMatch(/^\[Summary of \d+ earlier messages, omitted/);
    expect(result.warnings).toContain(
      'The heuristic summary was used: the call failed: RATE_LIMITED: rate limited.',
    );
    expect(result.fits_budget).toBe(true);
    expect(compactor.cacheSize).toBe(0);
    await compactor.compact(llmRequest);
    expect(calls).toHaveLength(2);
    expect(compactor.analytics().llm_summaries).toEqual({ attempted: 2, used: 0, fallbacks: 2 });
  });

  it('gives up after the time budget and aborts the call', async () => {
    let aborted = false;
    const { client } = recordingClient(
      (req) =>
        new Promise((_, reject) => {
          req.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    );
    const compactor = make({ llm: { client, model: 'summary-model', timeoutMs: 40 } });
    const started = performance.now();
    const result = await compactor.compact(llmRequest);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(aborted).toBe(true);
    expect(result.summary).toMatchObject({ method: 'heuristic', fallback_reason: 'no answer within 40 ms' });
  });

  it('does not wait for a client that ignores the abort signal', async () => {
    const { client } = recordingClient(() => new Promise<LlmChatResult>(() => {}));
    const compactor = make({ llm: { client, model: 'summary-model', timeoutMs: 40 } });
    const result = await compactor.compact(llmRequest);
    expect(result.summary?.fallback_reason).toBe('no answer within 40 ms');
  });

  it('rejects a summary that would break the budget', async () => {
    const { client } = recordingClient(() => reply('Far too long. '.repeat(400)));
    const compactor = make({ llm: { client, model: 'summary-model' } });
    const result = await compactor.compact(llmRequest);
    expect(result.summary?.method).toBe('heuristic');
    expect(result.summary?.fallback_reason).toMatch(
      /^the model's summary takes \d+ tokens, more than the \d+ left$/,
    );
    expect(result.fits_budget).toBe(true);
  });

  it('treats an empty answer as a failure', async () => {
    const { client } = recordingClient(() => reply('   '));
    const compactor = make({ llm: { client, model: 'summary-model' } });
    const result = await compactor.compact(llmRequest);
    expect(result.summary?.fallback_reason).toBe('the model returned no text');
  });

  it('uses the heuristic summary and says why when no model is configured', async () => {
    const compactor = make();
    const result = await compactor.compact(llmRequest);
    expect(result.summary).toMatchObject({
      method: 'heuristic',
      fallback_reason: 'no LLM is configured for summaries',
    });
  });

  it('never calls the model unless the request asks for it', async () => {
    const { client, calls } = recordingClient(() => reply(SUMMARY));
    const compactor = make({ llm: { client, model: 'summary-model' } });
    const result = await compactor.compact(request);
    expect(calls).toHaveLength(0);
    expect(result.summary?.method).toBe('heuristic');
    await compactor.compact({ messages: dbSession(2), options: { enable_llm_summarization: true } });
    expect(calls).toHaveLength(0); // nothing was dropped, so there was nothing to summarise
  });
});
