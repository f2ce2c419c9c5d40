import { describe, expect, it } from 'vitest';
import { compareCells, displayValue, exactResult } from './result-values.js';

describe('exactResult', () => {
  it('keeps numeric scale and long numbers from the text answer', () => {
    const structured = {
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'price', type: 'numeric' },
        { name: 'at', type: 'timestamptz' },
      ],
      rows: [
        ['9007199254740993', 166, '2025-01-02 03:04:05+01'],
        [2, 0.1, null],
      ],
    };
    const text = 'id\tprice\tat\n9007199254740993\t166.00\t2025-01-02 03:04:05+01\n2\t0.10\tNULL\n(2 rows)';
    const result = exactResult(structured, text)!;
    expect(result.rows[0]).toEqual(['9007199254740993', '166.00', '2025-01-02 03:04:05+01']);
    expect(result.rows[1]).toEqual([2, '0.10', null]);
  });
  it('falls back to the structured rows when the text does not match', () => {
    const structured = { columns: [{ name: 'n', type: 'numeric' }], rows: [[1]] };
    expect(exactResult(structured, 'garbage')!.rows).toEqual([[1]]);
  });
});

describe('displayValue', () => {
  it('shows NULL, json compact, bytea shortened with its length', () => {
    expect(displayValue(null)).toBe('NULL');
    expect(displayValue({ a: [1] })).toBe('{"a":[1]}');
    expect(displayValue(`\\x${'ab'.repeat(40)}`, 'bytea')).toBe(`\\x${'ab'.repeat(32)}… (40 bytes)`);
    expect(displayValue('\\x0102', 'bytea')).toBe('\\x0102');
  });
});

describe('compareCells', () => {
  it('orders numbers by value, exact strings included, NULLs last', () => {
    const values = ['10.00', null, '9.5', 100, '-1'];
    expect([...values].sort((a, b) => compareCells(a, b, true))).toEqual(['-1', '9.5', '10.00', 100, null]);
  });
  it('orders text naturally', () => {
    expect(['b', 'a10', 'a9'].sort((a, b) => compareCells(a, b, false))).toEqual(['a9', 'a10', 'b']);
  });
});
