import { type CallToolResult, type McpRegistry, ToolError } from '@pgmcp/mcp-core';
import type pg from 'pg';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { boundAnswer, inReadOnlyTransaction, targetArgs, withTarget } from './common.js';

const KIND_NAMES: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};
const VECTOR_TYPES = new Set(['vector', 'halfvec', 'sparsevec']);
/** Past this many relations in one answer, list names instead of every column. */
const DETAIL_LIMIT = 40;

interface RelationRow {
  oid: number;
  schema: string;
  name: string;
  kind: string;
  row_estimate: string;
  bytes: string;
  comment: string | null;
  is_partition: boolean;
  view_definition: string | null;
}

interface ColumnRow {
  oid: number;
  name: string;
  type: string;
  base_type: string;
  typmod: number;
  not_null: boolean;
  default_value: string | null;
  generated: string;
  identity: string;
  comment: string | null;
}

interface ConstraintRow {
  oid: number;
  type: 'p' | 'u' | 'f' | 'c';
  name: string;
  columns: string[] | null;
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  definition: string;
}

interface IndexRow {
  oid: number;
  name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[] | null;
  definition: string;
}

/** One column as get_schema_info reports it. */
export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default?: string;
  primary_key: boolean;
  unique: boolean;
  foreign_key?: { schema: string; table: string; column: string };
  indexed: boolean;
  comment?: string;
  vector_dimensions?: number;
}

/** One table, view or materialized view. */
export interface RelationInfo {
  schema: string;
  name: string;
  kind: string;
  row_estimate: number | null;
  size_bytes: number;
  comment?: string;
  columns?: ColumnInfo[];
  indexes?: { name: string; definition: string; unique: boolean }[];
  constraints?: { name: string; definition: string }[];
  view_definition?: string;
}

const RELATIONS_SQL = `
SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
       c.reltuples::bigint AS row_estimate, pg_total_relation_size(c.oid) AS bytes,
       obj_description(c.oid, 'pg_class') AS comment, c.relispartition AS is_partition,
       CASE WHEN $4 AND c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view_definition
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND ($1::text IS NULL OR n.nspname = $1)
  AND ($2::text IS NULL OR c.relname = $2)
  AND ($3 OR NOT c.relispartition)
ORDER BY n.nspname, c.relname`;

const COLUMNS_SQL = `
SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       t.typname AS base_type, a.atttypmod AS typmod, a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attgenerated::text AS generated,
       a.attidentity::text AS identity, col_description(a.attrelid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const CONSTRAINTS_SQL = `
SELECT con.conrelid::int AS oid, con.contype::text AS type, con.conname AS name,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_columns,
       pg_get_constraintdef(con.oid, true) AS definition
