import { scanPieces, type PieceRules } from './token-pieces.js';

/**
 * What the pieces of one tokenizer family cost: `rows["kind.detail"][length - 1]` is the mean token
 * count of such a piece; longer pieces add `tails["kind.detail"]` per character; every character
 * outside ASCII adds `wide`.
 */
export interface PieceCostTable {
  rules: PieceRules;
  wide: number;
  rows: Readonly<Record<string, readonly number[]>>;
  tails: Readonly<Record<string, number>>;
}

// Room for every detail value a piece kind uses (word details go up to 15).
const DETAILS = 16;
const KINDS = 6;
// A piece of a shape calibration never saw costs what a ~4-character-per-token rule says.
const UNSEEN_CHARS_PER_TOKEN = 4;

/**
 * An estimator that counts a text as the sum of its pieces' fitted costs.
 *
 * @example
 *   const count = createPieceEstimator(PIECE_COSTS.openai);
 *   count('SELECT id FROM orders'); // 5
 */
export function createPieceEstimator(table: PieceCostTable): (text: string) => number {
  // Flat typed arrays: one slot per (kind, detail), one cost per length.
  const slots = KINDS * DETAILS;
  const width = Math.max(1, ...Object.values(table.rows).map((row) => row.length));
  const lengths = new Int32Array(slots);
  const costs = new Float64Array(slots * width);
  const tails = new Float64Array(slots);
  for (const [key, row] of Object.entries(table.rows)) {
    const [kind, detail] = key.split('.').map(Number) as [number, number];
    const slot = kind * DETAILS + detail;
    lengths[slot] = row.length;
    costs.set(row, slot * width);
    tails[slot] = table.tails[key] ?? 0.5;
  }
  const { rules, wide } = table;
  let sum = 0;
  const add = (kind: number, length: number, detail: number, nonAscii: number) => {
    const slot = kind * DETAILS + (detail < DETAILS ? detail : DETAILS - 1);
    const known = lengths[slot] as number;
    if (known === 0) sum += length / UNSEEN_CHARS_PER_TOKEN;
    else if (length <= known) sum += costs[slot * width + length - 1] as number;
    else sum += (costs[slot * width + known - 1] as number) + (length - known) * (tails[slot] as number);
    if (nonAscii > 0) sum += nonAscii * wide;
  };
  return (text) => {
    if (text.length === 0) return 0;
    sum = 0;
    scanPieces(text, rules, add);
    return Math.max(1, Math.round(sum));
  };
}
