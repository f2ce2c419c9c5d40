/**
 * The SQL guard's added latency per call over the valid corpus (after warm-up), and how a call
 * splits between the PostgreSQL parser (WASM + JSON) and the guard's own tree walk and policy.
 *
 *   pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source guard/run.ts [--rounds 200]
 *
 * The guard's internals (parse step, walk step) and the test corpus are not public API, so they
 * are loaded by path at run time; the types below are the slice of them this benchmark uses.
 */
import { parseArgs } from 'node:util';

interface GuardVerdict {
  readonly ok: boolean;
}
interface GuardModule {
  loadGuard(): Promise<void>;
  checkStatement(sql: string, options: { allowWrites: boolean }): Promise<GuardVerdict>;
  checkWhereExpression(expression: string): Promise<GuardVerdict>;
}
interface RawStatement {
  readonly type: string;
}
interface ParserModule {
  parseStatements(sql: string): { statements: readonly RawStatement[] } | { kind: 'error' };
}
interface AnalyzeModule {
  analyzeSingle(sql: string, statement: RawStatement): unknown;
}
interface CorpusModule {
  VALID_CORPUS: readonly { sql: string }[];
}

const load = <T>(path: string) => import(new URL(path, import.meta.url).href) as Promise<T>;
const guard = await load<GuardModule>('../../packages/pg-tools/src/guard/index.ts');
const parser = await load<ParserModule>('../../packages/pg-tools/src/guard/parser.ts');
const analyzer = await load<AnalyzeModule>('../../packages/pg-tools/src/guard/analyze.ts');
const { VALID_CORPUS } = await load<CorpusModule>('../../packages/pg-tools/test/guard/valid-corpus.ts');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' } } });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
const queries = VALID_CORPUS.map((entry) => entry.sql);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function report(label: string, samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const us = (ms: number) => `${(ms * 1000).toFixed(1).padStart(7)} µs`;
  const median = percentile(sorted, 50);
  console.log(
    `${label.padEnd(36)} median ${us(median)}   p95 ${us(percentile(sorted, 95))}   p99 ${us(percentile(sorted, 99))}   n=${samples.length}`,
  );
  return median;
}

async function measure(run: (sql: string) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const sql of queries) {
      const start = performance.now();
      await run(sql);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

await guard.loadGuard();
for (let i = 0; i < 20; i++)
  for (const sql of queries) await guard.checkStatement(sql, { allowWrites: false });

const parsed = new Map<string, RawStatement>();
for (const sql of queries) {
  const result = parser.parseStatements(sql);
  if (!('statements' in result)) throw new Error(`a valid-corpus query did not parse: ${sql}`);
  parsed.set(sql, result.statements[0]!);
}

console.log(
  `SQL guard: ${queries.length} valid-corpus queries × ${rounds} rounds, Node ${process.version}\n`,
);
const total = report(
  'checkStatement (the whole guard)',
  await measure((sql) => guard.checkStatement(sql, { allowWrites: false })),
);
const parse = report('  parse: WASM parser + JSON', await measure((sql) => parser.parseStatements(sql)));
const walk = report(
  '  walk + policy on a parsed tree',
  await measure((sql) => analyzer.analyzeSingle(sql, parsed.get(sql)!)),
);
console.log(
  `\nof the median call: parse ${((100 * parse) / total).toFixed(0)} %, walk + policy ${((100 * walk) / total).toFixed(0)} %`,
);
report(
  '\ncheckWhereExpression (count_rows)',
  await measure(() => guard.checkWhereExpression("status = 'paid' AND total > 100 -- recent")),
);
