import type { Message } from '@pgmcp/api-contract';
import { isAcknowledgement } from './classifier.js';
import { detectContentKind, queryInput, stringInput, toolResultText } from './content.js';
import type { CompactionSummary } from './types.js';

/** What one message contributes to a heuristic summary. */
export interface MessageFeatures {
  action?: string;
  tables: string[];
  entities: string[];
  tools: string[];
  sqlCount: number;
  errors: string[];
}

/** How much detail the summary text carries; shorter levels are used when the budget is tight. */
export type SummaryLevel = 'full' | 'brief' | 'minimal';

/** The heuristic summary minus how it was written. */
export type HeuristicSummary = Omit<CompactionSummary, 'text' | 'method' | 'fallback_reason'>;

const SCAN_LIMIT = 16_384;
const ACTION_LENGTH = 80;
const ERROR_LENGTH = 120;
const SQL_TABLE =
  /\b(?:from|join|into|update|truncate|(?:create|alter|drop|truncate|lock)\s+(?:\w+\s+)?table(?:\s+if\s+(?:not\s+)?exists)?)\s+(?:only\s+)?((?:"[^"]{1,63}"|[a-z_][\w$]{0,62})(?:\.(?:"[^"]{1,63}"|[a-z_][\w$]{0,62}))?)(?!\s*\()/gi;
const PROSE_TABLE = /\b([a-z_][\w$]{1,62})\s+table\b/gi;
const FENCED = /```([\w-]*)[^\n]*\n([\s\S]*?)```/g;
const SQL_FENCES = new Set(['sql', 'postgresql', 'psql', 'pgsql', 'plpgsql']);
const BACKTICKED = /`([a-z_][\w$.]{1,62})`/gi;
const ERROR_MARK = /\b(?:ERROR|FATAL):|\bpermission denied\b/i;
const NOT_TABLES = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'each',
  'every',
  'which',
  'what',
  'your',
  'my',
  'our',
  'its',
  'their',
  'new',
  'same',
  'other',
  'another',
  'whole',
  'entire',
  'temp',
  'temporary',
  'lookup',
  'join',
  'pivot',
  'select',
  'lateral',
  'unnest',
  'values',
  'set',
  'where',
  'only',
  'dual',
  'then',
  'base',
  'hash',
  'partitioned',
  'foreign',
  'system',
  'catalog',
]);
const ENTITY_INPUTS: ReadonlyArray<[key: string, label: string]> = [
  ['schema_name', 'schema'],
  ['schema', 'schema'],
  ['connection_id', 'connection'],
  ['database_name', 'database'],
];

const CAPS: Readonly<
  Record<
    Exclude<SummaryLevel, 'minimal'>,
    Record<'actions' | 'tables' | 'entities' | 'tools' | 'errors', number>
  >
> = {
  full: { actions: 5, tables: 10, entities: 8, tools: 8, errors: 3 },
  brief: { actions: 2, tables: 5, entities: 0, tools: 4, errors: 1 },
};

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function normalizeName(name: string): string {
  return name.includes('"') ? name : name.toLowerCase();
}

function addTables(sql: string, into: string[]): void {
  for (const match of sql.matchAll(SQL_TABLE)) {
    const name = match[1];
    if (name && !NOT_TABLES.has(name.toLowerCase())) into.push(normalizeName(name));
  }
}

function firstError(text: string): string | undefined {
  const mark = ERROR_MARK.exec(text);
  if (!mark) return undefined;
  const start = text.lastIndexOf('\n', mark.index) + 1;
  const end = text.indexOf('\n', mark.index);
  return clip(text.slice(start, end < 0 ? undefined : end), ERROR_LENGTH);
}

function textFeatures(text: string, role: Message['role'], features: MessageFeatures): void {
  const sample = text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
  if (role === 'user' && features.action === undefined && !isAcknowledgement(sample.trim())) {
    const firstLine = sample.trim().split('\n', 1)[0] ?? '';
    if (firstLine) features.action = clip(firstLine, ACTION_LENGTH);
  }
  // Fenced blocks are judged on their own so a SQL snippet does not make the prose around it "SQL".
  const prose = sample.includes('```')
    ? sample.replace(FENCED, (_, lang: string, body: string) => {
        if (SQL_FENCES.has(lang.toLowerCase()) || (lang === '' && detectContentKind(body) === 'sql')) {
          features.sqlCount++;
          addTables(body, features.tables);
        }
        return '\n';
      })
    : sample;
  if (detectContentKind(prose) === 'sql') {
    features.sqlCount++;
    addTables(prose, features.tables);
  } else {
    for (const match of prose.matchAll(PROSE_TABLE)) {
      const name = match[1]?.toLowerCase();
      if (name && !NOT_TABLES.has(name)) features.tables.push(name);
    }
  }
  for (const match of prose.matchAll(BACKTICKED)) if (match[1]) features.entities.push(match[1]);
  const error = firstError(sample);
  if (error) features.errors.push(error);
}

