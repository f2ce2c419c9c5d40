import { type McpContext, type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../../context.js';
import { checkStatement } from '../../guard/index.js';
import { refuse, targetArgs } from '../../tools/common.js';
import { type CatalogSession, num, quoteIdent, quoteLiteral, withCatalog } from '../catalog.js';
import { embedTexts } from './embed-text.js';
import {
  type CorpusStats,
  parseVector,
  type RankCandidate,
  rankHybrid,
  vectorLiteral,
} from './hybrid-ranking.js';
import { loadVectorTables, pickTable, type VectorColumn, type VectorTable } from './vector-tables.js';

/** Rows sampled for BM25's corpus statistics on big tables. */
const STATS_SAMPLE_ROWS = 50_000;
/** Characters one text column may contribute before the token budget is applied. */
const COLUMN_CAP = 2000;
const OPERATORS = { cosine: '<=>', l2: '<->', inner_product: '<#>' } as const;

interface Plan {
  table: VectorTable;
  column: VectorColumn;
  textColumns: string[];
  config: string;
  terms: string[];
  queryVector: number[] | null;
  pool: number;
}

function relation(table: VectorTable): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

function docExpression(columns: string[]): string {
  return columns.length === 0
    ? "''"
    : `concat_ws(' ', ${columns.map((c) => `t.${quoteIdent(c)}::text`).join(', ')})`;
}

function keyExpression(table: VectorTable): string {
  return table.keyColumns.length > 0
    ? `json_build_object(${table.keyColumns.map((c) => `${quoteLiteral(c)}, t.${quoteIdent(c)}`).join(', ')})::text`
    : "json_build_object('ctid', t.ctid::text)::text";
}

/** Similarity in [−1, 1] from a pgvector distance. */
function similarity(distance: number | null, metric: VectorColumn['metric']): number | null {
  if (distance === null) return null;
  if (metric === 'cosine') return 1 - distance;
  if (metric === 'inner_product') return -distance;
  return 1 / (1 + distance);
}

/** The one statement that fetches the vector neighbours and the keyword matches. */
function candidatesSql(plan: Plan): { sql: string; params: unknown[] } {
  const { table, column, textColumns, config } = plan;
  const params: unknown[] = [config, textArray(plan.terms)];
  const p = (value: unknown) => `$${params.push(value)}`;
  const type = `${quoteIdent(column.typeSchema)}.${quoteIdent(column.type)}`;
  const op = `OPERATOR(${quoteIdent(column.typeSchema)}.${OPERATORS[column.metric]})`;
  const vcol = `t.${quoteIdent(column.name)}`;
  const doc = docExpression(textColumns);
  const vector = plan.queryVector ? `${p(vectorLiteral(plan.queryVector))}::${type}` : null;
  const limit = p(plan.pool);
  const select = [
    `${keyExpression(table)} AS _key`,
    `${vector ? `${vcol} ${op} ${vector}` : 'NULL::float8'} AS _distance`,
    `${vcol}::text AS _embedding`,
    `(SELECT json_object_agg(u.lexeme, cardinality(u.positions)) FROM unnest(to_tsvector($1::regconfig, ${doc})) u WHERE u.lexeme = ANY ($2::text[]))::text AS _tf`,
    `(SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(to_tsvector($1::regconfig, ${doc})) u) AS _len`,
    ...textColumns.map((c, i) => `left(t.${quoteIdent(c)}::text, ${COLUMN_CAP}) AS _c${i}`),
  ].join(', ');
  const parts: string[] = [];
  if (vector) {
    parts.push(
      `(SELECT ${select} FROM ${relation(table)} t WHERE ${vcol} IS NOT NULL ORDER BY ${vcol} ${op} ${vector} LIMIT ${limit})`,
    );
  }
  if (plan.terms.length > 0 && textColumns.length > 0) {
    // OR of the query's lexemes: BM25 ranks partial matches too.
    const tsquery = `to_tsquery('simple', ${p(plan.terms.map((t) => `'${t.replace(/'/g, "''")}'`).join(' | '))})`;
    parts.push(
      `(SELECT ${select} FROM ${relation(table)} t WHERE to_tsvector($1::regconfig, ${doc}) @@ ${tsquery} ` +
        `ORDER BY ts_rank_cd(to_tsvector($1::regconfig, ${doc}), ${tsquery}) DESC LIMIT ${limit})`,
    );
  }
  return { sql: parts.join('\nUNION ALL\n'), params };
}

