import type { QueryResult } from '../chat/query-result.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { exactResult } from './result-values.js';

/** Most rows an export collects, so one click cannot pull a whole warehouse into the tab. */
export const EXPORT_MAX_ROWS = 100_000;
const PAGE = 1000;

/** The outcome of {@link fetchAllRows}: every row up to the cap, and whether the cap cut it. */
export interface AllRows {
  columns: QueryResult['columns'];
  rows: unknown[][];
  capped: boolean;
}

/**
 * Every page of a query's result through query_database with offset, up to {@link EXPORT_MAX_ROWS}:
 * starts from the rows already on screen and continues where they end.
 */
export async function fetchAllRows(
  callTool: McpSession['callTool'],
  sql: string,
  loaded: QueryResult,
  signal?: AbortSignal,
): Promise<AllRows> {
  const rows = [...loaded.rows];
  let next = loaded.nextOffset;
  let page = PAGE;
  while (next !== undefined && rows.length < EXPORT_MAX_ROWS) {
    const outcome = await callTool('query_database', { query: sql, limit: page, offset: next }, signal);
    const most = outcome.isError ? /limit can be at most (\d+)/.exec(outcome.text) : null;
    if (most && Number(most[1]) < page) {
      page = Number(most[1]);
      continue;
    }
    if (outcome.isError) throw new Error(outcome.text);
    const result = exactResult(outcome.structured, outcome.text);
    if (!result) throw new Error('query_database answered in a form this page does not know.');
    rows.push(...result.rows);
    next = result.rows.length === 0 ? undefined : result.nextOffset;
  }
  return { columns: loaded.columns, rows: rows.slice(0, EXPORT_MAX_ROWS), capped: next !== undefined };
}
