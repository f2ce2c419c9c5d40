import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import { assistant, toolCall, toolResult, user } from '../test/conversations.js';
import { groupUnits, unitIndexOf } from './conversation.js';
import { sha256Hex } from './hash.js';

describe('groupUnits', () => {
  it('puts each tool call with its result and leaves other messages alone', () => {
    const messages = [
      user('q'),
      toolCall('a', 'query_database', {}),
      toolResult('a', 'r'),
      assistant('x'),
      user('y'),
    ];
    expect(groupUnits(messages)).toEqual([
      { start: 0, end: 0 },
      { start: 1, end: 2 },
      { start: 3, end: 3 },
      { start: 4, end: 4 },
    ]);
  });

  it('spans everything between a call and a late result', () => {
    const parallel: Message = {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'a', name: 'query_database', input: {} },
        { type: 'tool_use', id: 'b', name: 'count_rows', input: {} },
      ],
    };
    const messages = [
      user('q'),
      parallel,
      toolResult('a', '1'),
      assistant('partial'),
      toolResult('b', '2'),
      assistant('done'),
    ];
    expect(groupUnits(messages)).toEqual([
      { start: 0, end: 0 },
      { start: 1, end: 4 },
      { start: 5, end: 5 },
    ]);
  });

  it('pairs a result with the latest call of its id, so reused ids do not chain the conversation', () => {
    const messages = [
      toolCall('x', 't', {}),
      toolResult('x', '1'),
      assistant('a'),
      toolCall('x', 't', {}),
      toolResult('x', '2'),
    ];
    expect(groupUnits(messages)).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 2 },
      { start: 3, end: 4 },
    ]);
  });

  it('leaves orphans as units of their own', () => {
    const messages = [toolResult('ghost', 'r'), toolCall('pending', 't', {})];
    expect(groupUnits(messages)).toEqual([
      { start: 0, end: 0 },
      { start: 1, end: 1 },
    ]);
  });

  it('finds the unit of a message', () => {
    const units = [
      { start: 0, end: 0 },
      { start: 1, end: 4 },
      { start: 5, end: 5 },
    ];
    expect([0, 1, 3, 4, 5].map((i) => unitIndexOf(units, i))).toEqual([0, 1, 1, 1, 2]);
  });
});

describe('sha256Hex', () => {
  it('hashes with Web Crypto', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
