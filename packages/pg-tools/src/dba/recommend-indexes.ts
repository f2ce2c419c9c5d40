import { type McpContext, type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { describeFailure } from '../describe-error.js';
import { checkStatement } from '../guard/index.js';
import { inReadOnlyTransaction, refuse, statementArg, targetArgs } from '../tools/common.js';
import type { ExplainOutput } from '../tools/plan-findings.js';
import { type CatalogSession, formatBytes, isPgError, num, withCatalog } from './catalog.js';
import { candidateSql, type IndexCandidate, indexCandidates } from './index-candidates.js';
import { probeStatements, statementsColumns, statementsView } from './pg-stat-statements.js';
import { type PlannedStatement, planUsesIndex, WhatIfPlanner } from './what-if-planner.js';

/** Statement types PostgreSQL can EXPLAIN. */
const EXPLAINABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
/** A hypothetical index must lower a statement's cost by this much to be recommended. */
const MIN_IMPROVEMENT = 0.1;
/** Candidates evaluated per call, so a big workload stays within the statement timeout's spirit. */
const MAX_CANDIDATES = 12;
/** Below this many rows a sequential scan is fine. */
const HEURISTIC_MIN_ROWS = 10_000;

/** One recommended index. */
export interface IndexRecommendation {
  table: string;
  columns: string[];
  create_sql: string;
  reason: string;
  /** What-if figures (hypopg only). */
  cost_before?: number;
  cost_after?: number;
  improvement_percent?: number;
  estimated_size_bytes?: number | null;
  /** Workload mode: estimated execution time it would have saved, from pg_stat_statements. */
  estimated_time_saved_ms?: number;
  statements: string[];
}

interface Baseline {
  statement: PlannedStatement;
  plan: ExplainOutput;
}

const PROBE_SQL = `
SELECT current_setting('server_version_num')::int / 10000 AS major,
       (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'hypopg') AS hypopg_schema,
       EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'hypopg') AS hypopg_available`;

// Row estimates and the leading columns of existing valid indexes, for the candidate tables.
const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.reltuples::bigint AS rows,
       (SELECT json_agg((SELECT array_agg(a.attname::text ORDER BY k.ord)
                          FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num))
          FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisvalid AND i.indpred IS NULL) AS indexes
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname || '.' || c.relname) = ANY($1::text[])`;

function coveredBy(columns: string[], existing: (string[] | null)[]): boolean {
  return existing.some(
    (index) => index !== null && columns.length <= index.length && columns.every((c, i) => index[i] === c),
  );
}

function cost(plan: ExplainOutput): number {
  return plan.Plan['Total Cost'] ?? 0;
}

function tablesOf(plan: ExplainOutput): Set<string> {
  const tables = new Set<string>();
  const visit = (node: ExplainOutput['Plan']) => {
    if (node['Relation Name'] && node.Schema) tables.add(`${node.Schema}.${node['Relation Name']}`);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan.Plan);
  return tables;
}

async function loadWorkload(
  session: CatalogSession,
  limit: number,
): Promise<{ statements: PlannedStatement[]; note?: string }> {
  const status = await probeStatements(session);
  if (!status.ready) {
    throw new ToolError(
      `Without a query, recommend_indexes reads the workload from pg_stat_statements: ${status.advice.message} ` +
        `${status.advice.steps.join(' ')} Or pass one statement as query.`,
    );
  }
  const c = statementsColumns(status.columns);
  const { rows } = await session.rows(
    `SELECT s.query, ${c.total} AS total_ms, s.calls
     FROM ${statementsView(status.schema)} s
     WHERE s.dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
       AND s.query ~* '^\\s*(WITH|SELECT)\\s' AND ${c.toplevel}
     ORDER BY ${c.total} DESC LIMIT 50`,
    [],
    50,
  );
  const statements: PlannedStatement[] = [];
  for (const row of rows) {
    if (statements.length >= limit) break;
    const sql = row.query ?? '';
    // Statements from the statistics get the same guard as a caller's query: reads only.
    const verdict = await checkStatement(sql, { allowWrites: false });
    if (!verdict.ok || verdict.analysis.statementType !== 'SelectStmt') continue;
    statements.push({
      label: sql.replace(/\s+/g, ' ').slice(0, 200),
      sql,
      generic: /\$\d/.test(sql),
      totalTimeMs: num(row.total_ms) ?? 0,
      calls: num(row.calls) ?? 0,
    });
  }
  return { statements };
}

function renderRecommendation(r: IndexRecommendation, i: number): string {
  const figures =
    r.cost_before !== undefined
      ? ` — planner cost ${r.cost_before.toFixed(1)} → ${r.cost_after?.toFixed(1)} (−${r.improvement_percent}%)` +
        (r.estimated_size_bytes ? `, ~${formatBytes(r.estimated_size_bytes)}` : '') +
        (r.estimated_time_saved_ms
          ? `, ~${Math.round(r.estimated_time_saved_ms)} ms of recorded execution time saved`
          : '')
      : '';
  return `${i + 1}. ${r.create_sql};${figures}\n   why: ${r.reason}`;
}

/** Registers `recommend_indexes`. */
export function registerRecommendIndexes<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'recommend_indexes',
    title: 'Recommend indexes',
    description: `Propose b-tree indexes for one query, or for the workload's top statements from pg_stat_statements. Where the hypopg extension is installed, each candidate is checked with a hypothetical index: the answer gives the planner's cost before and after and the index's estimated size. Without hypopg the advice is heuristic and says so.

