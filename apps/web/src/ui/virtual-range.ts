/** Start offsets of every item plus the total height, from measured or estimated heights. */
export interface Layout {
  /** `tops[i]` is where item i starts; `tops[n]` is the total height. */
  tops: Float64Array;
}

/** Lays items out one under the other. */
export function layoutItems(count: number, heightOf: (index: number) => number): Layout {
  const tops = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) tops[i + 1] = tops[i]! + heightOf(i);
  return { tops };
}

/** The first index whose item ends below `offset` (binary search over the tops). */
function indexAt(tops: Float64Array, offset: number): number {
  let low = 0;
  let high = tops.length - 2;
  if (high < 0) return 0;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (tops[mid + 1]! <= offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The items to render, `[start, end)`: those overlapping the viewport plus `overscan` pixels above
 * and below, so a fast scroll does not show blank space before the next render.
 */
export function visibleRange(
  layout: Layout,
  scrollTop: number,
  viewportHeight: number,
  overscan: number,
): { start: number; end: number } {
  const count = layout.tops.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const start = indexAt(layout.tops, Math.max(0, scrollTop - overscan));
  const bottom = scrollTop + viewportHeight + overscan;
  // An item starting exactly at the bottom edge is not visible.
  let end = indexAt(layout.tops, bottom - 1e-6) + 1;
  end = Math.min(count, Math.max(end, start + 1));
  return { start, end };
}
