import { describe, expect, it } from 'vitest';
import { bm25, type CorpusStats, parseVector, type RankCandidate, rankHybrid } from './hybrid-ranking.js';

const stats: CorpusStats = { documents: 100, averageLength: 10, documentFrequency: { rare: 2, common: 90 } };
const doc = (
  key: string,
  tf: Record<string, number>,
  vector: number | null,
  embedding: number[] | null = null,
  length = 10,
): RankCandidate => ({
  key,
  termFrequencies: tf,
  length,
  vectorSimilarity: vector,
  embedding,
});

describe('bm25', () => {
  it('weighs rare terms above common ones and saturates repeated terms', () => {
    expect(bm25(doc('a', { rare: 1 }, null), stats)).toBeGreaterThan(
      bm25(doc('b', { common: 1 }, null), stats),
    );
    const once = bm25(doc('a', { rare: 1 }, null), stats);
    const thrice = bm25(doc('a', { rare: 3 }, null), stats);
    expect(thrice).toBeGreaterThan(once);
    expect(thrice).toBeLessThan(3 * once);
  });

  it('favours shorter documents for the same matches', () => {
    expect(bm25(doc('a', { rare: 1 }, null, null, 5), stats)).toBeGreaterThan(
      bm25(doc('b', { rare: 1 }, null, null, 50), stats),
    );
  });
});

describe('rankHybrid', () => {
  const candidates = [
    doc('vector-only', {}, 0.9, [1, 0, 0]),
    doc('keyword-only', { rare: 2 }, 0.1, [0, 1, 0]),
    doc('both', { rare: 1 }, 0.8, [0.9, 0.1, 0]),
  ];

  it('moves from keyword to vector ranking with vector_weight', () => {
    const byVector = rankHybrid(candidates, stats, { vectorWeight: 1, diversity: 0, limit: 3 });
    expect(byVector.map((r) => r.key)).toEqual(['vector-only', 'both', 'keyword-only']);
    const byKeyword = rankHybrid(candidates, stats, { vectorWeight: 0, diversity: 0, limit: 3 });
    expect(byKeyword.map((r) => r.key)[0]).toBe('keyword-only');
    const hybrid = rankHybrid(candidates, stats, { vectorWeight: 0.5, diversity: 0, limit: 1 });
    expect(hybrid[0]!.key).toBe('both');
  });

  it('skips a near-copy of a chosen result when asked for diversity', () => {
    const copies = [doc('a', {}, 0.9, [1, 0]), doc('a-copy', {}, 0.9, [1, 0]), doc('other', {}, 0.5, [0, 1])];
    expect(rankHybrid(copies, stats, { vectorWeight: 1, diversity: 0, limit: 2 }).map((r) => r.key)).toEqual([
      'a',
      'a-copy',
    ]);
    expect(
      rankHybrid(copies, stats, { vectorWeight: 1, diversity: 0.6, limit: 2 }).map((r) => r.key),
    ).toEqual(['a', 'other']);
  });

  it('returns at most limit results, and none for no candidates', () => {
    expect(rankHybrid(candidates, stats, { vectorWeight: 0.5, diversity: 0.3, limit: 2 })).toHaveLength(2);
    expect(rankHybrid([], stats, { vectorWeight: 0.5, diversity: 0.3, limit: 2 })).toEqual([]);
  });
});

describe('parseVector', () => {
  it('reads pgvector text and rejects garbage', () => {
    expect(parseVector('[1,2.5,-3]')).toEqual([1, 2.5, -3]);
    expect(parseVector('[1,x]')).toBeNull();
    expect(parseVector(null)).toBeNull();
  });
});
