import { type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { hidesOtherSessions, type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { pointAt } from '../describe-error.js';
import {
  analyzeStatement,
  checkStatement,
  checkWhereExpression,
  parenthesizeWhereExpression,
} from '../guard/index.js';
import { boundAnswer, planTooLarge, refuse, runGuarded, statementArg, targetArgs } from './common.js';
import { type ExplainOutput, planFindings, renderPlan } from './plan-findings.js';

/** Statement types PostgreSQL can EXPLAIN. */
const EXPLAINABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

function parsePlan(text: string | null | undefined): ExplainOutput {
  const parsed = JSON.parse(text ?? '[]') as ExplainOutput[];
  const first = parsed[0];
  if (!first) throw new ToolError('PostgreSQL returned no plan.');
  return first;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Registers `execute_explain`, `count_rows` and `test_query`. */
export function registerQueryTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'execute_explain',
    title: 'Explain a query plan',
    description: `Show how PostgreSQL executes a query (EXPLAIN), with short findings: sequential scans of big tables, sorts and hashes spilling to disk, row misestimates, costly nested loops.

Use it when a query is slow or before running an expensive one. With analyze (default true) the query really runs, in a read-only transaction that is always rolled back, so only reads can be analyzed; use analyze: false to plan without running (e.g. for a slow query). Do not use it to fetch data.

Example: {"query": "SELECT * FROM sales.orders WHERE customer_id = 42", "analyze": true}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      query: statementArg('The statement to explain (without EXPLAIN).'),
      analyze: z.boolean().default(true).describe('Run the query to get actual times and rows (reads only).'),
      buffers: z.boolean().default(true).describe('Report buffer usage (with analyze).'),
      format: z
        .enum(['text', 'json'])
        .default('text')
        .describe('text: a compact plan tree; json: PostgreSQL\u2019s JSON plan.'),
      ...targetArgs,
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      // VERBOSE makes the JSON name each relation's schema; its output lists are not rendered.
      const options = [
        `ANALYZE ${args.analyze}`,
        ...(args.analyze ? [`BUFFERS ${args.buffers}`] : []),
        'VERBOSE',
        'FORMAT JSON',
      ];
      const sql = `EXPLAIN (${options.join(', ')}) ${args.query}`;
      // ANALYZE executes the statement: only reads, whatever the connection allows.
      const { result } = await runGuarded(
        runtime,
        context,
        { ...target, writes: args.analyze ? false : target.writes },
        {
          tool: 'execute_explain',
          sql,
          limit: 1,
          offset: 0,
          tooLarge: planTooLarge(runtime.limits.maxBytes),
        },
      );
      const plan = parsePlan(result.rows[0]?.[0]);
      const findings = planFindings(plan, args.analyze);
      const body = args.format === 'json' ? JSON.stringify(plan, null, 1) : renderPlan(plan);
      const text = [
        body,
        findings.length > 0
          ? `\nFindings:\n${findings.map((f) => `- ${f}`).join('\n')}`
          : '\nFindings: none — the plan looks reasonable.',
        args.analyze ? '(The query ran in a read-only transaction that was rolled back.)' : '',
      ]
        .filter(Boolean)
        .join('\n');
      return boundAnswer(
        runtime,
        {
          content: [{ type: 'text' as const, text }],
          structuredContent: {
            plan,
            findings,
            ...(plan['Execution Time'] !== undefined ? { execution_time_ms: plan['Execution Time'] } : {}),
            ...(plan['Planning Time'] !== undefined ? { planning_time_ms: plan['Planning Time'] } : {}),
            total_cost: plan.Plan['Total Cost'],
          },
        },
        'Ask for format: text, or explain a smaller statement.',
      );
    },
  });

  registry.addTool({
    name: 'count_rows',
    title: 'Count rows',
    description: `Count the rows of a table or view, optionally only those matching a condition.

Use it for quick sizes ("how many orders are open?"). For anything more (grouping, joins) write a query with query_database. The condition is a single SQL boolean expression — no subqueries.

Example: {"table": "orders", "schema": "sales", "where": "status = 'open' AND created_at >= now() - interval '30 days'"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      table: z.string().min(1).describe('Table or view name (unquoted; exact case).'),
      schema: z.string().min(1).default('public').describe('Schema name (default public).'),
      where: z
        .string()
        .min(1)
        .optional()
        .describe('Optional boolean expression, e.g. status = \u2019open\u2019.'),
      ...targetArgs,
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      if (args.where !== undefined) {
        const verdict = await checkWhereExpression(args.where);
        if (!verdict.ok) throw refuse(runtime, context, target, 'count_rows', verdict);
      }
      const sql =
        `SELECT count(*) AS count FROM ${quoteIdentifier(args.schema)}.${quoteIdentifier(args.table)}` +
        (args.where !== undefined ? ` WHERE ${parenthesizeWhereExpression(args.where)}` : '');
      const { result } = await runGuarded(
        runtime,
        context,
        { ...target, writes: false },
        {
          tool: 'count_rows',
          sql,
          limit: 1,
          offset: 0,
        },
      );
      const count = Number(result.rows[0]?.[0] ?? 0);
      return {
        content: [
          {
            type: 'text',
            text: `${count.toLocaleString('en-US')} rows in ${args.schema}.${args.table}${args.where ? ` where ${args.where}` : ''}.`,
          },
        ],
        structuredContent: {
          count,
          schema: args.schema,
          table: args.table,
          ...(args.where ? { where: args.where } : {}),
        },
      };
    },
  });

  registry.addTool({
    name: 'test_query',
    title: 'Check a statement without running it',
    description: `Parse and plan a SQL statement without running it: reports syntax errors with their position, the statement kind, whether it would write, whether this connection allows it, and the planner's estimate (or planning errors such as unknown tables).

Use it to check SQL before running something expensive or when a statement keeps failing. It never executes the statement.

Example: {"query": "SELECT name FROM sales.customers WHERE id = 1"}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      query: statementArg('The statement to check.'),
      ...targetArgs,
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      const analysis = await analyzeStatement(args.query);
      if (analysis.kind === 'error') {
        const where = analysis.position ? `\n${pointAt(args.query, analysis.position)}` : '';
        return {
          content: [{ type: 'text', text: `Not valid: ${analysis.message}${where}` }],
          structuredContent: {
            valid: false,
            error: {
              code: analysis.code,
              message: analysis.message,
              ...(analysis.position ? { position: analysis.position } : {}),
            },
          },
        };
      }
      const statement = analysis;
      const hideOtherSessions = hidesOtherSessions(context.state);
      const verdict = await checkStatement(args.query, { allowWrites: target.writes, hideOtherSessions });
      const lines = [
        `Valid ${statement.command} statement (${statement.kind}); it ${statement.writes ? 'WOULD WRITE or change state' : 'only reads'}.`,
        verdict.ok
          ? `Allowed on connection "${target.info.name}".`
          : `Refused on connection "${target.info.name}": ${verdict.message}`,
      ];
      let plan: { total_cost?: number; rows?: number } | undefined;
      let planningError: string | undefined;
      if (EXPLAINABLE.has(statement.statementType)) {
        // EXPLAIN without ANALYZE plans but never executes, so a read-only transaction suffices.
        const explain = `EXPLAIN (FORMAT JSON) ${args.query}`;
        const explainVerdict = await checkStatement(explain, {
          allowWrites: target.writes,
          hideOtherSessions,
        });
        if (explainVerdict.ok) {
          try {
            const { result } = await runGuarded(runtime, context, target, {
              tool: 'test_query',
              sql: explain,
              limit: 1,
              offset: 0,
              // The guard judges it as the connection allows; it runs read-only because it never executes.
              readOnlyTransaction: true,
              tooLarge: planTooLarge(runtime.limits.maxBytes),
            });
            const output = parsePlan(result.rows[0]?.[0]);
            plan = { total_cost: output.Plan['Total Cost'], rows: output.Plan['Plan Rows'] };
            lines.push(
              `Planner estimate: cost ${plan.total_cost}, ~${plan.rows} rows (${output.Plan['Node Type']} at the top).`,
            );
          } catch (error) {
            if (!(error instanceof ToolError)) throw error;
            planningError = error.message;
            lines.push(`Planning failed:\n${error.message}`);
          }
        } else {
          lines.push('Planning skipped (this connection may not plan it).');
        }
      } else {
        lines.push('Planning does not apply to this kind of statement.');
      }
      return {
        content: [{ type: 'text', text: lines.join('\n') }],
        structuredContent: {
          valid: planningError === undefined,
          kind: statement.kind,
          command: statement.command,
          writes: statement.writes,
          allowed: verdict.ok,
          ...(verdict.ok
            ? {}
            : { refusal: { code: verdict.code, construct: verdict.construct, message: verdict.message } }),
          ...(plan ? { plan } : {}),
          ...(planningError ? { planning_error: planningError } : {}),
        },
      };
    },
  });
}