FROM pg_catalog.pg_constraint con
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.conrelid, con.contype, con.conname`;

const INDEXES_SQL = `
SELECT i.indrelid::int AS oid, ic.relname AS name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num) AS columns,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY($1::oid[])
ORDER BY i.indrelid, ic.relname`;

const SIMILAR_SQL = `
SELECT n.nspname || '.' || c.relname AS name
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND (c.relname ILIKE '%' || $1 || '%' OR $1 ILIKE '%' || c.relname || '%')
ORDER BY length(c.relname) LIMIT 5`;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function estimate(row: RelationRow): number | null {
  const n = Number(row.row_estimate);
  // -1: never vacuumed or analyzed (PostgreSQL 14+); views have no estimate.
  return row.kind === 'v' || n < 0 ? null : n;
}

function describeRows(n: number | null): string {
  return n === null ? 'rows unknown' : `~${n.toLocaleString('en-US')} rows`;
}

function buildColumns(columns: ColumnRow[], constraints: ConstraintRow[], indexes: IndexRow[]): ColumnInfo[] {
  const pk = new Set(constraints.filter((c) => c.type === 'p').flatMap((c) => c.columns ?? []));
  const unique = new Set(
    constraints.filter((c) => c.type === 'u' && c.columns?.length === 1).flatMap((c) => c.columns ?? []),
  );
  const indexed = new Set(indexes.map((i) => i.columns?.[0]).filter((c): c is string => !!c));
  const foreign = new Map<string, { schema: string; table: string; column: string }>();
  for (const fk of constraints.filter((c) => c.type === 'f')) {
    (fk.columns ?? []).forEach((column, i) =>
      foreign.set(column, {
        schema: fk.ref_schema ?? '',
        table: fk.ref_table ?? '',
        column: fk.ref_columns?.[i] ?? '',
      }),
    );
  }
  return columns.map((c) => {
    const fk = foreign.get(c.name);
    const generated =
      c.generated === 's'
        ? `GENERATED ALWAYS AS (${c.default_value}) STORED`
        : c.generated === 'v'
          ? `GENERATED ALWAYS AS (${c.default_value}) VIRTUAL`
          : undefined;
    const identity =
      c.identity === 'a'
        ? 'GENERATED ALWAYS AS IDENTITY'
        : c.identity === 'd'
          ? 'GENERATED BY DEFAULT AS IDENTITY'
          : undefined;
    const defaultValue = generated ?? identity ?? c.default_value ?? undefined;
    return {
      name: c.name,
      type: c.type,
      nullable: !c.not_null,
      ...(defaultValue ? { default: defaultValue } : {}),
      primary_key: pk.has(c.name),
      unique: unique.has(c.name),
      ...(fk ? { foreign_key: fk } : {}),
      indexed: indexed.has(c.name),
      ...(c.comment ? { comment: c.comment } : {}),
      ...(VECTOR_TYPES.has(c.base_type) && c.typmod > 0 ? { vector_dimensions: c.typmod } : {}),
    };
  });
}

function columnLine(c: ColumnInfo, nameWidth: number, typeWidth: number): string {
  const flags = [
    c.primary_key ? 'PK' : c.nullable ? '' : 'NOT NULL',
    c.unique ? 'UNIQUE' : '',
    c.foreign_key ? `FK → ${c.foreign_key.schema}.${c.foreign_key.table}(${c.foreign_key.column})` : '',
    c.indexed && !c.primary_key && !c.unique ? 'indexed' : '',
    c.default ? `default ${c.default}` : '',
    c.vector_dimensions ? `${c.vector_dimensions} dims` : '',
  ].filter(Boolean);
  const comment = c.comment ? `  -- ${c.comment.replace(/\s+/g, ' ')}` : '';
  return (
    `  ${c.name.padEnd(nameWidth)}  ${c.type.padEnd(typeWidth)}  ${flags.join(', ')}`.trimEnd() + comment
  );
}

function relationHeader(r: RelationInfo): string {
  const size = r.kind === 'view' ? '' : `, ${formatBytes(r.size_bytes)}`;
  const rows = r.kind === 'view' ? '' : `, ${describeRows(r.row_estimate)}`;
  const comment = r.comment ? ` — ${r.comment.replace(/\s+/g, ' ')}` : '';
  return `${r.schema}.${r.name} (${r.kind}${rows}${size})${comment}`;
}

function renderDetail(relations: RelationInfo[], compact: boolean): string {
  return relations
    .map((r) => {
      const columns = r.columns ?? [];
      if (compact) {
        return `${r.schema}.${r.name} (${r.kind}): ${columns.map((c) => `${c.name} ${c.type}${c.primary_key ? ' PK' : ''}`).join(', ')}`;
      }
      const nameWidth = Math.max(4, ...columns.map((c) => c.name.length));
      const typeWidth = Math.max(4, ...columns.map((c) => c.type.length));
      const lines = [relationHeader(r), ...columns.map((c) => columnLine(c, nameWidth, typeWidth))];
      const extraIndexes = (r.indexes ?? []).filter((i) => !/_pkey$/.test(i.name));
      if (extraIndexes.length > 0)
        lines.push(
          `  indexes: ${extraIndexes.map((i) => i.definition.replace(/^CREATE (UNIQUE )?INDEX /, '$1')).join('; ')}`,
        );
      const checks = (r.constraints ?? []).filter((c) => c.definition.startsWith('CHECK'));
      if (checks.length > 0) lines.push(`  checks: ${checks.map((c) => c.definition).join('; ')}`);
      if (r.view_definition) lines.push(`  definition: ${r.view_definition.replace(/\s+/g, ' ').trim()}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

