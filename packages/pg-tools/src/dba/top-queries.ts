import type { McpContext, McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { targetArgs } from '../tools/common.js';
import { type CatalogSession, type TextRow, num, withCatalog } from './catalog.js';
import {
  isNotLoadedError,
  probeStatements,
  type StatementsAdvice,
  statementsAdvice,
  statementsColumns,
  statementsView,
} from './pg-stat-statements.js';

/** What get_top_queries can rank by, and the SQL of each key. */
export const TOP_QUERY_ORDERS = [
  'total_time',
  'mean_time',
  'calls',
  'rows',
  'shared_blks_read',
  'temp_blks',
] as const;

/** A ranking key of get_top_queries. */
export type TopQueryOrder = (typeof TOP_QUERY_ORDERS)[number];

/** One statement of the ranking. */
export interface TopQuery {
  rank: number;
  queryid: string | null;
  user: string | null;
  database: string | null;
  calls: number;
  total_time_ms: number;
  mean_time_ms: number;
  plan_time_ms: number | null;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  temp_blks: number;
  /** Share of the total execution time of every statement the filters keep, in percent. */
  time_share_percent: number | null;
  query: string;
}

function orderExpression(order: TopQueryOrder, total: string, mean: string): string {
  switch (order) {
    case 'total_time':
      return total;
    case 'mean_time':
      return mean;
    case 'calls':
      return 's.calls';
    case 'rows':
      return 's.rows';
    case 'shared_blks_read':
      return 's.shared_blks_read';
    case 'temp_blks':
      return '(s.temp_blks_read + s.temp_blks_written)';
  }
}

function topSql(schema: string, columns: ReadonlySet<string>, order: TopQueryOrder): string {
  const c = statementsColumns(columns);
  return `
SELECT s.queryid::text AS queryid, r.rolname AS user, d.datname AS database, s.calls,
       round(${c.total}::numeric, 3) AS total_ms, round(${c.mean}::numeric, 3) AS mean_ms,
       round(${c.plan}::numeric, 3) AS plan_ms, s.rows, s.shared_blks_hit, s.shared_blks_read,
       s.temp_blks_read + s.temp_blks_written AS temp_blks,
       round((100 * ${c.total} / nullif(sum(${c.total}) OVER (), 0))::numeric, 2) AS share,
       left(regexp_replace(s.query, '\\s+', ' ', 'g'), $3::int) AS query
FROM ${statementsView(schema)} s
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
WHERE ($1::text IS NULL OR d.datname = $1) AND ($2::text IS NULL OR r.rolname = $2)
ORDER BY ${orderExpression(order, c.total, c.mean)} DESC NULLS LAST, s.queryid
LIMIT $4::int`;
}

function toTopQuery(row: TextRow, rank: number): TopQuery {
  return {
    rank,
    queryid: row.queryid ?? null,
    user: row.user ?? null,
    database: row.database ?? null,
    calls: num(row.calls) ?? 0,
    total_time_ms: num(row.total_ms) ?? 0,
    mean_time_ms: num(row.mean_ms) ?? 0,
    plan_time_ms: num(row.plan_ms),
    rows: num(row.rows) ?? 0,
    shared_blks_hit: num(row.shared_blks_hit) ?? 0,
    shared_blks_read: num(row.shared_blks_read) ?? 0,
    temp_blks: num(row.temp_blks) ?? 0,
    time_share_percent: num(row.share),
    query: row.query ?? '',
  };
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(2)} ms`;
}

function renderAdvice(advice: StatementsAdvice): string {
  return [
    `${advice.message} get_top_queries needs it to rank statements.`,
    `To enable it${advice.restart_required ? ' (a server restart is required)' : ' (no restart needed)'}:`,
    ...advice.steps.map((step, i) => `${i + 1}. ${step}`),
    'Meanwhile, get_active_queries shows what runs right now.',
  ].join('\n');
}

/** Reads the ranking, or the advice when pg_stat_statements cannot be used. */
async function loadTop(
  session: CatalogSession,
  args: {
    order_by: TopQueryOrder;
    limit: number;
    database_name?: string;
    user?: string;
    max_query_length: number;
  },
): Promise<{ queries: TopQuery[] } | { advice: StatementsAdvice }> {
  const status = await probeStatements(session);
  if (!status.ready) return { advice: status.advice };
  try {
    const { rows } = await session.rows(
      topSql(status.schema, status.columns, args.order_by),
      [args.database_name ?? null, args.user ?? null, args.max_query_length, args.limit],
      args.limit,
    );
    return { queries: rows.map((row, i) => toTopQuery(row, i + 1)) };
  } catch (error) {
    if (!isNotLoadedError(error)) throw error;
    return {
      advice: statementsAdvice(
        { available: true, schema: status.schema, version: status.version, preload: null },
        true,
      ),
    };
  }
}

/** Registers `get_top_queries`. */
export function registerTopQueries<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'get_top_queries',
    title: 'Rank the most expensive statements',
    description: `Rank the statements the server has run by total time, mean time, calls, rows, shared blocks read from disk or temp blocks, from pg_stat_statements: normalised text (constants become $1, $2, ...), calls, times, rows, I/O and each statement's share of total time.

Use it for "why is the database slow?" and before recommend_indexes. If pg_stat_statements is not enabled, the answer says exactly how to enable it. Statistics cover every database of the server since the last reset; database_name and user filter them (they are read through the connection's own database).

Example: {"order_by": "mean_time", "limit": 10}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      order_by: z
        .enum(TOP_QUERY_ORDERS)
        .default('total_time')
        .describe(
          'total_time (default), mean_time, calls, rows, shared_blks_read (disk reads) or temp_blks (spills to disk).',
        ),
      limit: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(10)
        .describe('How many statements (default 10, max 100).'),
      database_name: z.string().min(1).optional().describe('Only statements run in this database.'),
      user: z.string().min(1).optional().describe('Only statements run by this database role.'),
      max_query_length: z
        .number()
        .int()
        .min(20)
        .max(10_000)
        .default(1000)
        .describe('Cut statement text after this many characters (default 1000).'),
      connection_id: targetArgs.connection_id,
    }),
    handler: async (args, context: McpContext<S>) => {
      // database_name filters the statistics here; they are server-wide and read where the extension is.
      const target = await resolveTarget(runtime, context, { connection_id: args.connection_id });
      const outcome = await withCatalog(runtime, context, { ...target, writes: false }, (session) =>
        loadTop(session, args),
      );
      if ('advice' in outcome) {
        return {
          content: [{ type: 'text', text: renderAdvice(outcome.advice) }],
          structuredContent: { available: false, ...outcome.advice },
        };
      }
      const { queries } = outcome;
      const filters = [
        args.database_name ? `database ${args.database_name}` : '',
        args.user ? `user ${args.user}` : '',
      ].filter(Boolean);
      const lines =
        queries.length === 0
          ? [`pg_stat_statements has no statements${filters.length ? ` for ${filters.join(', ')}` : ''} yet.`]
          : [
              `Top ${queries.length} statements by ${args.order_by}${filters.length ? ` (${filters.join(', ')})` : ''}:`,
              ...queries.map(
                (q) =>
                  `${q.rank}. ${ms(q.total_time_ms)} total${q.time_share_percent !== null ? ` (${q.time_share_percent}% of all)` : ''}, ` +
                  `${q.calls} calls, ${ms(q.mean_time_ms)} mean, ${q.rows} rows, ${q.shared_blks_read} blocks read, ${q.temp_blks} temp blocks` +
                  ` — ${q.user ?? '?'}@${q.database ?? '?'}\n   ${q.query}`,
              ),
              'Next: execute_explain (analyze: false) on a statement, or recommend_indexes for index advice.',
            ];
      return {
        content: [{ type: 'text', text: lines.join('\n') }],
        structuredContent: { available: true, order_by: args.order_by, queries },
      };
    },
  });
}
