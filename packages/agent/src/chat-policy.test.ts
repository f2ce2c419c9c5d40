import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import {
  addUsage,
  chatTokenEstimator,
  COMPACTION_POLICY,
  compactionBudget,
  compactWithFallback,
  counterTypeFor,
  NO_USAGE,
  recordTurn,
} from './chat-policy.js';

const messages: Message[] = Array.from({ length: 12 }, (_, i) => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: `message ${i}`,
}));

describe('compactionBudget', () => {
  it('compacts at 70 % of the model window, down to 60 %', () => {
    expect(compactionBudget(200_000)).toEqual({ triggerTokens: 140_000, targetTokens: 120_000 });
  });

  it('falls back to the compactor default without a window, and keeps a floor for tiny windows', () => {
    expect(compactionBudget(undefined).triggerTokens).toBe(COMPACTION_POLICY.defaultTriggerTokens);
    expect(compactionBudget(500).triggerTokens).toBe(COMPACTION_POLICY.minTriggerTokens);
  });

  it('takes an explicit trigger over the window', () => {
    expect(compactionBudget(200_000, 7_000)).toEqual({ triggerTokens: 7_000, targetTokens: 6_000 });
  });
});

describe('compactWithFallback', () => {
  it('asks the compactor for the target with the policy window', async () => {
    const seen: unknown[] = [];
    const outcome = await compactWithFallback(
      messages,
      { tokens: 500, provider: 'anthropic' },
      async (request) => {
        seen.push(request);
        return request.messages.slice(-2);
      },
      new AbortController().signal,
    );
    expect(seen).toEqual([
      {
        messages,
        max_tokens: 500,
        recent_window: COMPACTION_POLICY.recentWindow,
        options: { token_counter_type: 'anthropic' },
      },
    ]);
    expect(outcome).toEqual({ messages: messages.slice(-2) });
  });

  it('keeps the first message and the recent window when the compactor fails, saying why', async () => {
    const outcome = await compactWithFallback(
      messages,
      { tokens: 500, provider: undefined },
      async () => {
        throw new Error('server down');
      },
      new AbortController().signal,
    );
    expect(outcome.fallbackReason).toBe('server down');
    expect(outcome.messages[0]).toBe(messages[0]);
    expect(outcome.messages.slice(1)).toEqual(messages.slice(-COMPACTION_POLICY.recentWindow));
  });

  it('rethrows when the call was cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      compactWithFallback(
        messages,
        { tokens: 500, provider: undefined },
        async () => {
          throw new Error('aborted');
        },
        controller.signal,
      ),
    ).rejects.toThrow('aborted');
  });
});

describe('chatTokenEstimator', () => {
  it('measures with the compactor’s estimator for the provider', () => {
    const estimate = chatTokenEstimator('openai');
    expect(estimate(messages)).toBeGreaterThan(messages.length * 4);
    expect(counterTypeFor('mistral')).toBe('generic');
  });
});

describe('usage totals', () => {
  it('adds turns, counting cache reads only when there are any', () => {
    const one = recordTurn(NO_USAGE, { input_tokens: 10, output_tokens: 2 });
    const two = recordTurn(one, { input_tokens: 5, output_tokens: 1, cache_read_tokens: 4 });
    expect(two).toEqual({
      lastTurn: { input_tokens: 5, output_tokens: 1, cache_read_tokens: 4 },
      total: { input_tokens: 15, output_tokens: 3, cache_read_tokens: 4 },
      turns: 2,
    });
    expect(addUsage({ input_tokens: 1, output_tokens: 1 }, { input_tokens: 1, output_tokens: 1 })).toEqual({
      input_tokens: 2,
      output_tokens: 2,
    });
  });
});
