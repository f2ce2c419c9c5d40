/**
 * Fits the estimators' piece-cost tables against the reference tokenizers on the TUNING corpus
 * only, and writes them to packages/compactor/src/token-tables.ts. Each text is cut into pieces
 * the way the family's pre-tokenizer does (scanPieces); each piece is encoded on its own by the
 * real tokenizer, and a table entry is the mean token count of the pieces of one shape (kind,
 * detail, length). The held-out corpus is never read here: estimator-accuracy.ts reports on it.
 *
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source compactor/calibrate.ts
 */
import { writeFileSync } from 'node:fs';
import { PIECE, scanPieces, type PieceRules } from '@pgmcp/compactor';
import { KINDS, loadCorpus } from './corpus.js';
import { REFERENCE_TOKENIZERS, type ReferenceTokenizer } from './tokenizers.js';

/** Longest length each kind gets a table entry for; longer pieces add a per-character tail. */
const CAP: Record<number, number> = {
  [PIECE.word]: 16,
  [PIECE.number]: 12,
  [PIECE.punct]: 8,
  [PIECE.space]: 24,
  [PIECE.newline]: 6,
  [PIECE.contraction]: 3,
};
/** Tail per extra character where calibration saw nothing longer than the table. */
const DEFAULT_TAIL: Record<number, number> = {
  [PIECE.word]: 0.3,
  [PIECE.number]: 0.35,
  [PIECE.punct]: 0.5,
  [PIECE.space]: 0.05,
  [PIECE.newline]: 0.5,
  [PIECE.contraction]: 0.5,
};
const MIN_SAMPLES = 3;
// How many pooled samples a shape's own mean is blended with.
const SHRINK = 4;

interface Target {
  name: string;
  rules: PieceRules;
  refs: readonly ReferenceTokenizer[];
}

const byFamily = (family: ReferenceTokenizer['family']) =>
  REFERENCE_TOKENIZERS.filter((r) => r.family === family);
const TARGETS: Target[] = [
  { name: 'openai', rules: 'o200k', refs: byFamily('openai') },
  { name: 'anthropic', rules: 'gpt2', refs: byFamily('anthropic') },
  { name: 'ollama', rules: 'cl100k', refs: byFamily('ollama') },
  // Provider unknown: the mean of all three, on cl100k's pieces.
  { name: 'generic', rules: 'cl100k', refs: REFERENCE_TOKENIZERS },
];

const samples = KINDS.flatMap((kind) => loadCorpus(kind, 'tuning'));
const round = (value: number) => Math.round(value * 100) / 100;

