/**
 * Writes the held-out estimator corpus (corpus/held-out/*.txt): text the estimators were NOT
 * tuned on, from other sources and other generators than the tuning corpus, with another seed.
 * - prose: paragraphs of this repository's READMEs, and chat turns from a sentence grammar
 *   (small talk, corrections, questions, explanations) unlike the hand-written tuning prose;
 * - sql: statements from a grammar (CTEs, window functions, upserts, DDL, catalog queries);
 * - json: tool results of other shapes (pg_stat_statements, locks, replication, index usage,
 *   tools/list, nested error bodies), compact and pretty-printed;
 * - tsv: query results with other columns (statistics, time series, text and JSON cells, NULLs);
 * - code: excerpts of this repository's TypeScript sources, its CI script and YAML;
 * - markdown: tables from this repository's READMEs and answer-style tables from a generator.
 * Run from the repository (it reads the files git lists): pnpm --filter @pgmcp/bench exec tsx compactor/corpus/generate-held-out.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../corpus.js';

const { random, int, pick } = seededRandom(4_242_001);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
const read = (path: string) => readFileSync(root + path, 'utf8');
// The compactor's own documents describe the estimators; leave them out.
const readmes = tracked.filter((p) => p.endsWith('README.md') && !p.includes('compactor'));

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// ---- prose ----
function readmeParagraphs(): string[] {
  const paragraphs: string[] = [];
  for (const path of readmes) {
    const text = read(path).replace(/```[\s\S]*?```/g, '');
    for (const block of text.split(/\n\s*\n/)) {
      const trimmed = block.trim();
      if (trimmed.length < 120 || trimmed.length > 900) continue;
      if (/^[#|>-]|^\d+\./.test(trimmed) || trimmed.includes('|')) continue;
      paragraphs.push(trimmed);
    }
  }
  return shuffled(paragraphs).slice(0, 20);
}

const OBJECTS = [
  'the invoices',
  'last week’s signups',
  'the churn report',
  'our staging replica',
  'the payroll export',
];
const OPENERS = ['hey,', 'quick one:', 'hmm.', 'ok so', 'Morning!', 'Sorry to bother you again,', ''];
const ASKS = [
  'can you check why {o} look off compared to the finance numbers?',
  'is there a cheaper way to get {o} without scanning everything',
  'what would happen if we archived {o} older than 2 years??',
  "I'm not sure the join is right, could you double check {o}",
  'pls summarize {o} in a few bullet points for the standup',
];
const EXPLAINS = [
  'Sure. I looked at {o} and the mismatch comes from timezone handling: finance books by UTC date, while the report used local time. Shifting the boundary by two hours makes the totals agree to the cent.',
  'Good question! Archiving would shrink the table by roughly 60%, and since most queries filter on the last 90 days, they would not notice. Backups and the nightly export would, though, so we should warn the data team first.',
  "I double-checked, and you're right to be suspicious: the join on email duplicates customers who changed address. Joining on customer_id instead fixes it; the corrected total is 18,412 instead of 19,077.",
  'Here’s the short version — signups are up 12% week over week, mostly from the referral campaign; churn is flat; and the two failed payments were retried successfully on Tuesday.',
];
const CORRECTIONS = [
  'no wait, I meant {o}, not the orders',
  'scratch that — use {o} from the archive instead',
  "that's not quite it; {o} are stored per tenant",
];

function chatProse(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 20; i++) {
    const o = pick(OBJECTS);
    const roll = i % 4;
    const text =
      roll === 0
        ? `${pick(OPENERS)} ${pick(ASKS)}`.trim()
        : roll === 1
          ? pick(EXPLAINS)
          : roll === 2
            ? pick(CORRECTIONS)
            : `${pick(EXPLAINS)} ${pick(EXPLAINS)}`;
    out.push(text.replaceAll('{o}', o));
  }
  return out;
}

// ---- sql ----
const T = ['accounts', 'subscriptions', 'ledger_entries', 'events', 'tenants', 'webhooks', 'api_keys'];
const C = ['account_id', 'tenant_id', 'amount', 'currency', 'occurred_at', 'kind', 'payload', 'plan'];
function sqlStatement(): string {
  const t = pick(T);
  const u = pick(T);
  const a = pick(C);
  const b = pick(C);
  switch (int(0, 7)) {
    case 0:
      return `WITH recent AS (\n  SELECT ${a}, ${b}, row_number() OVER (PARTITION BY ${a} ORDER BY occurred_at DESC) AS rn\n  FROM ${t}\n  WHERE occurred_at >= date_trunc('month', now()) - interval '${int(1, 12)} months'\n)\nSELECT ${a}, count(*) FILTER (WHERE rn = 1) AS latest\nFROM recent\nGROUP BY ${a}\nHAVING count(*) > ${int(2, 50)};`;
    case 1:
      return `INSERT INTO ${t} (${a}, ${b}, occurred_at)\nVALUES (${int(1, 9999)}, '${pick(['EUR', 'USD', 'JPY'])}', '2026-0${int(1, 9)}-${int(10, 28)}T0${int(0, 9)}:00:00Z')\nON CONFLICT (${a}) DO UPDATE SET ${b} = EXCLUDED.${b}\nRETURNING id;`;
    case 2:
      return `update ${t} set ${a} = ${a} * ${(random() * 2).toFixed(3)}, updated_at = now() where ${b} in (select ${b} from ${u} where kind = '${pick(['refund', 'chargeback', 'credit'])}');`;
    case 3:
      return `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${a}_idx ON ${t} USING btree (${a}, occurred_at DESC) WHERE ${b} IS NOT NULL;`;
    case 4:
      return `SELECT n.nspname AS schema, c.relname AS table, pg_size_pretty(pg_total_relation_size(c.oid)) AS size\nFROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\nWHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')\nORDER BY pg_total_relation_size(c.oid) DESC LIMIT ${int(5, 50)};`;
    case 5:
      return `ALTER TABLE ${t}\n  ADD COLUMN ${a}_v2 numeric(18,4),\n  ADD CONSTRAINT ${t}_${b}_chk CHECK (${b} <> ''),\n  ALTER COLUMN ${a} SET NOT NULL;`;
    case 6:
      return `select date_bin('15 minutes', occurred_at, timestamp '2026-01-01') as bucket, percentile_cont(0.95) within group (order by ${a}) as p95\nfrom ${t} where tenant_id = $1 and occurred_at between $2 and $3\ngroup by 1 order by 1;`;
    default:
      return `DELETE FROM ${t} t USING ${u} u WHERE t.${a} = u.${a} AND u.deleted_at < now() - interval '${int(30, 400)} days';`;
  }
}

// ---- json ----
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
function jsonSample(i: number): unknown {
  switch (i % 6) {
    case 0:
      return Array.from({ length: int(2, 6) }, () => ({
        queryid: String(int(1e12, 9e12)),
        query: sqlStatement().slice(0, int(60, 160)),
        calls: int(1, 90_000),
        total_exec_time: Number((random() * 1e5).toFixed(3)),
        mean_exec_time: Number((random() * 300).toFixed(4)),
        rows: int(0, 1e6),
        shared_blks_hit: int(0, 1e7),
      }));
    case 1:
      return {
        locks: Array.from({ length: int(1, 5) }, () => ({
          pid: int(1000, 60_000),
          locktype: pick(['relation', 'transactionid', 'tuple']),
          mode: pick(['AccessShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock']),
          granted: random() < 0.7,
          relation: pick(T),
          waiting_for: random() < 0.3 ? int(1000, 60_000) : null,
        })),
      };
    case 2:
      return {
        replicas: Array.from({ length: int(1, 3) }, (_, k) => ({
          application_name: `replica-${k + 1}`,
          client_addr: `10.0.${int(0, 9)}.${int(2, 250)}`,
          state: 'streaming',
          sent_lsn: `${hex(1).toUpperCase()}/${hex(8).toUpperCase()}`,
          replay_lag: `00:00:0${int(0, 9)}.${int(100_000, 999_999)}`,
          sync_state: pick(['async', 'sync', 'quorum']),
        })),
      };
    case 3:
      return Array.from({ length: int(2, 7) }, () => ({
        index: `${pick(T)}_${pick(C)}_idx`,
        idx_scan: int(0, 5e6),
        idx_tup_read: int(0, 9e7),
        size_bytes: int(8192, 9e9),
        unused: random() < 0.25,
      }));
    case 4:
      return {
        tools: ['query_database', 'get_schema_info', 'execute_explain'].map((name) => ({
          name,
          description: `Runs ${name.replace(/_/g, ' ')} against the current connection.`,
          inputSchema: {
            type: 'object',
            properties: {
              query: { type: 'string' },
              connection_id: { type: 'string' },
              limit: { type: 'integer', minimum: 1 },
            },
            required: ['query'],
          },
        })),
      };
    default:
      return {
        error: {
          code: pick(['CONFLICT', 'RATE_LIMITED', 'UPSTREAM_FAILED']),
          message: 'The request could not be completed.',
          details: {
            retry_after_ms: int(100, 30_000),
            request_id: `${hex(8)}-${hex(4)}-${hex(12)}`,
            path: `/api/v1/${pick(['tokens', 'conversations', 'chat/compact'])}`,
          },
        },
      };
  }
}

// ---- tsv ----
function tsvSample(i: number): string {
  const rows = int(2, 30);
  const kind = i % 5;
  const header = [
    ['schemaname', 'relname', 'seq_scan', 'idx_scan', 'n_tup_ins', 'n_tup_upd', 'last_analyze'],
    ['bucket', 'p50_ms', 'p95_ms', 'p99_ms', 'errors'],
    ['id', 'title', 'author_email', 'url'],
    ['event_id', 'payload'],
    ['tenant', 'mrr', 'delta', 'note'],
  ][kind] as string[];
  const lines = [header.join('\t')];
  for (let r = 0; r < rows; r++) {
    const row =
      kind === 0
        ? [
            'public',
            pick(T),
            String(int(0, 1e6)),
            random() < 0.2 ? 'NULL' : String(int(0, 1e8)),
            String(int(0, 1e6)),
            String(int(0, 1e5)),
            `2026-03-${int(10, 28)} 0${int(0, 9)}:${int(10, 59)}:${int(10, 59)}.${int(100000, 999999)}+00`,
          ]
        : kind === 1
          ? [
              `2026-05-0${int(1, 9)} ${int(10, 23)}:${pick(['00', '15', '30', '45'])}`,
              (random() * 20).toFixed(2),
              (random() * 200).toFixed(2),
              (random() * 900).toFixed(2),
              String(int(0, 40)),
            ]
          : kind === 2
            ? [
                String(int(1, 9999)),
                `${pick(['Fix', 'Add', 'Remove', 'Tune'])} ${pick(['the', 'a'])} ${pick(['vacuum settings', 'index on events', 'webhook retries', 'billing export'])}`,
                `${pick(['kim', 'ola', 'raj', 'mei'])}@example.org`,
                `https://example.org/issues/${int(1, 9999)}`,
              ]
            : kind === 3
              ? [
                  hex(12),
                  JSON.stringify({
                    type: pick(['signup', 'charge', 'refund']),
                    amount: int(1, 9999),
                    meta: { ip: `192.0.2.${int(1, 254)}` },
                  }),
                ]
              : [
                  pick(['acme', 'globex', 'initech', 'umbrella']),
                  (random() * 1e5).toFixed(2),
                  (random() * 2000 - 1000).toFixed(2),
                  random() < 0.5 ? 'NULL' : pick(['annual plan', 'downgrade', 'trial ended']),
                ];
    lines.push(row.join('\t'));
  }
  if (i % 3 === 0) lines.push('', `(${rows} rows)`);
  return lines.join('\n');
}

// ---- code ----
function codeExcerpts(): string[] {
  const sources = tracked.filter(
    (p) => /^packages\/(?!compactor)[^/]+\/src\/.*\.ts$/.test(p) && !p.endsWith('.test.ts'),
  );
  const out: string[] = [];
  for (const path of shuffled(sources).slice(0, 26)) {
    const lines = read(path).split('\n');
    const length = int(12, 40);
    const start = int(0, Math.max(0, lines.length - length));
    const excerpt = lines
      .slice(start, start + length)
      .join('\n')
      .trim();
    if (excerpt.length > 80) out.push(excerpt);
  }
  for (const path of ['.ci/run', 'pnpm-workspace.yaml', 'turbo.json']) {
    if (tracked.includes(path)) out.push(read(path).split('\n').slice(0, 40).join('\n').trim());
  }
  return out;
}

// ---- markdown ----
function readmeTables(): string[] {
  const tables: string[] = [];
  for (const path of readmes) {
    const lines = read(path).split('\n');
    let current: string[] = [];
    for (const line of [...lines, '']) {
      if (line.startsWith('|')) current.push(line);
      else {
        if (current.length >= 3) tables.push(current.slice(0, 14).join('\n'));
        current = [];
      }
    }
  }
  return shuffled(tables).slice(0, 18);
}

function answerTables(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 14; i++) {
    const rows = int(2, 8);
    const lines = [
      pick([
        'Here is the breakdown:',
        'The five busiest tables:',
        'Per tenant:',
        'Summary of the plan nodes:',
      ]),
      '',
      '| tenant | requests | p95 (ms) | errors | trend |',
      '|:--|--:|--:|--:|:-:|',
    ];
    for (let r = 0; r < rows; r++) {
      lines.push(
        `| ${pick(['acme', 'globex', 'initech', 'umbrella', 'hooli'])} | ${int(100, 99_999).toLocaleString('en-US')} | ${(random() * 400).toFixed(1)} | ${int(0, 50)} | ${pick(['↑', '↓', '→', '—'])} |`,
      );
    }
    lines.push(
      '',
      pick([
        'Errors are concentrated in the first tenant.',
        'Nothing stands out.',
        'The p95 doubled after Tuesday’s deploy.',
      ]),
    );
    out.push(lines.join('\n'));
  }
  return out;
}

const dir = fileURLToPath(new URL('./held-out/', import.meta.url));
mkdirSync(dir, { recursive: true });
const write = (name: string, samples: string[]) =>
  writeFileSync(`${dir}${name}.txt`, samples.join('\n%%\n') + '\n');
write('prose', [...readmeParagraphs(), ...chatProse()]);
write('sql', Array.from({ length: 35 }, sqlStatement));
write(
  'json',
  Array.from({ length: 36 }, (_, i) => JSON.stringify(jsonSample(i), null, i % 2 === 0 ? 2 : undefined)),
);
write(
  'tsv',
  Array.from({ length: 35 }, (_, i) => tsvSample(i)),
);
write('code', codeExcerpts());
write('markdown', [...readmeTables(), ...answerTables()]);
console.log('wrote held-out/{prose,sql,json,tsv,code,markdown}.txt');
