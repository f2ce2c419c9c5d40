import { inspect } from 'node:util';
import { isLlmClientError, type LlmClientError, type RetryEvent } from '@pgmcp/llm-clients';
import {
  disconnectReply,
  errorReply,
  hangReply,
  rateLimitReply,
  startFakeProvider,
  textReply,
  toolCallReply,
  type FakeProvider,
} from '@pgmcp/llm-clients/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, clientFor, collect, deadUrl, PROVIDERS, textOf } from './helpers.js';

const hi = { messages: [{ role: 'user' as const, content: 'hi' }] };

async function failure(promise: Promise<unknown>): Promise<LlmClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isLlmClientError(error)) throw new Error(`expected an LlmClientError, got ${String(error)}`);
  return error;
}

describe.each(PROVIDERS)('%s: retries, timeouts, cancellation, redaction', (provider) => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await startFakeProvider({ provider });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('retries 5xx answers and succeeds, telling onRetry each time', async () => {
    const retries: RetryEvent[] = [];
    fake.script(errorReply(500, 'boom'), errorReply(503, 'busy'), textReply('finally'));
    const result = await clientFor(fake, { onRetry: (e) => retries.push(e) }).chat(hi);
    expect(result.content).toEqual([{ type: 'text', text: 'finally' }]);
    expect(fake.chatRequests).toHaveLength(3);
    expect(retries.map((r) => [r.attempt, r.error.code])).toEqual([
      [1, 'PROVIDER_ERROR'],
      [2, 'PROVIDER_ERROR'],
    ]);
  });

  it('gives up after maxRetries with the last error', async () => {
    fake.script(
      errorReply(500, 'a'),
      errorReply(500, 'b'),
      errorReply(502, 'still down'),
      textReply('never'),
    );
    const error = await failure(clientFor(fake, { maxRetries: 2 }).chat(hi));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.status).toBe(502);
    expect(error.message).toContain('still down');
    expect(fake.chatRequests).toHaveLength(3);
    expect(fake.pendingReplies).toBe(1);
  });

  it('does not retry what cannot succeed', async () => {
    fake.script(errorReply(400, 'messages: field required'), textReply('never'));
    const error = await failure(clientFor(fake).chat(hi));
    expect(error.code).toBe('BAD_REQUEST');
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('waits as long as retry-after asks before retrying a 429', async () => {
    const retries: RetryEvent[] = [];
    fake.script(rateLimitReply(1), textReply('ok'));
    await clientFor(fake, { onRetry: (e) => retries.push(e) }).chat(hi);
    const [first, second] = fake.chatRequests;
    expect(retries[0]).toMatchObject({ attempt: 1, error: { code: 'RATE_LIMITED', retryAfterMs: 1000 } });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    // A little slack for timer granularity.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(990);
  });

  it('fails at once with retryAfterMs when retry-after is longer than retryMaxDelayMs', async () => {
    fake.script(rateLimitReply(120), textReply('never'));
    const error = await failure(clientFor(fake).chat(hi));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 120_000, retryable: true });
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('times out each attempt, retries, and closes every timed-out connection', async () => {
    fake.script(hangReply(), hangReply());
    const error = await failure(clientFor(fake, { timeoutMs: 300, maxRetries: 1 }).chat(hi));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('300 ms');
    await fake.waitForClientClose(0);
    await fake.waitForClientClose(1);
  });

  it('times out a stream that stalls midway and stops the request', async () => {
    fake.script(textReply('a long answer that stalls', { stream: { textChunkSize: 2, hangAfterChunks: 5 } }));
    const events = await collect(clientFor(fake, { timeoutMs: 300 }).stream(hi));
    expect(events.some((e) => e.type === 'text')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'TIMEOUT' });
    expect(events.some((e) => e.type === 'done')).toBe(false);
    await fake.waitForClientClose(0);
  });

  it('cancels a stream mid-way: an error event, and the provider sees the connection close', async () => {
    fake.script(textReply('abcdefghijklmnopqrstuvwxyz', { stream: { textChunkSize: 1, delayMs: 30 } }));
    const controller = new AbortController();
    const events = [];
    for await (const event of clientFor(fake).stream({ ...hi, signal: controller.signal })) {
      events.push(event);
      if (event.type === 'text') controller.abort();
    }
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'error', code: 'CANCELLED' });
    await fake.waitForClientClose(0);
  });

  it('closes the connection when the consumer stops reading', async () => {
    fake.script(textReply('abcdefghij', { stream: { textChunkSize: 1, hangAfterChunks: 6 } }));
    for await (const event of clientFor(fake).stream(hi)) {
      if (event.type === 'text') break;
    }
    await fake.waitForClientClose(0);
  });

  it('cancels a waiting chat call and aborts its request', async () => {
    fake.script(hangReply());
    const controller = new AbortController();
    const pending = failure(clientFor(fake).chat({ ...hi, signal: controller.signal }));
    await fake.waitForRequests(1);
    controller.abort();
    expect((await pending).code).toBe('CANCELLED');
    await fake.waitForClientClose(0);
  });

  it('sends nothing for an already-aborted signal', async () => {
    const error = await failure(clientFor(fake).chat({ ...hi, signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
    expect(fake.requests).toHaveLength(0);
  });

  it('stops waiting between retries when cancelled', async () => {
    fake.script(errorReply(500, 'down'), textReply('never'));
    const controller = new AbortController();
    const pending = failure(
      clientFor(fake, { retryBaseDelayMs: 60_000 }).chat({ ...hi, signal: controller.signal }),
    );
    await fake.waitForRequests(1);
    controller.abort();
    expect((await pending).code).toBe('CANCELLED');
    expect(fake.chatRequests).toHaveLength(1);
  }, 5000);

  it('reports an unreachable provider after retrying', async () => {
    const retries: RetryEvent[] = [];
    const dead = clientFor({ provider, url: await deadUrl() }, { onRetry: (e) => retries.push(e) });
    const error = await failure(dead.chat(hi));
    expect(error.code).toBe('PROVIDER_UNREACHABLE');
    expect(retries.map((r) => r.error.code)).toEqual(['PROVIDER_UNREACHABLE', 'PROVIDER_UNREACHABLE']);
  });

  it('retries after a dropped connection', async () => {
    fake.script(disconnectReply(), textReply('back'));
    expect((await clientFor(fake).chat(hi)).content).toEqual([{ type: 'text', text: 'back' }]);
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('retries a stream that fails before its first event, but not one that fails midway', async () => {
    fake.script(errorReply(503, 'warming up'), textReply('streamed'));
    const events = await collect(clientFor(fake).stream(hi));
    expect(textOf(events)).toBe('streamed');
    expect(events.at(-1)?.type).toBe('done');

    fake.reset();
    fake.script(
      errorReply(529, 'Overloaded', { midStream: true, partialText: 'Hel', type: 'overloaded_error' }),
      textReply('never'),
    );
    const failed = await collect(clientFor(fake).stream(hi));
    expect(failed).toEqual([
      { type: 'text', text: 'Hel' },
      { type: 'error', code: 'PROVIDER_ERROR', message: expect.stringContaining('Overloaded') },
    ]);
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('reports tool arguments that are not JSON as a clear error, streaming or not', async () => {
    const bad = toolCallReply({ name: 'query_database', rawArguments: '{"query": "SELECT' });
    fake.script(bad, bad);
    const events = await collect(clientFor(fake).stream(hi));
    expect(events.at(-1)).toEqual({
      type: 'error',
      code: 'BAD_RESPONSE',
      message: expect.stringContaining('"query_database" that are not valid JSON'),
    });
    const error = await failure(clientFor(fake).chat(hi));
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toContain('query_database');
  });

  it('never shows the API key, even when the provider echoes it back', async () => {
    const guarded = await startFakeProvider({ provider, apiKey: 'the-right-key-0000000000' });
    try {
      const wrong = clientFor(guarded);
      const error = await failure(wrong.chat(hi));
      expect(error.code).toBe('BAD_API_KEY');
      const streamed = await collect(wrong.stream(hi));
      expect(streamed).toEqual([{ type: 'error', code: 'BAD_API_KEY', message: expect.any(String) }]);
      // The fake really echoed the key, so redaction is what keeps it out.
      expect(
        guarded.requests[0]!.headers.authorization ?? guarded.requests[0]!.headers['x-api-key'],
      ).toContain(API_KEY);
      fake.script(errorReply(400, `Invalid request from API key ${API_KEY} (key: ${API_KEY})`));
      const echoed = await failure(clientFor(fake).chat(hi));
      expect(echoed.message).toContain('[REDACTED]');
      for (const shown of [
        error.message,
        String(error.cause),
        inspect(error, { depth: 5 }),
        JSON.stringify(error),
        streamed[0]!.type === 'error' ? streamed[0]!.message : '',
        echoed.message,
        inspect(echoed, { depth: 5 }),
        inspect(wrong, { depth: 5 }),
      ]) {
        expect(shown).not.toContain(API_KEY);
        expect(shown).not.toContain(API_KEY.slice(3, 20));
      }
    } finally {
      await guarded.close();
    }
  });
});