/** Documents, average length and per-term document frequency, sampled on big tables. */
async function corpusStats(session: CatalogSession, plan: Plan): Promise<CorpusStats> {
  const { table, terms } = plan;
  if (terms.length === 0 || plan.textColumns.length === 0)
    return { documents: 1, averageLength: 1, documentFrequency: {} };
  const params: unknown[] = [plan.config];
  const sampled = (table.kind === 'r' || table.kind === 'm') && table.rowEstimate > STATS_SAMPLE_ROWS;
  const percent = sampled ? Math.min(100, (100 * STATS_SAMPLE_ROWS) / table.rowEstimate) : 100;
  const df = terms.map((term) => {
    params.push(term);
    return `count(*) FILTER (WHERE tsvector_to_array(s.v) @> ARRAY[$${params.length}::text])`;
  });
  const { rows } = await session.rows(
    `SELECT count(*) AS n, coalesce(avg(s.len), 0) AS avgdl, json_build_array(${df.join(', ')})::text AS df
     FROM (SELECT d.v, (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(d.v) u) AS len
           FROM (SELECT to_tsvector($1::regconfig, ${docExpression(plan.textColumns)}) AS v
                 FROM ${relation(table)} t${sampled ? ` TABLESAMPLE SYSTEM (${percent.toFixed(4)})` : ''}) d) s`,
    params,
    1,
  );
  const row = rows[0] ?? {};
  const n = num(row.n) ?? 0;
  const scale = sampled && n > 0 ? table.rowEstimate / n : 1;
  const counts = JSON.parse(row.df ?? '[]') as number[];
  return {
    documents: Math.max(1, Math.round(n * scale)),
    averageLength: num(row.avgdl) ?? 1,
    documentFrequency: Object.fromEntries(terms.map((t, i) => [t, (counts[i] ?? 0) * scale])),
  };
}

/** Registers `similarity_search`. */
export function registerSimilaritySearch<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'similarity_search',
    title: 'Search rows by meaning',
    description: `Find the rows of a table with a pgvector column that best match a text: hybrid ranking of vector similarity (the query embedded with the configured model) and BM25 keyword relevance over the table's text columns, diversified with maximal marginal relevance, within a token budget. Each result has its key, scores and (cut) text.

Use it for "find the rows that mean X". The vector column and text columns are found automatically (see get_schema_info with vector_tables_only); pass table when several tables have vectors. vector_weight 1 = meaning only, 0 = keywords only; diversity 0 = most relevant first, higher = fewer near-duplicates.

Example: {"table": "products", "query": "waterproof boots for hiking", "limit": 5}`,
    annotations: { readOnlyHint: true, openWorldHint: true },
    input: z.object({
      query: z.string().min(1, 'must not be empty').max(8000).describe('What to look for, in words.'),
      table: z
        .string()
        .min(1)
        .optional()
        .describe('Table with a vector column; default: the only one there is.'),
      schema: z.string().min(1).optional().describe('Schema of table, when the name is ambiguous.'),
      vector_column: z.string().min(1).optional().describe('Vector column, when the table has several.'),
      text_columns: z
        .array(z.string().min(1))
        .min(1)
        .optional()
        .describe('Text columns for keyword ranking and output; default: all text columns.'),
      query_vector: z
        .array(z.number())
        .min(1)
        .optional()
        .describe(
          'A ready embedding of the query (skips the embedding provider); same model and size as the column.',
        ),
      limit: z.number().int().min(1).max(50).default(10).describe('Results to return (default 10).'),
      vector_weight: z
        .number()
        .min(0)
        .max(1)
        .default(0.5)
        .describe('Weight of meaning against keywords (default 0.5).'),
      diversity: z
        .number()
        .min(0)
        .max(1)
        .default(0.3)
        .describe('How strongly to avoid near-duplicates (MMR; default 0.3).'),
      max_tokens: z
        .number()
        .int()
        .min(100)
        .max(50_000)
        .default(2000)
        .describe('Output budget in tokens (~4 characters each); default 2000.'),
      text_search_config: z
        .string()
        .min(1)
        .default('english')
        .describe('PostgreSQL text search configuration (default english).'),
      ...targetArgs,
    }),
    handler: async (args, context: McpContext<S>) => {
      const target = await resolveTarget(runtime, context, args);
      return withCatalog(runtime, context, { ...target, writes: false }, async (session) => {
        const { table, column } = pickTable(await loadVectorTables(session), args);
        const textColumns = args.text_columns ?? table.textColumns;
        const unknown = textColumns.filter((c) => !table.textColumns.includes(c));
        if (unknown.length > 0) {
          throw new ToolError(
            `${table.schema}.${table.name} has no text column ${unknown.map((c) => `"${c}"`).join(', ')}; its text columns: ${table.textColumns.join(', ') || 'none'}.`,
          );
        }
        let queryVector: number[] | null = args.query_vector ?? null;
        let model: string | undefined;
        if (!queryVector && args.vector_weight > 0) {
          const embedded = await embedTexts(runtime, [args.query], context.signal);
          queryVector = embedded.embeddings[0] ?? null;
          model = `${embedded.provider}/${embedded.model}`;
        }
        if (queryVector && column.dimensions !== null && queryVector.length !== column.dimensions) {
          throw new ToolError(
            `The query vector has ${queryVector.length} dimensions but ${table.schema}.${table.name}.${column.name} holds ${column.dimensions}: ` +
              `${model ? `the configured model (${model})` : 'query_vector'} is not the model that filled the column. Use the same embedding model, or vector_weight 0 for keywords only.`,
          );
        }
        const termRows = await session.rows(
          'SELECT coalesce(array_agg(DISTINCT u.lexeme ORDER BY u.lexeme), ARRAY[]::text[])::text AS terms FROM unnest(to_tsvector($1::regconfig, $2)) u',
          [args.text_search_config, args.query],
          1,
        );
        const terms = parseTextArray(termRows.rows[0]?.terms ?? '{}');
        const plan: Plan = {
          table,
          column,
          textColumns,
          config: args.text_search_config,
          terms,
          queryVector,
          pool: Math.min(100, Math.max(args.limit * 5, 30)),
        };
        const { sql, params } = candidatesSql(plan);
        if (sql === '') {
          throw new ToolError(
            textColumns.length === 0
              ? `${table.schema}.${table.name} has no text columns for keyword search; use vector_weight above 0 (with an embedding provider or query_vector).`
              : `The query "${args.query}" has no searchable words (only stop words); rephrase it or use vector_weight above 0.`,
          );
        }
        // pgmcp's own statement, built from catalog names; the guard still checks it.
        const verdict = await checkStatement(sql, { allowWrites: false });
        if (!verdict.ok) throw refuse(runtime, context, target, 'similarity_search', verdict);
        const fetched = await session.rows(sql, params, plan.pool * 2);
        const stats = await corpusStats(session, plan);
        return respond(args, plan, fetched.rows, stats, model);
      });
    },
  });
}

