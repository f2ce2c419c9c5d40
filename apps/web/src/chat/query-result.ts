/** A page of rows from query_database, from its structuredContent or (for stored chats) its text. */
export interface QueryResult {
  columns: { name: string; type?: string }[];
  rows: unknown[][];
  /** Offset of the first row. */
  offset: number;
  truncated: boolean;
  /** Where the next page starts, when more rows exist. */
  nextOffset?: number;
  command?: string;
  affectedRows?: number;
  durationMs?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** query_database's structuredContent `{columns, rows, row_count, truncated, next_offset, …}`, if it is one. */
export function queryResultOf(structured: Record<string, unknown> | undefined): QueryResult | undefined {
  if (!structured || !Array.isArray(structured.columns) || !Array.isArray(structured.rows)) return undefined;
  const columns = structured.columns.filter(isRecord).map((c) => ({
    name: String(c.name),
    ...(typeof c.type === 'string' ? { type: c.type } : {}),
  }));
  const rows = structured.rows.filter((r): r is unknown[] => Array.isArray(r));
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const nextOffset = num(structured.next_offset);
  const affectedRows = num(structured.affected_rows);
  const durationMs = num(structured.duration_ms);
  return {
    columns,
    rows,
    offset: num(structured.offset) ?? 0,
    truncated: structured.truncated === true,
    ...(nextOffset !== undefined ? { nextOffset } : {}),
    ...(typeof structured.command === 'string' ? { command: structured.command } : {}),
    ...(affectedRows !== undefined ? { affectedRows } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

function unescapeCell(cell: string): string | null {
  if (cell === 'NULL') return null;
  return cell.replace(/\\([\\tnr])/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\',
  );
}

const FOOTER = /^\((\d[\d,]*) rows?\b(.*)\)$/;

/**
 * Reads query_database's text answer (a TSV header and rows, then a footer such as
 * `(100 rows shown, rows 1-100; more rows exist: call again with offset=100 …)`) back into rows,
 * for conversations loaded from the server, which keep the text and not the structured result.
 */
export function parseQueryText(text: string): QueryResult | undefined {
  const lines = text.split('\n');
  const footerAt = lines.findIndex((line) => FOOTER.test(line));
  if (footerAt < 1) return undefined;
  const header = lines[0]!.split('\t').map((name) => unescapeCell(name) ?? 'NULL');
  const rows = lines.slice(1, footerAt).map((line) => line.split('\t').map(unescapeCell));
  if (rows.some((row) => row.length !== header.length)) return undefined;
  const footer = lines[footerAt]!;
  const range = footer.match(/rows (\d+)-\d+/);
  const next = footer.match(/offset=(\d+)/);
  return {
    columns: header.map((name) => ({ name })),
    rows,
    offset: range ? Number(range[1]) - 1 : 0,
    truncated: next !== null,
    ...(next ? { nextOffset: Number(next[1]) } : {}),
  };
}
