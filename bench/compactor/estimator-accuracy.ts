/**
 * How close the heuristic token estimators get to the real tokenizers, per provider family:
 * `openai` against o200k_base, `anthropic` against @anthropic-ai/tokenizer, `ollama` against
 * Llama 3's tokenizer, and `generic` against all three. Reported on the tuning corpus (what
 * calibrate.ts fitted on) and on the held-out corpus (other sources, generators and seed, never
 * fitted on): median and p90 absolute error (%) per content kind and overall, and the median
 * signed error (positive = over-estimate).
 *
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source compactor/estimator-accuracy.ts
 */
import { createEstimator } from '@pgmcp/compactor';
import { KINDS, loadCorpus, percentile, printTable, type CorpusSet } from './corpus.js';
import { REFERENCE_TOKENIZERS } from './tokenizers.js';

const fmt = (value: number) => `${value >= 0 ? '' : '-'}${Math.abs(value).toFixed(1)}`;
const PAIRS = [
  ...(['openai', 'anthropic', 'ollama'] as const).map((type) => ({
    type,
    ref: REFERENCE_TOKENIZERS.find((r) => r.family === type)!,
  })),
  ...REFERENCE_TOKENIZERS.map((ref) => ({ type: 'generic' as const, ref })),
];

for (const set of ['tuning', 'held-out'] as const satisfies readonly CorpusSet[]) {
  const corpus = new Map<string, string[]>(KINDS.map((kind) => [kind, loadCorpus(kind, set)]));
  corpus.set('all', [...corpus.values()].flat());
  const rows: string[][] = [];
  const bias: string[][] = [];
  for (const [kind, samples] of corpus) {
    const row = [kind, String(samples.length)];
    const biasRow = [kind];
    for (const { type, ref } of PAIRS) {
      const estimator = createEstimator(type);
      const signed = samples.map((sample) => {
        const exact = ref.count(sample);
        return ((estimator.countText(sample) - exact) / exact) * 100;
      });
      const absolute = signed.map(Math.abs);
      row.push(`${fmt(percentile(absolute, 50))} / ${fmt(percentile(absolute, 90))}`);
      biasRow.push(fmt(percentile(signed, 50)));
    }
    rows.push(row);
    bias.push(biasRow);
  }
  const header = PAIRS.map(
    ({ type, ref }) =>
      `${type} vs ${ref.family === 'openai' ? 'o200k' : ref.family === 'anthropic' ? 'claude' : 'llama3'}`,
  );
  console.log(`\n${set} corpus — absolute error, % of the real count: median / p90`);
  printTable(['kind', 'samples', ...header], rows);
  console.log(`\n${set} corpus — median signed error, % (positive = over-estimate)`);
  printTable(['kind', ...header], bias);
}
console.log(`\nReferences: ${REFERENCE_TOKENIZERS.map((r) => `${r.family} = ${r.name}`).join('; ')}.`);
