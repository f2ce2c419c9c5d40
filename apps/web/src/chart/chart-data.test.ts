import { describe, expect, it } from 'vitest';
import { chartData, defaultSpec } from './chart-data.js';

const columns = [
  { name: 'month', type: 'date' },
  { name: 'revenue', type: 'numeric' },
  { name: 'orders', type: 'bigint' },
];
const rows = [
  ['2025-02-01', '20.50', 3],
  ['2025-01-01', '10.00', null],
];

describe('chart data', () => {
  it('guesses a time line over the numeric columns', () => {
    expect(defaultSpec(columns, rows)).toEqual({ kind: 'line', x: 0, ys: [1, 2] });
  });
  it('sorts time x ascending and keeps NULL gaps', () => {
    const data = chartData(columns, rows, { kind: 'line', x: 0, ys: [1, 2] });
    expect(data.time).toBe(true);
    expect(data.xs[0]).toBeLessThan(data.xs[1]!);
    expect(data.series).toEqual([
      { name: 'revenue', values: [10, 20.5] },
      { name: 'orders', values: [null, 3] },
    ]);
  });
  it('uses categories for text x, in result order', () => {
    const text = [
      { name: 'status', type: 'text' },
      { name: 'n', type: 'bigint' },
    ];
    const data = chartData(
      text,
      [
        ['open', 5],
        ['closed', 2],
      ],
      { kind: 'bar', x: 0, ys: [1] },
    );
    expect(data.categories).toEqual(['open', 'closed']);
    expect(data.xs).toEqual([0, 1]);
    expect(defaultSpec(text, [['open', 5]])?.kind).toBe('bar');
  });
  it('offers nothing without a numeric column', () => {
    expect(defaultSpec([{ name: 'a', type: 'text' }], [['x']])).toBeUndefined();
  });
});
