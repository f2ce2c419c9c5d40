import type { CallToolResult, McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import {
  canWriteSomewhere,
  type PgToolsRuntime,
  type PgToolsState,
  resolveTarget,
  type Target,
  usableConnections,
} from '../context.js';
import type { StatementResult } from '../executor/run-statement.js';
import { resultFooter, structuredResult, toTsv } from '../format.js';
import { runGuarded, statementArg, targetArgs, targetLabel } from './common.js';

const READ_DESCRIPTION = `Run one SQL statement on PostgreSQL and return its rows as tab-separated text (plus structured rows).

Use it to answer questions from data: filter, join and aggregate in SQL instead of fetching many rows. Call get_schema_info first when you do not know the table and column names. Do not use it to look at plans (use execute_explain) or to check syntax (use test_query).

One statement per call. Rows come back in pages: \`limit\` (default {default}, max {max}) and \`offset\`; the output says when more rows exist and which offset continues.

Example: {"query": "SELECT status, count(*) FROM sales.orders GROUP BY status ORDER BY 2 DESC", "limit": 20}`;

function description(runtime: PgToolsRuntime, state: PgToolsState): string {
  const base = READ_DESCRIPTION.replace('{default}', String(runtime.limits.defaultLimit)).replace(
    '{max}',
    String(runtime.limits.maxLimit),
  );
  const writable = usableConnections(runtime, state).filter(
    (c) => c.allowWrites && (state.connectionAccess?.(c.name) ?? 'read_write') === 'read_write',
  );
  if (writable.length === 0) {
    return `${base}\n\nRead-only: SELECT, WITH, VALUES, TABLE, SHOW and EXPLAIN are allowed; anything that writes is refused.`;
  }
  return `${base}\n\nWRITES ARE POSSIBLE on ${writable.map((c) => `"${c.name}"`).join(', ')}: INSERT, UPDATE, DELETE, MERGE and DDL run and are committed (each call is its own transaction; RETURNING rows are returned). Only write when the user asked for it; other connections are read-only.`;
}

/** A statement's answer as query_database gives it: rows as TSV with a footer, or what a write did. */
export function statementAnswer(
  runtime: PgToolsRuntime,
  target: Target,
  result: StatementResult,
): CallToolResult {
  const parts: string[] = [];
  if (result.columns.length > 0) {
    parts.push(toTsv(result.columns, result.rows), resultFooter(result, runtime.limits.maxBytes));
  }
  if (result.command !== 'SELECT' || result.columns.length === 0) {
    const affected = result.affectedRows !== undefined ? ` (${result.affectedRows} rows affected)` : '';
    parts.push(`${result.command} completed on ${targetLabel(target)}${affected}.`);
  }
  return {
    content: [{ type: 'text', text: parts.join('\n') }],
    structuredContent: structuredResult(result),
  };
}

/** Registers `query_database`. */
export function registerQueryDatabase<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'query_database',
    title: 'Query the database',
    description: (context) => description(runtime, context.state),
    annotations: (context) =>
      canWriteSomewhere(runtime, context.state)
        ? { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false }
        : { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      query: statementArg('One SQL statement.'),
      limit: z
        .number()
        .int()
        .min(1)
        .max(
          runtime.limits.maxLimit,
          `limit can be at most ${runtime.limits.maxLimit}; page with offset instead`,
        )
        .default(runtime.limits.defaultLimit)
        .describe(
          `Most rows to return (default ${runtime.limits.defaultLimit}, max ${runtime.limits.maxLimit}).`,
        ),
      offset: z.number().int().min(0).default(0).describe('Rows to skip, to page through a long result.'),
      ...targetArgs,
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      const { result } = await runGuarded(runtime, context, target, {
        tool: 'query_database',
        sql: args.query,
        limit: args.limit,
        offset: args.offset,
      });
      return statementAnswer(runtime, target, result);
    },
  });
}