Use it after execute_explain or get_top_queries shows sequential scans on big tables. It never creates anything (hypothetical indexes live only in the planner of one session and are discarded); a DBA runs the CREATE INDEX CONCURRENTLY it proposes.

Examples: {"query": "SELECT * FROM sales.orders WHERE customer_id = 42 AND status = 'open'"} — one query; {} — the workload's top statements.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      query: statementArg(
        'A statement to find indexes for; omit to use the top statements of pg_stat_statements.',
      ).optional(),
      workload_limit: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(5)
        .describe('Without query: how many top statements (by total time) to consider (default 5).'),
      ...targetArgs,
    }),
    handler: async (args, context: McpContext<S>) => {
      const target = await resolveTarget(runtime, context, args);
      if (args.query !== undefined) {
        // The caller's statement gets query_database's verdict before it is planned.
        const verdict = await checkStatement(args.query, { allowWrites: target.writes });
        if (!verdict.ok) throw refuse(runtime, context, target, 'recommend_indexes', verdict);
        if (!EXPLAINABLE.has(verdict.analysis.statementType)) {
          throw new ToolError(
            `recommend_indexes plans SELECT, INSERT, UPDATE, DELETE or MERGE statements; this is ${verdict.analysis.command}.`,
          );
        }
      }
      return withCatalog(runtime, context, { ...target, writes: false }, async (session) => {
        const probe = (await session.rows(PROBE_SQL)).rows[0] ?? {};
        const major = num(probe.major) ?? 0;
        const hypopgSchema = probe.hypopg_schema ?? null;
        const { statements } =
          args.query !== undefined
            ? { statements: [{ label: 'the query', sql: args.query, generic: /\$\d/.test(args.query) }] }
            : await loadWorkload(session, args.workload_limit);
        if (statements.length === 0) {
          return {
            content: [
              {
                type: 'text',
                text: 'pg_stat_statements has no SELECT statements for this database yet; pass a query instead.',
              },
            ],
            structuredContent: { method: hypopgSchema ? 'hypopg' : 'heuristic', recommendations: [] },
          };
        }
        const lease = session.lease;
        const outcome = await inReadOnlyTransaction(lease, target.info.statementTimeoutMs, async (client) => {
          const planner = new WhatIfPlanner(client, major, hypopgSchema);
          try {
            return await evaluate(
              planner,
              client,
              statements,
              args.query !== undefined,
              hypopgSchema !== null,
            );
          } catch (error) {
            // Whatever state the failure left (hypothetical indexes, a prepared statement) goes with the session.
            lease.release(true);
            throw describeFailure(error, args.query, target.info.statementTimeoutMs);
          }
        });
        return respond(outcome, hypopgSchema !== null, probe.hypopg_available === 't', major);
      });
    },
  });
}

interface Outcome {
  recommendations: IndexRecommendation[];
  skipped: string[];
  considered: number;
}

