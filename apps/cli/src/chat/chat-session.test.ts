import path from 'node:path';
import { createScriptedLlm, scriptedText } from '@pgmcp/agent/testing';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { describe, expect, it } from 'vitest';
import type { ChatBackend } from './backend.js';
import { createRememberedSettings } from './chat-files.js';
import { createChatSession } from './chat-session.js';
import { createLocalConversationStore } from './local-conversations.js';

// The session against an in-memory backend: a scripted model, no tools, a compactor that fails.

function backendWith(compact: ChatBackend['compact']) {
  const dir = makeTempDir('pgmcp-chat-session-');
  const llm = createScriptedLlm();
  llm.respond((request) =>
    scriptedText(`Answer ${request.messages.length}: ${'rows and columns '.repeat(20)}`),
  );
  const backend: ChatBackend = {
    mode: 'server',
    label: 'test',
    settingsKey: 'test',
    llm,
    mcp: undefined as never,
    toolbox: { listTools: async () => [], callTool: () => Promise.reject(new Error('no tools')) },
    conversations: createLocalConversationStore(path.join(dir, 'conversations')),
    providers: async () => ({
      providers: [{ name: 'openai', defaultModel: 'gpt-x' }],
      defaultProvider: 'openai',
    }),
    models: async () => [{ id: 'gpt-x', context_window: 2000 }],
    databases: async () => [],
    selectDatabase: async () => undefined,
    compact,
    relogin: async () => false,
    close: async () => undefined,
  };
  return { backend, llm, dir };
}

const turn = { signal: new AbortController().signal, onEvent: () => undefined, confirm: () => false };

describe('createChatSession', () => {
  it('keeps the first and last messages when the compactor fails, and says why', async () => {
    const { backend, llm, dir } = backendWith(() => Promise.reject(new Error('the server is busy')));
    const session = await createChatSession({
      backend,
      remembered: createRememberedSettings(dir),
      initial: {},
      autoSave: false,
      warn: () => undefined,
    });
    // A 2000-token window: the history may take 1400 tokens.
    expect(await session.budgetTokens()).toBe(1400);
    let outcome;
    for (let i = 1; i <= 30 && !outcome?.compaction; i++) {
      outcome = await session.runTurn([{ role: 'user', content: `Question ${i}` }], turn);
    }
    expect(outcome?.compaction).toMatchObject({ by: 'fallback', reason: 'the server is busy' });
    const sent = llm.requests.at(-1)!.messages;
    // The first message and the last six (the recent window), the new question last.
    expect(sent).toHaveLength(7);
    expect(sent[0]).toEqual({ role: 'user', content: 'Question 1' });
    expect(session.context).toHaveLength(8);
    // The transcript keeps everything.
    expect(session.transcript.length).toBeGreaterThan(session.context.length);
  });

  it('saves after each turn when asked, under one conversation', async () => {
    const { backend, dir } = backendWith(() => Promise.reject(new Error('unused')));
    const session = await createChatSession({
      backend,
      remembered: createRememberedSettings(dir),
      initial: {},
      autoSave: true,
      warn: () => undefined,
    });
    const first = await session.runTurn([{ role: 'user', content: 'What is in the shop?' }], turn);
    const second = await session.runTurn([{ role: 'user', content: 'And in stock?' }], turn);
    expect(second.savedAs).toBe(first.savedAs);
    const stored = await backend.conversations.get(first.savedAs!);
    expect(stored).toMatchObject({ title: 'What is in the shop?', provider: 'openai', model: 'gpt-x' });
    expect(stored.messages).toHaveLength(4);
  });

  it('refuses a --provider the backend does not offer, naming the ones it does', async () => {
    const { backend, dir } = backendWith(() => Promise.reject(new Error('unused')));
    await expect(
      createChatSession({
        backend,
        remembered: createRememberedSettings(dir),
        initial: { provider: 'ollama' },
        autoSave: false,
        warn: () => undefined,
      }),
    ).rejects.toThrow('--provider: "ollama" is not configured on this server; choose one of openai.');
  });
});
