import { describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from './sse.js';

function parseInPieces(text: string, size: number): SseMessage[] {
  const parser = createSseParser();
  const out: SseMessage[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  parser.end();
  return out;
}

const expected: SseMessage[] = [
  { event: 'text', data: '{"type":"text","text":"a"}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'done', data: '' },
];

describe('createSseParser', () => {
  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`parses ${name} line ends, in one piece and split at every position`, () => {
      const text = [
        ': keep-alive comment',
        'event: text',
        'data: {"type":"text","text":"a"}',
        '',
        'data: line one',
        'data:line two',
        'id: 7',
        'retry: 1000',
        '',
        ':',
        'event: done',
        'data',
        '',
        '',
      ].join(eol);
      for (const size of [text.length, 1, 2, 3, 5, 8])
        expect(parseInPieces(text, size), `pieces of ${size}`).toEqual(expected);
    });
  }

  it('skips a byte-order mark, ignores events without data, and drops an unterminated event at the end', () => {
    const parser = createSseParser();
    expect(parser.push('\uFEFFevent: ping\n\n')).toEqual([]);
    expect(parser.push('data: 1\n\ndata: 2')).toEqual([{ event: 'message', data: '1' }]);
    parser.end();
    expect(parser.push('\n\n')).toEqual([]);
  });

  it('keeps colons and spaces inside values; only one leading space is removed', () => {
    const parser = createSseParser();
    expect(parser.push('data:  two spaces: {"a":1}\n\n')).toEqual([
      { event: 'message', data: ' two spaces: {"a":1}' },
    ]);
  });
});