/** Extracts the facts a heuristic summary reports from one message. */
export function extractFeatures(message: Message): MessageFeatures {
  const features: MessageFeatures = { tables: [], entities: [], tools: [], sqlCount: 0, errors: [] };
  if (typeof message.content === 'string') {
    textFeatures(message.content, message.role, features);
    return features;
  }
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        textFeatures(block.text, message.role, features);
        break;
      case 'tool_use': {
        features.tools.push(block.name);
        const query = queryInput(block.input);
        if (query !== undefined) {
          features.sqlCount++;
          addTables(query.length > SCAN_LIMIT ? query.slice(0, SCAN_LIMIT) : query, features.tables);
        }
        const table = stringInput(block.input, 'table_name') ?? stringInput(block.input, 'table');
        if (table) features.tables.push(normalizeName(table));
        for (const [key, label] of ENTITY_INPUTS) {
          const value = stringInput(block.input, key);
          if (value) features.entities.push(`${label} ${value}`);
        }
        break;
      }
      case 'tool_result': {
        const text = toolResultText(block);
        const error =
          block.is_error === true
            ? clip(text.trim().split('\n', 1)[0] ?? '', ERROR_LENGTH)
            : firstError(text.slice(0, SCAN_LIMIT));
        if (error) features.errors.push(error);
        break;
      }
      case 'image':
        break;
    }
  }
  return features;
}

/** Distinct values, most frequent first, ties in order of first appearance. */
function ranked(values: Iterable<string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** Aggregates the features of the dropped messages into a summary (lists capped at the `full` level). */
export function summarize(features: readonly MessageFeatures[]): HeuristicSummary {
  const actions: string[] = [];
  const seenActions = new Set<string>();
  for (const f of features) {
    if (f.action !== undefined && !seenActions.has(f.action)) {
      seenActions.add(f.action);
      actions.push(f.action);
    }
  }
  const errors = [...new Set(features.flatMap((f) => f.errors))];
  return {
    message_count: features.length,
    actions,
    tables: ranked(features.flatMap((f) => f.tables)).map(([name]) => name),
    entities: ranked(features.flatMap((f) => f.entities)).map(([name]) => name),
    tools: ranked(features.flatMap((f) => f.tools)).map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)),
    sql_count: features.reduce((sum, f) => sum + f.sqlCount, 0),
    errors,
  };
}

function listLine(
  label: string,
  values: readonly string[],
  cap: number,
  separator = ', ',
): string | undefined {
  if (cap === 0 || values.length === 0) return undefined;
  const shown = values.slice(0, cap).join(separator);
  const more = values.length > cap ? ` (+${values.length - cap} more)` : '';
  return `${label}: ${shown}${more}`;
}

/** The heuristic summary's fields capped at the full level, as reported in the result. */
export function capSummary(summary: HeuristicSummary): HeuristicSummary {
  const caps = CAPS.full;
  return {
    ...summary,
    actions: summary.actions.slice(0, caps.actions),
    tables: summary.tables.slice(0, caps.tables),
    entities: summary.entities.slice(0, caps.entities),
    tools: summary.tools.slice(0, caps.tools),
    errors: summary.errors.slice(0, caps.errors),
  };
}

/** The summary as the text inserted into the conversation, at the given level of detail. */
export function formatSummary(summary: HeuristicSummary, level: SummaryLevel): string {
  const n = summary.message_count;
  const noun = n === 1 ? 'message' : 'messages';
  if (level === 'minimal') return `[${n} earlier ${noun} omitted to fit the context budget.]`;
  const caps = CAPS[level];
  const lines = [
    `[Summary of ${n} earlier ${noun}, omitted to fit the context budget]`,
    listLine(
      'Requests',
      summary.actions.map((a) => `"${a}"`),
      caps.actions,
      '; ',
    ),
    listLine('Tables', summary.tables, caps.tables),
    listLine('Other names', summary.entities, caps.entities),
    listLine('Tools used', summary.tools, caps.tools),
    summary.sql_count > 0 ? `SQL statements: ${summary.sql_count}` : undefined,
    listLine('Errors', summary.errors, caps.errors, '; '),
  ];
  return lines.filter((line): line is string => line !== undefined).join('\n');
}
