import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { DISPLAY_MAX_BYTES, toolResultDisplay, withDisplays, withoutDisplays } from './display.js';
import { createScriptedLlm, scriptedText } from './testing.js';

const structured = { columns: [{ name: 'n', type: 'int4' }], rows: [[1]], row_count: 1 };

const stored: Message[] = [
  { role: 'user', content: 'count' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'query_database', input: {} }] },
  {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        tool_use_id: 't1',
        content: 'n\n1\n(1 row)',
        display: { structured, duration_ms: 12 },
      },
    ],
  },
  { role: 'assistant', content: 'One.' },
  { role: 'user', content: 'again?' },
];

describe('tool result displays', () => {
  it('keep the structured result within the cap, and the timing always', () => {
    expect(toolResultDisplay(structured, 12)).toEqual({ structured, duration_ms: 12 });
    const big = { rows: [['x'.repeat(DISPLAY_MAX_BYTES)]] };
    expect(toolResultDisplay(big, 40)).toEqual({ duration_ms: 40 });
    expect(toolResultDisplay(undefined, undefined)).toBeUndefined();
  });

  it('attach by tool_use_id, keep one already there, and come off again', () => {
    const bare = withoutDisplays(stored);
    expect(JSON.stringify(bare)).not.toContain('display');
    expect(withDisplays(bare, (id) => (id === 't1' ? { duration_ms: 12, structured } : undefined))).toEqual(
      stored,
    );
    expect(withDisplays(stored, () => ({ duration_ms: 99 }))).toEqual(stored);
  });

  it('never reach the model from a stored conversation', async () => {
    const llm = createScriptedLlm();
    llm.script(scriptedText('Yes.'));
    const result = await createAgent({ llm }).runTurn(stored);
    expect(JSON.stringify(llm.requests[0]!.messages)).not.toContain('display');
    expect(result.messages.slice(0, stored.length)).toEqual(withoutDisplays(stored));
  });
});
