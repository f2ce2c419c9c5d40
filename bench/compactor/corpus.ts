import { readFileSync } from 'node:fs';

/** The corpus kinds, one file each in ./corpus and ./corpus/held-out (samples separated by lines of `%%`). */
export const KINDS = ['prose', 'sql', 'json', 'code', 'tsv', 'markdown'] as const;
export type Kind = (typeof KINDS)[number];

/** `tuning`: what the estimators were fitted on; `held-out`: other sources and generators, never fitted on. */
export type CorpusSet = 'tuning' | 'held-out';

/** The samples of one kind. */
export function loadCorpus(kind: Kind, set: CorpusSet = 'tuning'): string[] {
  const folder = set === 'tuning' ? './corpus/' : './corpus/held-out/';
  const text = readFileSync(new URL(`${folder}${kind}.txt`, import.meta.url), 'utf8');
  return text
    .split(/\n%%\n/)
    .map((sample) => sample.replace(/\n$/, ''))
    .filter((sample) => sample.trim() !== '');
}

/** Nearest-rank percentile of unsorted numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Prints rows as an aligned text table (first column left-aligned, the rest right-aligned). */
export function printTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** A seeded pseudo-random source (mulberry32), so generated data is the same on every run. */
export function seededRandom(initialSeed: number) {
  let seed = initialSeed;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  return { random, int, pick };
}
