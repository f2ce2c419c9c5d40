import { describe, expect, it } from 'vitest';
import { layoutItems, visibleRange } from './virtual-range.js';

describe('visibleRange', () => {
  const layout = layoutItems(1000, (i) => (i % 2 === 0 ? 50 : 100)); // pairs of 150 px

  it('lays items out cumulatively', () => {
    expect(layout.tops[0]).toBe(0);
    expect(layout.tops[2]).toBe(150);
    expect(layout.tops[1000]).toBe(75_000);
  });

  it('renders only what overlaps the viewport and the overscan', () => {
    expect(visibleRange(layout, 0, 300, 0)).toEqual({ start: 0, end: 4 });
    // 1500 px down is item 20; the viewport of 300 px ends at 1800 (item 24 starts there).
    expect(visibleRange(layout, 1500, 300, 0)).toEqual({ start: 20, end: 24 });
    expect(visibleRange(layout, 1500, 300, 150)).toEqual({ start: 18, end: 26 });
  });

  it('stays within the list at both ends', () => {
    expect(visibleRange(layout, 74_900, 600, 1000)).toEqual({ start: 985, end: 1000 });
    expect(visibleRange(layout, -50, 100, 0).start).toBe(0);
    expect(
      visibleRange(
        layoutItems(0, () => 10),
        0,
        100,
        0,
      ),
    ).toEqual({ start: 0, end: 0 });
  });

  it('keeps the number of rendered items small for a long list', () => {
    const { start, end } = visibleRange(layout, 30_000, 900, 800);
    expect(end - start).toBeLessThan(40);
  });
});
