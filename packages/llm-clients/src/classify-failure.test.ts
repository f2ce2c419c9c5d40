import { describe, expect, it } from 'vitest';
import { classifyFailure, parseRetryAfter } from './classify-failure.js';

describe('classifyFailure', () => {
  const cases: [string, Parameters<typeof classifyFailure>[0], string][] = [
    ['401', { provider: 'p', status: 401, message: 'bad key' }, 'BAD_API_KEY'],
    [
      'Anthropic context',
      { provider: 'p', status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' },
      'CONTEXT_TOO_LONG',
    ],
    [
      'OpenAI context code',
      { provider: 'p', status: 400, code: 'context_length_exceeded', message: 'x' },
      'CONTEXT_TOO_LONG',
    ],
    [
      'llama.cpp context',
      { provider: 'p', status: 400, message: 'the request exceeds the available context size' },
      'CONTEXT_TOO_LONG',
    ],
    ['model 404', { provider: 'p', status: 404, message: "model 'x' not found" }, 'MODEL_NOT_FOUND'],
    ['path 404', { provider: 'p', status: 404, message: 'Not Found' }, 'ENDPOINT_NOT_FOUND'],
    [
      'quota',
      { provider: 'p', status: 429, code: 'insufficient_quota', message: 'You exceeded your quota' },
      'QUOTA_EXCEEDED',
    ],
    ['429', { provider: 'p', status: 429, message: 'slow down' }, 'RATE_LIMITED'],
    [
      'overloaded in stream',
      { provider: 'p', type: 'overloaded_error', message: 'Overloaded' },
      'PROVIDER_ERROR',
    ],
    ['529', { provider: 'p', status: 529, message: 'Overloaded' }, 'PROVIDER_ERROR'],
    ['403', { provider: 'p', status: 403, message: 'no' }, 'PERMISSION_DENIED'],
    ['413', { provider: 'p', status: 413, message: 'body too big' }, 'REQUEST_TOO_LARGE'],
    ['422', { provider: 'p', status: 422, message: 'bad field' }, 'BAD_REQUEST'],
  ];
  it.each(cases)('%s', (_name, failure, code) => {
    const error = classifyFailure(failure);
    expect(error.code).toBe(code);
    expect(error.message).toContain(failure.message!);
  });

  it('carries retry-after on rate limits and marks only transient codes retryable', () => {
    const error = classifyFailure({
      provider: 'p',
      status: 429,
      headers: new Headers({ 'retry-after': '7' }),
    });
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
    expect(classifyFailure({ provider: 'p', status: 400 }).retryable).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
