import { describe, expect, it } from 'vitest';
import {
  assistant,
  dbSession,
  expectToolPairsAdjacent,
  toolCall,
  toolResult,
  user,
} from '../test/conversations.js';
import { compactLocally } from './compact-locally.js';
import { CompactorError } from './errors.js';

describe('compactLocally', () => {
  it('keeps the first message and the last N', () => {
    const messages = dbSession(10); // 42 messages; the 5th from the end is a user question
    const kept = compactLocally(messages, { keepLast: 5 });
    expect(kept).toHaveLength(6);
    expect(kept[0]).toEqual(messages[0]);
    expect(kept.slice(1)).toEqual(messages.slice(-5));
    expectToolPairsAdjacent(kept);
  });

  it('moves the cut back so a tool result keeps its call', () => {
    const messages = dbSession(10);
    const kept = compactLocally(messages, { keepLast: 2 }); // would start on call-9's result
    expect(kept.slice(1)).toEqual(messages.slice(-3));
    expectToolPairsAdjacent(kept);
  });

  it('returns the kept messages exactly as given, same-role neighbours included', () => {
    const messages = dbSession(10);
    const seam = compactLocally(messages, { keepLast: 4 }); // first (user) + a user question
    expect(seam.map((m) => m.role)).toEqual(['user', 'user', 'assistant', 'user', 'assistant']);
    expect(seam[0]).toBe(messages[0]);
    seam.slice(1).forEach((m, i) => expect(m).toBe(messages[messages.length - 4 + i]));
  });

  it('keeps an opening tool pair whole', () => {
    const messages = [
      toolCall('boot', 'get_schema_info', {}),
      toolResult('boot', 'public.orders'),
      assistant('The shop schema has one table.'),
      user('Show me its columns.'),
      assistant('It has id, total and status.'),
    ];
    expect(compactLocally(messages, { keepLast: 1 })).toEqual([messages[0], messages[1], messages[4]]);
  });

  it('returns a copy of a conversation that is already short', () => {
    const messages = dbSession(1);
    const kept = compactLocally(messages);
    expect(kept).toEqual(messages);
    expect(kept).not.toBe(messages);
    expect(compactLocally([])).toEqual([]);
  });

  it('keeps only the first message with keepLast 0', () => {
    const messages = dbSession(3);
    expect(compactLocally(messages, { keepLast: 0 })).toEqual([messages[0]]);
  });

  it('rejects a bad keepLast', () => {
    expect(() => compactLocally(dbSession(1), { keepLast: -2 })).toThrow(CompactorError);
    expect(() => compactLocally(dbSession(1), { keepLast: 2.5 })).toThrow(
      /keepLast must be an integer >= 0; got 2.5/,
    );
  });
});
