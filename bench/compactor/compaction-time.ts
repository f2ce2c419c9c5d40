/**
 * Compaction time for 100, 1,000 and 10,000-message database conversations (target: 1,000
 * messages in under 20 ms) and the token reduction achieved, at a tight and at the default budget.
 * Also times the exact (tiktoken) counter and a cache hit on the 1,000-message conversation.
 * "cpu ms" is the process CPU time of one compaction (median): on a shared, busy machine it is a
 * steadier figure than wall time, and for this single-threaded work it is what an idle core would take.
 *
 * Run: pnpm --filter @pgmcp/bench exec tsx --conditions=@pgmcp/source compactor/compaction-time.ts
 */
import type { Message } from '@pgmcp/api-contract';
import { classifyMessages, createCompactor, createEstimator, type CompactRequest } from '@pgmcp/compactor';
import { percentile, printTable, seededRandom } from './corpus.js';

const { random, int, pick } = seededRandom(7);

const TABLES = [
  'orders',
  'customers',
  'line_items',
  'products',
  'payments',
  'shipments',
  'order_events',
  'sessions',
];
const QUESTIONS = [
  'Show me the most recent {t} with their totals, newest first.',
  'How many {t} were created per day over the last two weeks?',
  'Which {t} look like duplicates? Group them by the natural key.',
  'What is the distribution of status values in {t}?',
  'Are there {t} without a matching customer?',
];
const ANSWERS = [
  'There are {n} rows in the result. Most of them are recent, and the totals cluster between 20 and 200; a handful of large ones come from two business customers.',
  'The counts are stable on weekdays at around {n} per day and drop by half on weekends. Nothing unusual stands out apart from the spike on the 14th, which matches the marketing campaign.',
  'I found {n} candidates. They share the same email and created_at within a second, which suggests the checkout form was submitted twice.',
];

function tsv(rows: number): string {
  const lines = ['id\tcustomer\tstatus\ttotal\tcreated_at'];
  for (let r = 0; r < rows; r++) {
    lines.push(
      `${int(1000, 99_999)}\tcustomer-${int(1, 5000)}\t${pick(['paid', 'open', 'shipped'])}\t${(random() * 900).toFixed(2)}\t2025-0${int(1, 9)}-1${int(0, 9)} 1${int(0, 9)}:0${int(0, 9)}:00+00`,
    );
  }
  return lines.join('\n');
}

/** A conversation of exactly `size` messages: question → tool call → result → answer, with some variety. */
function conversation(size: number): Message[] {
  const messages: Message[] = [
    {
      role: 'user',
      content: 'Help me review the data quality of our shop database before the quarterly report.',
    },
    { role: 'assistant', content: 'Sure. I will go table by table, starting with the sales tables.' },
  ];
  let call = 0;
  while (messages.length < size) {
    const table = pick(TABLES);
    const roll = random();
    const id = `toolu_${call++}`;
    if (roll < 0.08) {
      messages.push(
        { role: 'user', content: pick(['ok', 'thanks', 'great, continue']) },
        { role: 'assistant', content: 'Continuing with the next table.' },
      );
      continue;
    }
    if (roll < 0.11) {
      messages.push(
        { role: 'user', content: `Actually, ignore cancelled ${table}; they are archived separately.` },
        { role: 'assistant', content: `Understood, I will filter out cancelled ${table} from now on.` },
      );
      continue;
    }
    const question = pick(QUESTIONS).replace('{t}', table);
    const explain = roll < 0.2;
    const failed = roll > 0.95;
    messages.push(
      { role: 'user', content: question },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id,
            name: explain ? 'execute_explain' : 'query_database',
            input: {
              query: `SELECT id, customer_id, status, total, created_at FROM ${table} WHERE created_at > now() - interval '14 days' ORDER BY created_at DESC`,
            },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: id,
            content: failed
              ? `ERROR:  column "totl" does not exist\nLINE 1: SELECT totl FROM ${table}`
              : explain
                ? `Sort  (cost=1234.5..1240.1 rows=2200 width=48) (actual time=12.1..13.0 rows=2100 loops=1)\n  ->  Seq Scan on ${table}  (cost=0.00..1100.00 rows=2200 width=48)\nExecution Time: 14.2 ms`
                : tsv(int(5, 40)),
            ...(failed ? { is_error: true } : {}),
          },
        ],
      },
      { role: 'assistant', content: pick(ANSWERS).replace('{n}', String(int(3, 400))) },
    );
  }
  return messages.slice(0, size);
}