/** A text[] parameter in PostgreSQL's array syntax (the executor sends parameters as text). */
function textArray(items: string[]): string {
  return `{${items.map((item) => `"${item.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function parseTextArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, '');
  if (inner === '') return [];
  return inner.split(',').map((t) => t.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
}

function respond(
  args: { query: string; limit: number; vector_weight: number; diversity: number; max_tokens: number },
  plan: Plan,
  rows: Record<string, string | null>[],
  stats: CorpusStats,
  model: string | undefined,
) {
  const byKey = new Map<string, Record<string, string | null>>();
  for (const row of rows) if (row._key && !byKey.has(row._key)) byKey.set(row._key, row);
  const candidates: RankCandidate[] = [...byKey.values()].map((row) => ({
    key: row._key ?? '',
    vectorSimilarity: similarity(num(row._distance), plan.column.metric),
    embedding: parseVector(row._embedding),
    termFrequencies: JSON.parse(row._tf ?? '{}') as Record<string, number>,
    length: num(row._len) ?? 0,
  }));
  const ranked = rankHybrid(candidates, stats, {
    vectorWeight: plan.queryVector ? args.vector_weight : 0,
    diversity: args.diversity,
    limit: args.limit,
  });
  const budget = args.max_tokens * 4;
  const perColumn = Math.max(
    60,
    Math.min(COLUMN_CAP, Math.floor(budget / (args.limit * Math.max(1, plan.textColumns.length) + 1))),
  );
  const where = `${plan.table.schema}.${plan.table.name}.${plan.column.name}`;
  const header =
    ranked.length === 0
      ? `No rows of ${plan.table.schema}.${plan.table.name} match "${args.query}".`
      : `${ranked.length} rows of ${plan.table.schema}.${plan.table.name} for "${args.query}" (vector ${where}, ${plan.column.metric}${model ? ` via ${model}` : ''}; keywords: ${plan.terms.join(' ') || 'none'}; vector_weight ${plan.queryVector ? args.vector_weight : 0}, diversity ${args.diversity}):`;
  const lines = [header];
  let used = header.length;
  const results = [];
  let omitted = 0;
  for (const [i, r] of ranked.entries()) {
    const row = byKey.get(r.key)!;
    const columns = Object.fromEntries(
      plan.textColumns.map((c, j) => {
        const value = row[`_c${j}`] ?? null;
        return [c, value !== null && value.length > perColumn ? `${value.slice(0, perColumn)}…` : value];
      }),
    );
    const block = [
      `${i + 1}. score ${r.score} (vector ${r.vectorSimilarity ?? '—'}, keywords ${r.keywordScore}) ${r.key}`,
      ...Object.entries(columns)
        .filter(([, v]) => v !== null && v !== '')
        .map(([c, v]) => `   ${c}: ${String(v).replace(/\s+/g, ' ')}`),
    ].join('\n');
    if (results.length > 0 && used + block.length > budget) {
      omitted = ranked.length - results.length;
      break;
    }
    used += block.length;
    lines.push(block);
    results.push({
      rank: i + 1,
      key: JSON.parse(r.key) as Record<string, unknown>,
      score: r.score,
      vector_similarity: r.vectorSimilarity,
      keyword_score: r.keywordScore,
      columns,
    });
  }
  if (omitted > 0)
    lines.push(
      `(${omitted} more results left out to stay within max_tokens ${args.max_tokens}; raise it or lower limit)`,
    );
  return {
    content: [{ type: 'text' as const, text: lines.join('\n') }],
    structuredContent: {
      table: `${plan.table.schema}.${plan.table.name}`,
      vector_column: plan.column.name,
      text_columns: plan.textColumns,
      metric: plan.column.metric,
      ...(model ? { embedding_model: model } : {}),
      keywords: plan.terms,
      candidates: byKey.size,
      results,
      omitted,
    },
  };
}
