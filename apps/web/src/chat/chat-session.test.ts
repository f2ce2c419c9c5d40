import { createScriptedLlm, scriptedError, scriptedText, scriptedToolCalls } from '@pgmcp/agent/testing';
import { COMPACTION_POLICY } from '@pgmcp/agent';
import { describe, expect, it } from 'vitest';
import { createFakeApi, createFakeMcp, fakeRows } from '../testing/fakes.js';
import { ChatSession, modelErrorText } from './chat-session.js';

function setup(tools = {}) {
  const llm = createScriptedLlm();
  const api = createFakeApi({ authEnabled: false });
  const mcp = createFakeMcp({
    query_database: { run: (input) => fakeRows(Number(input.offset ?? 0), 3, 10) },
    ...tools,
  });
  const lost: string[] = [];
  const session = new ChatSession({
    llm,
    mcp: async () => mcp,
    api,
    onUnauthorized: (draft) => lost.push(draft),
  });
  return { llm, api, mcp, session, lost };
}

describe('ChatSession', () => {
  it('runs a turn with a tool call, keeps its structured result and stores the conversation', async () => {
    const { llm, api, session } = setup();
    llm.script(
      scriptedToolCalls([{ name: 'query_database', input: { query: 'SELECT 1' }, id: 't1' }]),
      scriptedText('There are **10** rows.', { chunks: 4 }),
    );
    await session.send('How many rows?', { provider: 'anthropic', model: 'claude-test', connection: 'demo' });

    const state = session.store.get();
    expect(state.running).toBe(false);
    expect(state.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(state.toolRuntime.t1).toMatchObject({ status: 'ok', rowCount: 3 });
    expect(state.toolRuntime.t1?.structured).toMatchObject({ next_offset: 3 });
    expect(state.usage).toMatchObject({ turns: 1, lastTurn: { input_tokens: 20, output_tokens: 10 } });
    expect(llm.requests[0]).toMatchObject({ provider: 'anthropic', model: 'claude-test' });

    expect(api.conversations).toHaveLength(1);
    expect(api.conversations[0]).toMatchObject({ connection: 'demo', model: 'claude-test' });
    expect(state.conversationId).toBe(api.conversations[0]!.id);

    // The next turn updates the same conversation and sends the whole history.
    llm.script(scriptedText('Still 10.'));
    await session.send('And now?');
    expect(api.conversations).toHaveLength(1);
    expect(api.conversations[0]!.messages).toHaveLength(6);
    expect(llm.requests[2]!.messages).toHaveLength(5);
  });

  it('asks before a tool that may write and runs nothing when the user declines', async () => {
    const { llm, mcp, session } = setup({
      query_database: {
        annotations: { readOnlyHint: false, destructiveHint: true },
        run: () => ({ text: 'INSERT 0 1', isError: false }),
      },
    });
    llm.script(
      scriptedToolCalls([{ name: 'query_database', input: { query: 'INSERT INTO t VALUES (1)' }, id: 'w1' }]),
      scriptedText('Not inserted.'),
    );
    const turn = session.send('Insert a row', { connection: 'rw' });
    await expect.poll(() => session.store.get().confirmation).toBeDefined();
    const pending = session.store.get().confirmation!;
    expect(pending).toMatchObject({
      toolName: 'query_database',
      sql: 'INSERT INTO t VALUES (1)',
      connection: 'rw',
    });
    expect(session.store.get().toolRuntime.w1?.status).toBe('awaiting_confirmation');
    pending.answer(false);
    await turn;
    expect(mcp.calls).toEqual([]);
    expect(session.store.get().toolRuntime.w1?.status).toBe('declined');
    expect(session.store.get().confirmation).toBeUndefined();
  });

  it('stops a streaming answer and keeps what arrived', async () => {
    const { llm, session } = setup();
    llm.script({
      events: [
        { type: 'text', text: 'Counting' },
        { type: 'text', text: ' the rows' },
        { type: 'done', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
      ],
      delayMs: 40,
    });
    const turn = session.send('Count slowly');
    await expect.poll(() => session.store.get().streamingText).toContain('Counting');
    session.stop();
    await turn;
    const state = session.store.get();
    expect(state.running).toBe(false);
    expect(llm.abortedRequests).toBe(1);
    expect(state.notices.at(-1)).toMatchObject({ tone: 'info' });
    expect(JSON.stringify(state.messages.at(-1))).toContain('Counting');
  });

  it('shows the server’s own words when the model call fails', async () => {
    const { llm, session } = setup();
    const message = 'No LLM provider is configured on this pgmcp server. Set ANTHROPIC_API_KEY.';
    llm.script(scriptedError('LLM_NOT_CONFIGURED', message));
    await session.send('Hello');
    expect(session.store.get().notices.at(-1)).toMatchObject({ tone: 'error', text: message });
  });

  it('gives the message back when the session has ended, and stores nothing', async () => {
    const { llm, api, session, lost } = setup();
    llm.script(scriptedError('UNAUTHORIZED', 'Log in again.'));
    await session.send('My long question');
    expect(lost).toEqual(['My long question']);
    expect(session.store.get().messages).toEqual([]);
    expect(api.conversations).toEqual([]);
  });

  it('compacts a long history on the server, and locally when the server fails', async () => {
    const { llm, api, session } = setup();
    const long = 'x'.repeat(20_000);
    const stored = await api.createConversation({
      body: {
        messages: Array.from({ length: 30 }, (_, i) => ({
          role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
          content: `${i} ${long}`,
        })),
      },
    });
    session.open(stored);
    llm.respond(() => scriptedText('ok'));
    // A 10k-token window compacts above 7k tokens, down to 6k; the history is ~150k.
    await session.send('Next', { contextWindow: 10_000 });
    expect(api.compactCalls).toBe(1);
    expect(llm.requests[0]!.messages).toHaveLength(3);
    expect(session.store.get().messages).toHaveLength(32); // the user still sees everything

    session.open(await api.getConversation({ params: { id: stored.id } }));
    api.failCompaction = true;
    await session.send('Again', { contextWindow: 10_000 });
    expect(api.compactCalls).toBe(2);
    // First message + the policy's recent window (the fallback), ending with the new question.
    expect(llm.requests[1]!.messages).toHaveLength(1 + COMPACTION_POLICY.recentWindow);
    expect(session.store.get().notices.some((n) => /could not compact/.test(n.text))).toBe(true);
  });
});

describe('modelErrorText', () => {
  it('strips the agent’s prefix only', () => {
    expect(modelErrorText('The model call failed (X): Set A.', 'X')).toBe('Set A.');
    expect(modelErrorText('Other', 'X')).toBe('Other');
  });
});

describe('ChatSession.reset', () => {
  it('forgets the conversation it had, so the next turn creates a new one', async () => {
    const { llm, api, session } = setup();
    llm.respond(() => scriptedText('ok'));
    await session.send('First');
    expect(session.store.get().conversationId).toBeDefined();
    session.reset();
    expect(session.store.get()).toMatchObject({ conversationId: undefined, title: undefined, messages: [] });
    await session.send('Second');
    expect(api.conversations).toHaveLength(2);
  });
});

describe('streaming', () => {
  it('changes only the streaming text per chunk; the history changes once per message', async () => {
    const { llm, session } = setup();
    const chunks = Array.from({ length: 40 }, (_, i) => ({ type: 'text' as const, text: `w${i} ` }));
    llm.script({
      events: [
        ...chunks,
        { type: 'done', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
      ],
      delayMs: 3,
    });
    const histories = new Set<unknown>();
    let textUpdates = 0;
    let lastText = '';
    const unsubscribe = session.store.subscribe(() => {
      const state = session.store.get();
      histories.add(state.messages);
      if (state.streamingText !== lastText) {
        lastText = state.streamingText;
        textUpdates++;
      }
    });
    await session.send('Stream a long answer');
    unsubscribe();
    // The user's message, the assistant's message as it completed, and the final history of the turn.
    expect(histories.size).toBeLessThanOrEqual(3);
    expect(textUpdates).toBeGreaterThan(3);
    expect(JSON.stringify(session.store.get().messages.at(-1))).toContain('w39');
  });
});
