/**
 * How close the heuristic token estimators get to the exact OpenAI tokenizer (js-tiktoken
 * o200k_base) on a mixed corpus of prose, SQL, JSON tool results, code and TSV query results.
 * Prints the median and p90 absolute error (%) per kind and estimator, the median signed error
 * (positive = over-estimate, the safe side for a budget) and how the estimators classified each kind.
 *
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source compactor/estimator-accuracy.ts
 */
import { CONTENT_MULTIPLIERS, createEstimator, detectContentKind, type ContentKind } from '@pgmcp/compactor';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { KINDS, loadCorpus, percentile, printTable, type Kind } from './corpus.js';

const ESTIMATORS = ['generic', 'openai', 'anthropic', 'ollama'] as const;
const tokenizer = new Tiktoken(o200k);
const fmt = (value: number) => `${value >= 0 ? '' : '-'}${Math.abs(value).toFixed(1)}`;

const corpus = new Map<Kind | 'all', string[]>();
for (const kind of KINDS) corpus.set(kind, loadCorpus(kind));
corpus.set(
  'all',
  KINDS.flatMap((kind) => corpus.get(kind) ?? []),
);

const absRows: string[][] = [];
const biasRows: string[][] = [];
for (const [kind, samples] of corpus) {
  const exact = samples.map((sample) => tokenizer.encode(sample, [], []).length);
  const abs: string[] = [kind, String(samples.length), String(exact.reduce((a, b) => a + b, 0))];
  const bias: string[] = [kind];
  for (const type of ESTIMATORS) {
    const estimator = createEstimator(type);
    const signed = samples.map((sample, i) => ((estimator.countText(sample) - exact[i]!) / exact[i]!) * 100);
    const absolute = signed.map(Math.abs);
    abs.push(`${fmt(percentile(absolute, 50))} / ${fmt(percentile(absolute, 90))}`);
    bias.push(fmt(percentile(signed, 50)));
  }
  absRows.push(abs);
  biasRows.push(bias);
}

console.log('Estimator accuracy against js-tiktoken o200k_base (exact OpenAI tokenizer)\n');
console.log('Absolute error, % of the exact count: median / p90');
printTable(['kind', 'samples', 'exact tokens', ...ESTIMATORS], absRows);
console.log('\nMedian signed error, % (positive = over-estimate)');
printTable(['kind', ...ESTIMATORS], biasRows);

console.log(
  '\nContent kind the estimators detected (multipliers: SQL 1.2, JSON 1.15, code 1.1, tabular 1.8, prose 1.0)',
);
const detected: string[][] = [];
for (const kind of KINDS) {
  const counts: Record<ContentKind, number> = { sql: 0, json: 0, code: 0, tabular: 0, natural: 0 };
  for (const sample of corpus.get(kind) ?? []) counts[detectContentKind(sample)]++;
  detected.push([kind, ...Object.values(counts).map(String)]);
}
printTable(['kind', ...Object.keys(CONTENT_MULTIPLIERS)], detected);
