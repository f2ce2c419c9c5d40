import type { Message } from '@pgmcp/api-contract';
import { describe, expect, it } from 'vitest';
import { findHistoryProblem } from './history.js';

const call = (id: string): Message => ({
  role: 'assistant',
  content: [{ type: 'tool_use', id, name: 't', input: {} }],
});
const result = (...ids: string[]): Message => ({
  role: 'user',
  content: ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: 'ok' })),
});

describe('findHistoryProblem', () => {
  it('accepts plain and tool-using conversations', () => {
    expect(findHistoryProblem([{ role: 'user', content: 'hi' }])).toBeUndefined();
    expect(
      findHistoryProblem([
        { role: 'user', content: 'q' },
        call('a'),
        result('a'),
        { role: 'assistant', content: 'x' },
      ]),
    ).toBeUndefined();
    // Consecutive user messages are allowed (providers merge them).
    expect(
      findHistoryProblem([
        { role: 'user', content: 'q' },
        { role: 'user', content: 'again' },
      ]),
    ).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(findHistoryProblem([])).toBe('the history is empty');
    expect(findHistoryProblem([{ role: 'user', content: 'q' }, call('a')])).toBe(
      'message 1 (assistant) calls tools that have no results',
    );
    expect(
      findHistoryProblem([{ role: 'user', content: 'q' }, call('a'), { role: 'user', content: 'no result' }]),
    ).toBe('message 2 (user) does not answer the tool call(s) "a"');
    expect(findHistoryProblem([{ role: 'user', content: 'q' }, result('a')])).toBe(
      'message 1 (user) has a tool_result for "a", which the message before did not call',
    );
    expect(findHistoryProblem([{ role: 'user', content: 'q' }, call('a'), result('a', 'a')])).toBe(
      'message 2 (user) answers "a" twice',
    );
    expect(
      findHistoryProblem([{ role: 'user', content: 'q' }, call('a'), result('a'), call('a'), result('a')]),
    ).toBe('message 3 (assistant) reuses the tool_use id "a"');
    expect(
      findHistoryProblem([{ role: 'user', content: [{ type: 'tool_use', id: 'x', name: 't', input: {} }] }]),
    ).toBe('message 0 (user) contains a tool_use; only the assistant calls tools');
    expect(findHistoryProblem([{ role: 'system' as never, content: 'x' }])).toBe(
      'message 0 (system) has an unknown role',
    );
  });
});
