import { describe, expect, it } from 'vitest';
import { parseQueryText, queryResultOf } from './query-result.js';

describe('queryResultOf', () => {
  it('reads query_database structured content', () => {
    expect(
      queryResultOf({
        columns: [{ name: 'n', type: 'int4' }],
        rows: [[1], [2]],
        row_count: 2,
        truncated: true,
        offset: 0,
        next_offset: 2,
        command: 'SELECT',
        duration_ms: 3,
      }),
    ).toEqual({
      columns: [{ name: 'n', type: 'int4' }],
      rows: [[1], [2]],
      offset: 0,
      truncated: true,
      nextOffset: 2,
      command: 'SELECT',
      durationMs: 3,
    });
  });

  it('says undefined for other tools’ results', () => {
    expect(queryResultOf({ mode: 'summary', schemas: [] })).toBeUndefined();
    expect(queryResultOf(undefined)).toBeUndefined();
  });
});

describe('parseQueryText', () => {
  it('reads rows back from the text, escapes and NULLs included, with the paging footer', () => {
    const text = [
      'id\tnote',
      '101\ta\\tb\\nc',
      '102\tNULL',
      '(2 rows shown, rows 101-102; more rows exist: call again with offset=102 to continue, or aggregate/filter in SQL)',
    ].join('\n');
    expect(parseQueryText(text)).toEqual({
      columns: [{ name: 'id' }, { name: 'note' }],
      rows: [
        ['101', 'a\tb\nc'],
        ['102', null],
      ],
      offset: 100,
      truncated: true,
      nextOffset: 102,
    });
  });

  it('reads a complete result and refuses text that is not a result', () => {
    expect(parseQueryText('revenue\n123.45\n(1 row)')).toMatchObject({
      rows: [['123.45']],
      truncated: false,
    });
    expect(parseQueryText('Query failed: relation "x" does not exist')).toBeUndefined();
  });
});
