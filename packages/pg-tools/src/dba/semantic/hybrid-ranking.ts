/** A row found by the vector search, the keyword search, or both. */
export interface RankCandidate {
  /** Stable key of the row (primary key values or ctid). */
  key: string;
  /** Vector similarity in [−1, 1] (higher is closer), or null without an embedding. */
  vectorSimilarity: number | null;
  /** The row's embedding, for diversification. */
  embedding: number[] | null;
  /** Occurrences of each query term in the row's text (PostgreSQL lexemes). */
  termFrequencies: Record<string, number>;
  /** Length of the row's text in lexeme occurrences. */
  length: number;
}

/** Corpus statistics BM25 needs. */
export interface CorpusStats {
  /** Rows in the table (or the sample). */
  documents: number;
  /** Average text length in lexeme occurrences. */
  averageLength: number;
  /** Rows containing each query term. */
  documentFrequency: Record<string, number>;
}

/** How to combine and diversify. */
export interface RankOptions {
  /** Weight of vector similarity against keyword relevance, 0…1. */
  vectorWeight: number;
  /** 0 = pure relevance; towards 1 = prefer results unlike those already chosen (MMR). */
  diversity: number;
  limit: number;
}

/** A ranked result with its scores. */
export interface RankedResult {
  key: string;
  /** The combined relevance, 0…1. */
  score: number;
  vectorSimilarity: number | null;
  /** BM25 score (unnormalised). */
  keywordScore: number;
  /** The MMR objective it was picked with. */
  mmrScore: number;
}

const K1 = 1.2;
const B = 0.75;

/** Okapi BM25 of one row for the query terms. */
export function bm25(candidate: RankCandidate, stats: CorpusStats): number {
  const n = Math.max(stats.documents, 1);
  const avg = stats.averageLength > 0 ? stats.averageLength : 1;
  let score = 0;
  for (const [term, tf] of Object.entries(candidate.termFrequencies)) {
    if (tf <= 0) continue;
    const df = Math.min(stats.documentFrequency[term] ?? 0, n);
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * candidate.length) / avg));
  }
  return score;
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function normalizer(values: number[]): (value: number) => number {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (!Number.isFinite(min) || max - min < 1e-12) return (v) => (max > 0 && v > 0 ? 1 : 0);
  return (v) => (v - min) / (max - min);
}

/**
 * Hybrid ranking: min-max normalised vector similarity and BM25, weighted, then maximal
 * marginal relevance (Carbonell & Goldstein) to pick `limit` results that are relevant and
 * unlike each other.
 */
export function rankHybrid(
  candidates: readonly RankCandidate[],
  stats: CorpusStats,
  options: RankOptions,
): RankedResult[] {
  if (candidates.length === 0) return [];
  const keyword = candidates.map((c) => bm25(c, stats));
  const vectorValues = candidates.map((c) => c.vectorSimilarity).filter((v): v is number => v !== null);
  const normVector = normalizer(vectorValues);
  const normKeyword = normalizer(keyword);
  const weight = Math.min(1, Math.max(0, options.vectorWeight));
  const relevance = candidates.map((c, i) => {
    const v = c.vectorSimilarity === null ? 0 : normVector(c.vectorSimilarity);
    return weight * v + (1 - weight) * normKeyword(keyword[i]!);
  });
  const lambda = 1 - Math.min(1, Math.max(0, options.diversity));
  const remaining = new Set(candidates.map((_, i) => i));
  const chosen: RankedResult[] = [];
  const chosenIndexes: number[] = [];
  while (chosen.length < options.limit && remaining.size > 0) {
    let best = -1;
    let bestScore = -Infinity;
    for (const i of remaining) {
      const embedding = candidates[i]!.embedding;
      let redundancy = 0;
      if (embedding) {
        for (const j of chosenIndexes) {
          const other = candidates[j]!.embedding;
          if (other) redundancy = Math.max(redundancy, cosine(embedding, other));
        }
      }
      const mmr = lambda * relevance[i]! - (1 - lambda) * redundancy;
      // Ties keep the more relevant, then the earlier candidate: the order is deterministic.
      if (
        mmr > bestScore + 1e-12 ||
        (Math.abs(mmr - bestScore) <= 1e-12 && relevance[i]! > relevance[best]!)
      ) {
        best = i;
        bestScore = mmr;
      }
    }
    remaining.delete(best);
    chosenIndexes.push(best);
    const c = candidates[best]!;
    chosen.push({
      key: c.key,
      score: Math.round(relevance[best]! * 10_000) / 10_000,
      vectorSimilarity: c.vectorSimilarity === null ? null : Math.round(c.vectorSimilarity * 10_000) / 10_000,
      keywordScore: Math.round(keyword[best]! * 10_000) / 10_000,
      mmrScore: Math.round(bestScore * 10_000) / 10_000,
    });
  }
  return chosen;
}

/** Parses pgvector's text form `[1,2.5,-3]`. */
export function parseVector(text: string | null | undefined): number[] | null {
  if (!text) return null;
  const inner = text.trim().replace(/^\[|\]$/g, '');
  if (inner === '') return [];
  const values = inner.split(',').map(Number);
  return values.every((v) => Number.isFinite(v)) ? values : null;
}

/** pgvector's text form of a vector. */
export function vectorLiteral(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}
