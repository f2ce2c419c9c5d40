import { describe, expect, it } from 'vitest';
import { toToolCallOutcome } from './mcp-toolbox.js';
import { mayWrite, rowCountOf, statementOf } from './toolbox.js';

describe('toToolCallOutcome', () => {
  it('joins text content into one string and keeps structured content for the UI', () => {
    expect(
      toToolCallOutcome({
        content: [
          { type: 'text', text: 'n\n5' },
          { type: 'text', text: '(1 row)' },
        ],
        structuredContent: { rows: [[5]], row_count: 1 },
      }),
    ).toEqual({ content: 'n\n5\n(1 row)', isError: false, structuredContent: { rows: [[5]], row_count: 1 } });
  });

  it('keeps images as image blocks and describes what the model cannot read', () => {
    const outcome = toToolCallOutcome({
      isError: true,
      content: [
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'pg://system_info', text: '{"version":"18"}' } },
        { type: 'resource', resource: { uri: 'file:///x.bin', blob: 'AA==' } },
        { type: 'resource_link', uri: 'pg://connection_info', name: 'conn', description: 'the connection' },
        { type: 'audio', data: 'AA==', mimeType: 'audio/wav' },
      ],
    });
    expect(outcome).toEqual({
      isError: true,
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'aGk=' } },
        { type: 'text', text: 'Resource pg://system_info:\n{"version":"18"}' },
        { type: 'text', text: '[binary resource file:///x.bin left out]' },
        { type: 'text', text: 'Resource link: pg://connection_info — the connection' },
        { type: 'text', text: '[audio (audio/wav) left out]' },
      ],
    });
  });

  it('never sends an empty result', () => {
    expect(toToolCallOutcome({ content: [] }).content).toBe('(no output)');
    expect(toToolCallOutcome({ content: [], structuredContent: { count: 3 } }).content).toBe('{"count":3}');
  });
});

describe('tool helpers', () => {
  it('mayWrite follows the annotations, with MCP defaults when they are missing', () => {
    expect(mayWrite({ annotations: { readOnlyHint: true } })).toBe(false);
    expect(mayWrite({ annotations: { readOnlyHint: false, destructiveHint: false } })).toBe(true);
    expect(mayWrite({ annotations: { readOnlyHint: true, destructiveHint: true } })).toBe(true);
    expect(mayWrite({ annotations: {} })).toBe(true);
  });

  it('finds the statement and the row count', () => {
    expect(statementOf({ query: 'SELECT 1', limit: 5 })).toBe('SELECT 1');
    expect(statementOf({ sql: 'DELETE FROM t' })).toBe('DELETE FROM t');
    expect(statementOf({ statement: 'VACUUM' })).toBe('VACUUM');
    expect(statementOf({ query: '  ', table: 'x' })).toBeUndefined();
    expect(rowCountOf({ row_count: 7, rows: [] })).toBe(7);
    expect(rowCountOf({ rows: [[1], [2]] })).toBe(2);
    expect(rowCountOf({ count: 3 })).toBeUndefined();
    expect(rowCountOf(undefined)).toBeUndefined();
  });
});