function time(
  compactor: ReturnType<typeof createCompactor>,
  request: CompactRequest,
  runs: number,
  warmup: number,
) {
  return (async () => {
    for (let i = 0; i < warmup; i++) await compactor.compact(request);
    const wall: number[] = [];
    const cpu: number[] = [];
    let last = await compactor.compact(request);
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const usage = process.cpuUsage();
      last = await compactor.compact(request);
      const used = process.cpuUsage(usage);
      wall.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
    }
    return { last, median: percentile(wall, 50), p90: percentile(wall, 90), cpu: percentile(cpu, 50) };
  })();
}

const compactor = createCompactor();
const runsFor: Record<number, [runs: number, warmup: number]> = {
  100: [200, 20],
  1000: [50, 5],
  10000: [10, 2],
};
const options = { enable_caching: false, enable_analytics: false } as const;
const rows: string[][] = [];
const conversations = new Map<number, Message[]>();
for (const size of [100, 1000, 10_000]) {
  const messages = conversation(size);
  conversations.set(size, messages);
  for (const max_tokens of [8_000, 100_000]) {
    const [runs, warmup] = runsFor[size]!;
    const { last, median, p90, cpu } = await time(compactor, { messages, max_tokens, options }, runs, warmup);
    const info = last.compaction_info;
    rows.push([
      size.toLocaleString('en-US'),
      max_tokens.toLocaleString('en-US'),
      `${info.original_count} → ${info.compacted_count}`,
      `${info.original_tokens.toLocaleString('en-US')} → ${last.token_estimate.toLocaleString('en-US')}`,
      `${((1 - info.compression_ratio) * 100).toFixed(1)} %`,
      last.fits_budget ? 'yes' : 'no',
      median.toFixed(2),
      p90.toFixed(2),
      cpu.toFixed(2),
      String(runs),
    ]);
  }
}
console.log('Compaction time (generic estimator, cache off, summaries on, recent_window 10)\n');
printTable(
  [
    'messages',
    'max_tokens',
    'messages in → out',
    'tokens in → out',
    'reduction',
    'fits',
    'median ms',
    'p90 ms',
    'cpu ms',
    'runs',
  ],
  rows,
);

const thousand = conversations.get(1000)!;
const exact = await time(
  compactor,
  { messages: thousand, max_tokens: 8_000, options: { ...options, token_counter_type: 'exact' } },
  20,
  3,
);
const cached = await time(compactor, { messages: thousand, max_tokens: 8_000 }, 50, 1);
console.log('\n1,000 messages, max_tokens 8,000, other paths\n');
printTable(
  ['path', 'median ms', 'p90 ms', 'cpu ms', 'cache_hit'],
  [
    [
      'exact counter (o200k_base)',
      exact.median.toFixed(2),
      exact.p90.toFixed(2),
      exact.cpu.toFixed(2),
      String(exact.last.cache_hit),
    ],
    [
      'cache hit (SHA-256 key + copy)',
      cached.median.toFixed(2),
      cached.p90.toFixed(2),
      cached.cpu.toFixed(2),
      String(cached.last.cache_hit),
    ],
  ],
);

/** Median process CPU time of `runs` calls of `work`, in ms. */
function cpuOf(work: () => unknown, runs: number): number {
  for (let i = 0; i < 3; i++) work();
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const usage = process.cpuUsage();
    work();
    const used = process.cpuUsage(usage);
    cpu.push((used.user + used.system) / 1000);
  }
  return percentile(cpu, 50);
}
const characters = thousand.reduce((sum, m) => sum + JSON.stringify(m.content).length, 0);
console.log(
  `\n1,000 messages (${(characters / 1000).toFixed(0)} k characters), the two passes over every message\n`,
);
printTable(
  ['pass', 'cpu ms'],
  [
    [
      'token estimate of every message (generic)',
      cpuOf(() => createEstimator('generic').countMessages(thousand), 30).toFixed(2),
    ],
    ['classification of every message', cpuOf(() => classifyMessages(thousand), 30).toFixed(2)],
  ],
);
compactor.close();
