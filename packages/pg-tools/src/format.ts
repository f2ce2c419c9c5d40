import { toJsonValue } from './executor/pg-types.js';
import type { StatementResult } from './executor/run-statement.js';

/** Escapes a value for one TSV cell: tabs, newlines and backslashes become \t, \n, \\. */
export function tsvCell(value: string | null): string {
  if (value === null) return 'NULL';
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** A header line and one line per row, tab-separated. */
export function toTsv(columns: readonly { name: string }[], rows: readonly (string | null)[][]): string {
  const lines = [columns.map((c) => tsvCell(c.name)).join('\t')];
  for (const row of rows) lines.push(row.map(tsvCell).join('\t'));
  return lines.join('\n');
}

/** One formatter for every footer: toLocaleString builds a new one on each call. */
const COUNT = new Intl.NumberFormat('en-US');

function plural(n: number, word: string): string {
  return `${COUNT.format(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** The line under a result that says how much was shown and how to get the rest. */
export function resultFooter(result: StatementResult, maxBytes: number): string {
  const shown = result.rows.length;
  const first = result.offset + 1;
  const last = result.offset + shown;
  const range = shown > 0 ? `rows ${first}-${last}` : `no rows at offset ${result.offset}`;
  switch (result.truncated) {
    case 'limit':
      return `(${plural(shown, 'row')} shown, ${range}; more rows exist: call again with offset=${result.nextOffset} to continue, or aggregate/filter in SQL)`;
    case 'bytes':
      return `(${plural(shown, 'row')} shown, ${range}; output stopped at the ${Math.round(maxBytes / 1024)} KiB limit: select fewer or shorter columns, or call again with offset=${result.nextOffset})`;
    case false:
      return result.offset > 0
        ? `(${plural(shown, 'row')}, ${range}; end of result)`
        : `(${plural(shown, 'row')})`;
  }
}

/** The structured form of a result, for clients that render tables. */
export interface QueryStructuredContent {
  [key: string]: unknown;
  columns: { name: string; type: string }[];
  rows: unknown[][];
  row_count: number;
  truncated: boolean;
  truncated_reason?: 'limit' | 'bytes';
  offset: number;
  next_offset?: number;
  command: string;
  affected_rows?: number;
  duration_ms: number;
}

export function structuredResult(result: StatementResult): QueryStructuredContent {
  return {
    columns: result.columns.map(({ name, type }) => ({ name, type })),
    rows: result.rows.map((row) =>
      row.map((value, i) => toJsonValue(value, result.columns[i]?.typeOid ?? 25)),
    ),
    row_count: result.rows.length,
    truncated: result.truncated !== false,
    ...(result.truncated ? { truncated_reason: result.truncated } : {}),
    offset: result.offset,
    ...(result.nextOffset !== undefined ? { next_offset: result.nextOffset } : {}),
    command: result.command,
    ...(result.affectedRows !== undefined ? { affected_rows: result.affectedRows } : {}),
    duration_ms: result.durationMs,
  };
}