function groupBy<T>(items: T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function loadDetails(client: pg.PoolClient, rows: RelationRow[]) {
  const oids = rows.map((r) => r.oid);
  // One client runs one query at a time; pg queues them anyway, and pg@9 refuses overlapping ones.
  const columns = await client.query<ColumnRow>(COLUMNS_SQL, [oids]);
  const constraints = await client.query<ConstraintRow>(CONSTRAINTS_SQL, [oids]);
  const indexes = await client.query<IndexRow>(INDEXES_SQL, [oids]);
  return {
    columns: groupBy(columns.rows, (c) => c.oid),
    constraints: groupBy(constraints.rows, (c) => c.oid),
    indexes: groupBy(indexes.rows, (c) => c.oid),
  };
}

function summarize(rows: RelationRow[]) {
  const schemas = new Map<string, RelationRow[]>();
  for (const row of rows) {
    const list = schemas.get(row.schema);
    if (list) list.push(row);
    else schemas.set(row.schema, [row]);
  }
  return [...schemas.entries()].map(([schema, list]) => {
    const largest = [...list].sort((a, b) => (estimate(b) ?? -1) - (estimate(a) ?? -1)).slice(0, 6);
    return {
      schema,
      tables: list.filter((r) => r.kind === 'r' || r.kind === 'p').length,
      views: list.filter((r) => r.kind === 'v' || r.kind === 'm').length,
      other: list.filter((r) => r.kind === 'f').length,
      row_estimate: list.reduce((n, r) => n + (estimate(r) ?? 0), 0),
      largest: largest.map((r) => ({ name: r.name, row_estimate: estimate(r) })),
    };
  });
}

/** Registers `get_schema_info`. */
export function registerGetSchemaInfo<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'get_schema_info',
    title: 'Describe the database schema',
    description: `Describe tables, views and materialized views: columns with types, nullability, primary/unique/foreign keys, indexes, comments and row estimates.

Use it before writing SQL against tables you have not seen, and when a query fails with an unknown table or column. On a large database a call without arguments returns a per-schema summary first; then call again with schema_name, and with table_name for full detail of one table. Do not use it to read data (use query_database).

Examples: {} — overview; {"schema_name": "sales"}; {"schema_name": "sales", "table_name": "orders"}; {"vector_tables_only": true} — tables with pgvector columns.`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      schema_name: z.string().min(1).optional().describe('Only this schema.'),
      table_name: z.string().min(1).optional().describe('Only this table or view (full detail).'),
      compact: z.boolean().default(false).describe('Only column names and types.'),
      vector_tables_only: z.boolean().default(false).describe('Only tables with vector (pgvector) columns.'),
      include_partitions: z
        .boolean()
        .default(false)
        .describe('Also list the partitions of partitioned tables.'),
      ...targetArgs,
    }),
    handler: async (args, context) => {
      const target = await resolveTarget(runtime, context, args);
      const answer = await withTarget(runtime, context, target, (lease) =>
        inReadOnlyTransaction(
          lease,
          target.info.statementTimeoutMs,
          async (client): Promise<CallToolResult> => {
            const filtered = Boolean(args.schema_name || args.table_name);
            const relations = (
              await client.query<RelationRow>(RELATIONS_SQL, [
                args.schema_name ?? null,
                args.table_name ?? null,
                args.include_partitions,
                Boolean(args.table_name),
              ])
            ).rows;

            if (relations.length === 0) {
              if (args.table_name) {
                const similar = (
                  await client.query<{ name: string }>(SIMILAR_SQL, [args.table_name])
                ).rows.map((r) => r.name);
                throw new ToolError(
                  `No table or view named "${args.table_name}"${args.schema_name ? ` in schema "${args.schema_name}"` : ''}.` +
                    (similar.length > 0
                      ? ` Similar: ${similar.join(', ')}.`
                      : ' Call get_schema_info without arguments to see what exists.'),
                );
              }
              if (args.schema_name) {
                throw new ToolError(
                  `Schema "${args.schema_name}" has no tables or views (or does not exist). Call get_schema_info without arguments to list schemas.`,
                );
              }
              return {
                content: [
                  { type: 'text', text: 'This database has no tables or views outside the system schemas.' },
                ],
                structuredContent: { mode: 'detail', tables: [] },
              };
            }

            const needsDetails =
              args.vector_tables_only || filtered || relations.length <= runtime.schemaSummaryThreshold;
            if (!needsDetails) {
              const schemas = summarize(relations);
              const text = [
                `${relations.length} tables and views in ${schemas.length} schemas (summary; ask for one schema or table to see columns):`,
                ...schemas.map(
                  (s) =>
                    `- ${s.schema}: ${s.tables} tables, ${s.views} views${s.other ? `, ${s.other} foreign tables` : ''}, ~${s.row_estimate.toLocaleString('en-US')} rows; largest: ${s.largest.map((l) => l.name).join(', ')}`,
                ),
                `Next: get_schema_info with {"schema_name": "${schemas[0]?.schema}"}, or with schema_name and table_name for one table.`,
              ].join('\n');
              return { content: [{ type: 'text', text }], structuredContent: { mode: 'summary', schemas } };
            }

            if (relations.length > DETAIL_LIMIT && !args.vector_tables_only) {
              const list = relations.map((r) => ({
                schema: r.schema,
                name: r.name,
                kind: KIND_NAMES[r.kind] ?? r.kind,
                row_estimate: estimate(r),
                ...(r.comment ? { comment: r.comment } : {}),
              }));
              const text = [
                `${relations.length} tables and views (names only; ask for one table_name to see its columns):`,
                ...list.map(
                  (r) =>
                    `- ${r.schema}.${r.name} (${r.kind}${r.row_estimate === null ? '' : `, ~${r.row_estimate.toLocaleString('en-US')} rows`})${r.comment ? ` — ${r.comment}` : ''}`,
                ),
              ].join('\n');
              return { content: [{ type: 'text', text }], structuredContent: { mode: 'list', tables: list } };
            }

            const details = await loadDetails(client, relations);
            let infos: RelationInfo[] = relations.map((r) => {
              const constraints = details.constraints.get(r.oid) ?? [];
              const indexes = details.indexes.get(r.oid) ?? [];
              return {
                schema: r.schema,
                name: r.name,
                kind: KIND_NAMES[r.kind] ?? r.kind,
                row_estimate: estimate(r),
                size_bytes: Number(r.bytes),
                ...(r.comment ? { comment: r.comment } : {}),
                columns: buildColumns(details.columns.get(r.oid) ?? [], constraints, indexes),
                indexes: indexes.map((i) => ({
                  name: i.name,
                  definition: i.definition,
                  unique: i.is_unique,
                })),
                constraints: constraints.map((c) => ({ name: c.name, definition: c.definition })),
                ...(r.view_definition ? { view_definition: r.view_definition } : {}),
              };
            });
            if (args.vector_tables_only) {
              infos = infos.filter((r) =>
                r.columns?.some(
                  (c) => c.vector_dimensions !== undefined || VECTOR_TYPES.has(c.type.replace(/\(.*$/, '')),
                ),
              );
              if (infos.length === 0) {
                return {
                  content: [
                    { type: 'text', text: 'No table has a vector column (pgvector is not used here).' },
                  ],
                  structuredContent: { mode: 'detail', tables: [] },
                };
              }
            }
            return {
              content: [{ type: 'text', text: renderDetail(infos, args.compact) }],
              structuredContent: { mode: 'detail', tables: infos },
            };
          },
        ),
      );
      return boundAnswer(runtime, answer, 'Ask for less: one schema_name, one table_name, or compact: true.');
    },
  });
}