async function evaluate(
  planner: WhatIfPlanner,
  client: CatalogClient,
  statements: PlannedStatement[],
  single: boolean,
  hypopg: boolean,
): Promise<Outcome> {
  const baselines: Baseline[] = [];
  const skipped: string[] = [];
  for (const statement of statements) {
    try {
      baselines.push({ statement, plan: await planner.explain(statement) });
    } catch (error) {
      if (single || !isPgError(error)) throw error;
      skipped.push(`${statement.label} (${error.message})`);
    }
  }
  const tableNames = [...new Set(baselines.flatMap((b) => [...tablesOf(b.plan)]))];
  const { rows } = await client.query<{
    schema: string;
    name: string;
    rows: string;
    indexes: (string[] | null)[] | null;
  }>(TABLES_SQL, [tableNames]);
  const tables = new Map(rows.map((r) => [`${r.schema}.${r.name}`, r]));
  const rowsOf = (schema: string, table: string) => num(tables.get(`${schema}.${table}`)?.rows ?? null);
  const candidates = new Map<string, { candidate: IndexCandidate; statements: Baseline[] }>();
  for (const baseline of baselines) {
    for (const candidate of indexCandidates(baseline.plan.Plan, rowsOf)) {
      if (coveredBy(candidate.columns, tables.get(`${candidate.schema}.${candidate.table}`)?.indexes ?? []))
        continue;
      const key = candidateSql(candidate);
      const entry = candidates.get(key) ?? { candidate, statements: [] };
      entry.statements.push(baseline);
      candidates.set(key, entry);
    }
  }
  const list = [...candidates.values()].slice(0, MAX_CANDIDATES);
  if (!hypopg) return { recommendations: heuristic(list), skipped, considered: list.length };

  const recommendations: (IndexRecommendation & { weight: number })[] = [];
  try {
    for (const { candidate, statements: affected } of list) {
      const index = await planner.createHypothetical(candidate);
      let before = 0;
      let after = 0;
      let saved = 0;
      const improved: string[] = [];
      for (const baseline of affected) {
        const plan = await planner.explain(baseline.statement);
        const gain = 1 - cost(plan) / Math.max(cost(baseline.plan), 1e-9);
        if (planUsesIndex(plan, index.name) && gain >= MIN_IMPROVEMENT) {
          improved.push(baseline.statement.label);
          before += cost(baseline.plan);
          after += cost(plan);
          saved += (baseline.statement.totalTimeMs ?? 0) * gain;
        }
      }
      await planner.dropHypothetical(index);
      if (improved.length === 0) continue;
      const improvement = Math.round((1 - after / before) * 1000) / 10;
      recommendations.push({
        table: `${candidate.schema}.${candidate.table}`,
        columns: candidate.columns,
        create_sql: candidateSql(candidate),
        reason: candidate.reason,
        cost_before: before,
        cost_after: after,
        improvement_percent: improvement,
        estimated_size_bytes: index.sizeBytes,
        ...(single ? {} : { estimated_time_saved_ms: Math.round(saved * 10) / 10 }),
        statements: improved,
        weight: single ? improvement : saved || improvement,
      });
    }
    recommendations.sort((a, b) => b.weight - a.weight);
    const chosen = recommendations.filter(
      (r, i) =>
        !recommendations
          .slice(0, i)
          .some((o) => o.table === r.table && o.columns.join() === r.columns.join()),
    );
    return {
      recommendations: chosen.map(({ weight: _weight, ...r }) => r),
      skipped,
      considered: list.length,
    };
  } finally {
    await planner.reset();
  }
}

type CatalogClient = ConstructorParameters<typeof WhatIfPlanner>[0];

function heuristic(list: { candidate: IndexCandidate; statements: Baseline[] }[]): IndexRecommendation[] {
  const out: IndexRecommendation[] = [];
  for (const { candidate, statements } of list) {
    const rows = candidate.table_rows ?? 0;
    const kept = candidate.scan_rows ?? rows;
    // Worth an index when the table is big and the scan keeps a small part of it.
    if (rows < HEURISTIC_MIN_ROWS || kept / Math.max(rows, 1) > 0.1) continue;
    out.push({
      table: `${candidate.schema}.${candidate.table}`,
      columns: candidate.columns,
      create_sql: candidateSql(candidate),
      reason: `${candidate.reason}; the planner expects ~${Math.round(kept)} of ~${rows} rows`,
      statements: statements.map((b) => b.statement.label),
    });
  }
  return out;
}

function respond(outcome: Outcome, hypopg: boolean, hypopgAvailable: boolean, major: number) {
  const { recommendations } = outcome;
  const method = hypopg ? 'hypopg' : 'heuristic';
  const lines: string[] = [];
  if (hypopg) {
    lines.push(
      recommendations.length === 0
        ? `No index would lower the planner's cost by ${MIN_IMPROVEMENT * 100}% or more (${outcome.considered} candidates checked with hypopg).`
        : `${recommendations.length} indexes, each checked with a hypothetical index (hypopg; nothing was created):`,
    );
  } else {
    lines.push(
      'Heuristic advice: hypopg is not installed in this database, so these were not verified by the planner. ' +
        (hypopgAvailable
          ? 'Run CREATE EXTENSION hypopg to get cost estimates with hypothetical indexes.'
          : `Install hypopg on the server (Debian/Ubuntu: postgresql-${major || 'NN'}-hypopg), then CREATE EXTENSION hypopg, to get cost estimates.`),
    );
    if (recommendations.length === 0)
      lines.push(
        `No sequential scan of a big table that an index would narrow (${outcome.considered} candidates looked at).`,
      );
  }
  lines.push(...recommendations.map(renderRecommendation));
  if (recommendations.length > 0)
    lines.push('Run them with CREATE INDEX CONCURRENTLY outside a transaction; nothing was created here.');
  if (outcome.skipped.length > 0)
    lines.push(`Statements that could not be planned: ${outcome.skipped.join('; ')}`);
  return {
    content: [{ type: 'text' as const, text: lines.join('\n') }],
    structuredContent: {
      method,
      recommendations,
      candidates_considered: outcome.considered,
      ...(outcome.skipped.length > 0 ? { skipped: outcome.skipped } : {}),
    },
  };
}
