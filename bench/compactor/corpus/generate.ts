/**
 * Writes the generated part of the tuning corpus: json.txt (tool results: schema info, query
 * rows, plans, health and error bodies), tsv.txt (query results as the query_database tool
 * prints them) and markdown.txt (result tables as assistants write them). Seeded, so the files
 * are reproducible; prose.txt, sql.txt and code.txt are written by hand. The held-out corpus
 * comes from generate-held-out.ts. Run: pnpm --filter @pgmcp/bench exec tsx compactor/corpus/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../corpus.js';

const { random, int, pick } = seededRandom(20_250_611);

const FIRST = [
  'Ana',
  'Bruno',
  'Chen',
  'Divya',
  'Emeka',
  'Farah',
  'Goran',
  'Hana',
  'Ivan',
  'Jun',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
];
const LAST = [
  'Silva',
  'Novak',
  'Okafor',
  'Tanaka',
  'Haddad',
  'Kowalski',
  'Mensah',
  'Ruiz',
  'Larsen',
  'Iyer',
  'Moreau',
  'Petrov',
];
const CITIES = [
  'Lisbon',
  'Osaka',
  'Lagos',
  'Porto Alegre',
  'Gdansk',
  'Accra',
  'Lyon',
  'Pune',
  'Bergen',
  'Monterrey',
];
const PRODUCTS = [
  'steel water bottle',
  'trail running shoes',
  'wool beanie',
  'camping stove',
  'headlamp',
  'dry bag 20l',
  'hiking poles',
  'rain jacket',
];
const STATUSES = ['pending', 'paid', 'shipped', 'refunded', 'cancelled'];
const TYPES = [
  'bigint',
  'integer',
  'text',
  'numeric(12,2)',
  'timestamptz',
  'boolean',
  'jsonb',
  'uuid',
  'date',
  'varchar(255)',
];
const TABLES = [
  'orders',
  'customers',
  'line_items',
  'products',
  'payments',
  'shipments',
  'regions',
  'order_events',
  'sessions',
  'audit_log',
];

const name = () => `${pick(FIRST)} ${pick(LAST)}`;
const email = () => `${pick(FIRST).toLowerCase()}.${pick(LAST).toLowerCase()}${int(1, 99)}@example.com`;
const money = () => (random() * 900 + 5).toFixed(2);
const ts = () =>
  `2025-0${int(1, 9)}-${String(int(1, 28)).padStart(2, '0')} ${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}+00`;
const uuid = () =>
  [8, 4, 4, 4, 12]
    .map((n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join(''))
    .join('-');

function schemaInfo(): unknown {
  const tables = Array.from({ length: int(1, 4) }, () => {
    const table = pick(TABLES);
    return {
      schema: 'public',
      name: table,
      kind: 'table',
      comment: random() < 0.4 ? `${table.replace('_', ' ')} of the shop` : null,
      row_estimate: int(100, 9_000_000),
      columns: Array.from({ length: int(3, 9) }, (_, i) => ({
        name:
          i === 0
            ? 'id'
            : pick([
                'created_at',
                'status',
                'total',
                'customer_id',
                'email',
                'name',
                'payload',
                'region_code',
                'updated_at',
                'quantity',
              ]),
        type: i === 0 ? 'bigint' : pick(TYPES),
        nullable: i !== 0 && random() < 0.5,
        primary_key: i === 0,
        ...(random() < 0.2 ? { foreign_key: `${pick(TABLES)}.id` } : {}),
      })),
    };
  });
  return { database: 'shop', tables };
}

function queryRows(): unknown {
  const count = int(2, 12);
  return {
    columns: ['id', 'customer', 'email', 'status', 'total', 'created_at'],
    rows: Array.from({ length: count }, () => [
      int(1000, 99_999),
      name(),
      email(),
      pick(STATUSES),
      money(),
      ts(),
    ]),
    row_count: count,
    truncated: random() < 0.3,
    next_offset: null,
  };
}

function plan(): unknown {
  const scan = (table: string) => ({
    'Node Type': random() < 0.5 ? 'Seq Scan' : 'Index Scan',
    'Relation Name': table,
    Alias: table[0],
    'Startup Cost': 0.0,
    'Total Cost': Number((random() * 50_000).toFixed(2)),
    'Plan Rows': int(1, 500_000),
    'Plan Width': int(8, 120),
    'Actual Rows': int(1, 500_000),
    'Actual Loops': 1,
    'Shared Hit Blocks': int(0, 90_000),
    'Shared Read Blocks': int(0, 20_000),
  });
  return [
    {
      Plan: {
        'Node Type': 'Hash Join',
        'Join Type': 'Inner',
        'Hash Cond': '(o.customer_id = c.id)',
        Plans: [scan(pick(TABLES)), { 'Node Type': 'Hash', Plans: [scan(pick(TABLES))] }],
      },
      'Planning Time': Number((random() * 3).toFixed(3)),
      'Execution Time': Number((random() * 2000).toFixed(3)),
    },
  ];
}

function systemInfo(): unknown {
  return {
    server_version: pick(['17.5', '16.9', '15.13', '18.0']),
    version_number: pick([170005, 160009, 150013, 180000]),
    database: 'shop',
    user: pick(['analyst', 'pgmcp_reader', 'postgres']),
    host: pick(['127.0.0.1', 'db.internal', 'replica-1.internal']),
    port: 5432,
    allow_writes: random() < 0.2,
    connection: pick(['default', 'prod-replica', 'staging']),
  };
}

function errorBody(): unknown {
  return pick([
    { error: { code: 'UNAUTHORIZED', message: 'The session has expired; log in again.' } },
    {
      error: {
        code: 'FORBIDDEN',
        message: `Your token may not use the connection "${pick(['prod', 'billing'])}".`,
      },
    },
    {
      error: { code: 'BAD_REQUEST', message: `messages[${int(0, 40)}].role must be "user" or "assistant".` },
    },
    {
      status: 'degraded',
      store: 'ok',
      connections: [
        { name: 'default', ok: true, latency_ms: int(1, 9) },
        { name: 'reporting', ok: false, error: 'connection refused' },
      ],
    },
  ]);
}

function listing(): unknown {
  return {
    items: Array.from({ length: int(2, 6) }, () => ({
      id: uuid(),
      title: `${pick(['Revenue check', 'Index review', 'Slow report', 'Vacuum tuning', 'Schema tour'])} ${int(1, 30)}`,
      updated_at: ts().replace(' ', 'T').replace('+00', 'Z'),
      message_count: int(2, 180),
      provider: pick(['anthropic', 'openai', 'ollama']),
    })),
    next_cursor: random() < 0.5 ? uuid() : null,
  };
}

function jsonSamples(): string[] {
  const makers = [schemaInfo, queryRows, plan, systemInfo, errorBody, listing];
  const samples: string[] = [];
  for (let i = 0; i < 36; i++) {
    const maker = makers[i % makers.length] as () => unknown;
    // Tools print both ways: compact structuredContent and pretty-printed text.
    samples.push(JSON.stringify(maker(), null, i % 3 === 0 ? undefined : 2));
  }
  return samples;
}

type Column = [header: string, value: () => string];
const COLUMN_SETS: Column[][] = [
  [
    ['id', () => String(int(1000, 99_999))],
    ['customer', name],
    ['status', () => pick(STATUSES)],
    ['total', money],
    ['created_at', ts],
  ],
  [
    ['relname', () => pick(TABLES)],
    ['n_live_tup', () => String(int(0, 9_000_000))],
    ['n_dead_tup', () => String(int(0, 400_000))],
    ['last_autovacuum', () => (random() < 0.2 ? '' : ts())],
  ],
  [
    ['email', email],
    ['city', () => pick(CITIES)],
    ['orders', () => String(int(1, 60))],
    ['revenue', money],
    ['active', () => (random() < 0.7 ? 't' : 'f')],
  ],
  [
    ['product', () => pick(PRODUCTS)],
    ['units', () => String(int(1, 5000))],
    ['rank', () => String(int(1, 10))],
  ],
  [
    ['pid', () => String(int(1000, 65_000))],
    ['usename', () => pick(['analyst', 'app', 'postgres'])],
    ['state', () => pick(['active', 'idle in transaction', 'idle'])],
    ['wait_event', () => (random() < 0.5 ? '' : pick(['ClientRead', 'DataFileRead', 'Lock']))],
    ['running_for', () => `00:0${int(0, 9)}:${String(int(0, 59)).padStart(2, '0')}.${int(100, 999)}`],
    ['query', () => `SELECT * FROM ${pick(TABLES)} WHERE id = $1`],
  ],
  [
    ['session_id', uuid],
    ['user_id', () => String(int(1, 4000))],
    ['last_seen', ts],
  ],
  [
    ['day', () => `2025-06-${String(int(1, 28)).padStart(2, '0')}`],
    ['cancelled', () => String(int(0, 80))],
    ['total', () => String(int(100, 4000))],
    ['cancel_rate', () => (random() * 5).toFixed(2)],
  ],
];

function tsvSamples(): string[] {
  const samples: string[] = [];
  for (let i = 0; i < 35; i++) {
    const columns = COLUMN_SETS[i % COLUMN_SETS.length] as Column[];
    const rows = int(1, 25);
    const lines = [columns.map(([header]) => header).join('\t')];
    for (let r = 0; r < rows; r++) lines.push(columns.map(([, value]) => value()).join('\t'));
    if (i % 4 === 0) lines.push('', `(${rows} rows; more available: call again with offset=${rows})`);
    samples.push(lines.join('\n'));
  }
  return samples;
}

/** Markdown tables as an assistant writes them in answers: compact, or padded like prettier does. */
function markdownSamples(): string[] {
  const samples: string[] = [];
  for (let i = 0; i < 30; i++) {
    const columns = COLUMN_SETS[i % COLUMN_SETS.length] as Column[];
    const rows = Array.from({ length: int(2, 10) }, () => columns.map(([, value]) => value() || '—'));
    const header = columns.map(([name]) => name);
    const padded = i % 2 === 1;
    const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((row) => (row[c] ?? '').length)));
    const line = (cells: string[]) =>
      `| ${cells.map((cell, c) => (padded ? cell.padEnd(widths[c] ?? 0) : cell)).join(' | ')} |`;
    const rule = `| ${widths.map((w) => (padded ? '-'.repeat(w) : '---')).join(' | ')} |`;
    const intro = pick([
      'Here is what I found:',
      'The query returned these rows:',
      `Top ${rows.length} by ${header[1] ?? 'value'}:`,
    ]);
    const outro = pick([
      '',
      '\nLet me know if you want it grouped differently.',
      '\nThe last row looks odd; I will check it next.',
    ]);
    samples.push([intro, '', line(header), rule, ...rows.map(line)].join('\n') + outro);
  }
  return samples;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
writeFileSync(here('./json.txt'), jsonSamples().join('\n%%\n') + '\n');
writeFileSync(here('./tsv.txt'), tsvSamples().join('\n%%\n') + '\n');
// Last, so the random sequence of the two files above stays what it was.
writeFileSync(here('./markdown.txt'), markdownSamples().join('\n%%\n') + '\n');
console.log('wrote json.txt, tsv.txt and markdown.txt');
