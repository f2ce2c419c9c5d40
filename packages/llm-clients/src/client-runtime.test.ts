import { describe, expect, it } from 'vitest';
import { retryDelay } from './client-runtime.js';
import { LlmClientError } from './errors.js';

const policy = { maxRetries: 3, retryBaseDelayMs: 100, retryMaxDelayMs: 1000 };

describe('retryDelay', () => {
  it('doubles per attempt with jitter between half and the full backoff, capped', () => {
    const error = new LlmClientError('PROVIDER_ERROR', 'x');
    expect(retryDelay(error, 1, policy, () => 0)).toBe(50);
    expect(retryDelay(error, 1, policy, () => 1)).toBe(100);
    expect(retryDelay(error, 3, policy, () => 1)).toBe(400);
    expect(retryDelay(error, 3, { ...policy, retryMaxDelayMs: 300 }, () => 1)).toBe(300);
  });

  it('stops after maxRetries and never retries permanent errors', () => {
    expect(retryDelay(new LlmClientError('TIMEOUT', 'x'), 4, policy)).toBeUndefined();
    expect(retryDelay(new LlmClientError('BAD_API_KEY', 'x'), 1, policy)).toBeUndefined();
  });

  it('waits at least retry-after, and gives up when retry-after exceeds the longest allowed wait', () => {
    expect(
      retryDelay(new LlmClientError('RATE_LIMITED', 'x', { retryAfterMs: 700 }), 1, policy, () => 0),
    ).toBe(700);
    expect(
      retryDelay(new LlmClientError('RATE_LIMITED', 'x', { retryAfterMs: 5000 }), 1, policy),
    ).toBeUndefined();
  });
});
