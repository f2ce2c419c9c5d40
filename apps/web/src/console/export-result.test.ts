import { describe, expect, it } from 'vitest';
import { toCsv, toJson, toMarkdown } from './export-result.js';

const table = {
  columns: [{ name: 'id' }, { name: 'note' }, { name: 'price', type: 'numeric' }, { name: 'meta' }],
  rows: [
    [1, 'plain', '166.00', { a: 1 }],
    [2, 'with "quote", comma\nand line', '12345678901234567890.10', null],
    [3, '', null, [1, 2]],
  ],
};

describe('exports', () => {
  it('CSV quotes what needs quoting, keeps exact numbers and tells NULL from empty', () => {
    expect(toCsv(table)).toBe(
      'id,note,price,meta\r\n' +
        '1,plain,166.00,"{""a"":1}"\r\n' +
        '2,"with ""quote"", comma\nand line",12345678901234567890.10,\r\n' +
        '3,"",,"[1,2]"\r\n',
    );
  });
  it('JSON keys by column and keeps exact strings as strings', () => {
    const parsed = JSON.parse(toJson(table)) as Record<string, unknown>[];
    expect(parsed[0]).toEqual({ id: 1, note: 'plain', price: '166.00', meta: { a: 1 } });
    expect(parsed[1]!.price).toBe('12345678901234567890.10');
    expect(parsed[2]!.price).toBeNull();
  });
  it('Markdown escapes pipes and line breaks', () => {
    const md = toMarkdown({ columns: [{ name: 'a|b' }], rows: [['x|y\nz'], [null]] });
    expect(md).toBe('| a\\|b |\n| --- |\n| x\\|y<br>z |\n| NULL |\n');
  });
});
