import { withoutDisplays } from '@pgmcp/agent';
import { createScriptedLlm, scriptedText, scriptedToolCalls } from '@pgmcp/agent/testing';
import type { Conversation } from '@pgmcp/api-contract';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeApi, createFakeMcp } from '../testing/fakes.js';
import { ChatSession } from './chat-session.js';
import { ToolCall } from './tool-call.js';
import { toTranscript } from './transcript.js';

const SQL = 'SELECT id, total, name FROM orders';

// What query_database answers: bigint as text, numeric as a JSON number that lost its scale.
const ANSWER = {
  text: 'id\ttotal\tname\n9007199254740993\t166.00\tAda\n(1 row)',
  isError: false,
  structured: {
    columns: [
      { name: 'id', type: 'int8' },
      { name: 'total', type: 'numeric' },
      { name: 'name', type: 'text' },
    ],
    rows: [['9007199254740993', 166, 'Ada']],
    row_count: 1,
    truncated: false,
    command: 'SELECT',
  },
};

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The tool card of the conversation's only call, as HTML. */
function cardHtml(session: ChatSession, live: boolean): string {
  const { messages, toolRuntime } = session.store.get();
  const item = toTranscript(messages).find((i) => i.kind === 'tool')!;
  if (item.kind !== 'tool') throw new Error('no tool call');
  const { container } = render(
    <ToolCall
      item={item}
      runtime={live ? toolRuntime[item.id] : undefined}
      callTool={undefined}
      open
      onToggle={() => undefined}
    />,
  );
  const html = container.innerHTML;
  cleanup();
  return html;
}

async function liveTurn() {
  let now = 1_000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  const llm = createScriptedLlm();
  const api = createFakeApi({ authEnabled: false });
  const mcp = createFakeMcp({
    query_database: {
      run: () => {
        now += 37; // the call takes 37 ms
        return ANSWER;
      },
    },
  });
  const session = new ChatSession({ llm, mcp: async () => mcp, api });
  llm.script(
    scriptedToolCalls([{ name: 'query_database', input: { query: SQL }, id: 't1' }]),
    scriptedText('One order.'),
  );
  await session.send('Show the orders');
  return { session, api, llm, mcp };
}

/** The stored conversation as a fresh client gets it (JSON over the wire), opened in a new session. */
function reopen(conversation: Conversation, mcp: ReturnType<typeof createFakeMcp>): ChatSession {
  const session = new ChatSession({
    llm: createScriptedLlm(),
    mcp: async () => mcp,
    api: createFakeApi({ authEnabled: false }),
  });
  session.open(JSON.parse(JSON.stringify(conversation)) as Conversation);
  return session;
}

describe('a reopened conversation', () => {
  it('shows the result table exactly as it looked live: types, alignment, exact values, timing', async () => {
    const { session, api, mcp } = await liveTurn();
    const live = cardHtml(session, true);
    const stored = api.conversations[0]!;
    const reopened = cardHtml(reopen(stored, mcp), false);

    expect(reopened).toBe(live);
    const doc = new DOMParser().parseFromString(reopened, 'text/html');
    const cells = [...doc.querySelectorAll('[role="cell"]:not(.grid-num)')];
    expect(cells.map((c) => c.textContent)).toEqual(['9007199254740993', '166.00', 'Ada']);
    expect(cells.map((c) => c.classList.contains('num'))).toEqual([true, true, false]);
    expect(doc.querySelector('.tool-meta')?.textContent).toContain('1 row · 37 ms');
  });

  it('would not without what is stored with it (the check can fail)', async () => {
    const { session, api, mcp } = await liveTurn();
    const live = cardHtml(session, true);
    const stored = api.conversations[0]!;
    const bare = { ...stored, messages: withoutDisplays(stored.messages) };
    expect(cardHtml(reopen(bare, mcp), false)).not.toBe(live);
  });

  it('never sends what it stores for display to the model, also after reopening', async () => {
    const { api, mcp } = await liveTurn();
    const stored = api.conversations[0]!;
    expect(JSON.stringify(stored.messages)).toContain('"display"');
    const llm = createScriptedLlm();
    const session = new ChatSession({ llm, mcp: async () => mcp, api });
    session.open(stored);
    llm.script(scriptedText('Still one.'));
    await session.send('And now?');
    const sent = JSON.stringify(llm.requests[0]!.messages);
    expect(sent).toContain('9007199254740993'); // the result's text is there
    expect(sent).not.toContain('"display"');
  });
});