function fit(target: Target) {
  const sums = new Map<string, { tokens: number[]; counts: number[]; long: Array<[number, number]> }>();
  let wideResidual = 0;
  let wideChars = 0;
  const widePieces: Array<{ key: string; length: number; tokens: number; wide: number }> = [];
  let faithful = 0;
  for (const text of samples) {
    let pieceTokens = 0;
    scanPieces(text, target.rules, (kind, length, detail, wide, start, end) => {
      const piece = text.slice(start, end);
      const tokens = target.refs.reduce((sum, ref) => sum + ref.count(piece), 0) / target.refs.length;
      pieceTokens += tokens;
      const key = `${kind}.${detail}`;
      if (wide > 0) {
        widePieces.push({ key, length, tokens, wide });
        return;
      }
      let entry = sums.get(key);
      if (!entry) sums.set(key, (entry = { tokens: [], counts: [], long: [] }));
      const cap = CAP[kind] ?? 8;
      if (length <= cap) {
        entry.tokens[length - 1] = (entry.tokens[length - 1] ?? 0) + tokens;
        entry.counts[length - 1] = (entry.counts[length - 1] ?? 0) + 1;
      } else entry.long.push([length, tokens]);
    });
    // The scanner cuts where the tokenizer does when its pieces' tokens add up to the text's.
    const whole = target.refs.reduce((sum, ref) => sum + ref.count(text), 0) / target.refs.length;
    if (Math.abs(pieceTokens - whole) < 1e-9) faithful++;
  }
  if (target.refs.length === 1)
    console.log(
      `${target.name}: pieces add up to the real count on ${faithful} of ${samples.length} samples`,
    );
  // A shape seen a few times borrows from its family: words of the same case (any prefix), or the
  // same kind.
  const poolOf = (key: string) => {
    const [kind, detail] = key.split('.').map(Number) as [number, number];
    return kind === PIECE.word ? `w${detail % 4}` : `k${kind}`;
  };
  const pools = new Map<string, { tokens: number[]; counts: number[] }>();
  for (const [key, entry] of sums) {
    let pool = pools.get(poolOf(key));
    if (!pool) pools.set(poolOf(key), (pool = { tokens: [], counts: [] }));
    entry.counts.forEach((count, i) => {
      pool.tokens[i] = (pool.tokens[i] ?? 0) + (entry.tokens[i] ?? 0);
      pool.counts[i] = (pool.counts[i] ?? 0) + count;
    });
  }
  const rows: Record<string, number[]> = {};
  const tails: Record<string, number> = {};
  for (const [key, entry] of [...sums].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const kind = Number(key.split('.')[0]);
    const pool = pools.get(poolOf(key))!;
    let last = 0;
    for (let i = 0; i < pool.counts.length; i++)
      if ((pool.counts[i] ?? 0) >= MIN_SAMPLES && (entry.counts[i] ?? 0) > 0) last = i + 1;
    if (last === 0) continue;
    const row: number[] = [];
    for (let length = 1; length <= last; length++) {
      const count = entry.counts[length - 1] ?? 0;
      const poolCount = pool.counts[length - 1] ?? 0;
      const prior = poolCount > 0 ? (pool.tokens[length - 1] ?? 0) / poolCount : (row[length - 2] ?? 1);
      const value = ((entry.tokens[length - 1] ?? 0) + prior * SHRINK) / (count + SHRINK);
      row.push(round(value));
    }
    rows[key] = row;
    const beyond = [
      ...entry.long,
      ...entry.counts.flatMap((count, i) =>
        i + 1 > last && count > 0 ? [[i + 1, (entry.tokens[i] ?? 0) / count] as [number, number]] : [],
      ),
    ];
    const extra = beyond.reduce((sum, [length]) => sum + length - last, 0);
    const tail =
      extra > 0
        ? beyond.reduce((sum, [, tokens]) => sum + tokens - row[last - 1]!, 0) / extra
        : (DEFAULT_TAIL[kind] ?? 0.5);
    tails[key] = round(Math.max(0.02, tail));
  }
  const costOf = (key: string, length: number) => {
    const row = rows[key];
    if (!row) return length / 4;
    return length <= row.length
      ? row[length - 1]!
      : row[row.length - 1]! + (length - row.length) * (tails[key] ?? 0.5);
  };
  for (const piece of widePieces) {
    wideResidual += piece.tokens - costOf(piece.key, piece.length);
    wideChars += piece.wide;
  }
  const wide = wideChars > 0 ? round(Math.max(0.2, wideResidual / wideChars)) : 1;
  return { rules: target.rules, wide, rows, tails };
}

const fitted = Object.fromEntries(TARGETS.map((t) => [t.name, fit(t)]));
const body = JSON.stringify(fitted, null, 2).replace(
  /\[\s+([\d.,\s]+?)\s+\]/g,
  (_, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`,
);
const file = new URL('../../packages/compactor/src/token-tables.ts', import.meta.url);
writeFileSync(
  file,
  `// Generated by bench/compactor/calibrate.ts from the tuning corpus; do not edit by hand.
// References: openai = o200k_base (js-tiktoken); anthropic = @anthropic-ai/tokenizer (the only
// tokenizer Anthropic has published, Claude 2 era); ollama = Llama 3 (llama3-tokenizer-js);
// generic = the mean of the three.
import type { PieceCostTable } from './token-estimate.js';

/** Fitted piece costs of each heuristic estimator. */
export const PIECE_COSTS: Readonly<Record<'generic' | 'openai' | 'anthropic' | 'ollama', PieceCostTable>> = ${body};
`,
);
console.log(
  `wrote ${file.pathname} (format it: pnpm exec prettier --write packages/compactor/src/token-tables.ts)`,
);
for (const [name, table] of Object.entries(fitted))
  console.log(name, Object.keys(table.rows).length, 'rows, wide', table.wide);
