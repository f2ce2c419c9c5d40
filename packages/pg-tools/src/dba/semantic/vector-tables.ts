import { ToolError } from '@pgmcp/mcp-core';
import { type CatalogSession, num } from '../catalog.js';

/** How a vector column's nearest neighbours are measured (from its index's operator class). */
export type VectorMetric = 'cosine' | 'l2' | 'inner_product';

/** A pgvector column. */
export interface VectorColumn {
  name: string;
  /** `vector` or `halfvec`. */
  type: string;
  /** Schema of the pgvector extension's types and operators. */
  typeSchema: string;
  dimensions: number | null;
  metric: VectorMetric;
  /** Whether an ANN index (hnsw, ivfflat) serves the metric. */
  indexed: boolean;
}

/** A table with at least one vector column, as similarity_search sees it. */
export interface VectorTable {
  schema: string;
  name: string;
  kind: string;
  rowEstimate: number;
  vectorColumns: VectorColumn[];
  /** Columns whose text BM25 ranks (text, varchar, char, citext). */
  textColumns: string[];
  /** Primary-key columns that identify a row (empty: ctid is used). */
  keyColumns: string[];
}

/** Dense vector types similarity_search can query (sparsevec needs a sparse query vector). */
const DENSE = new Set(['vector', 'halfvec']);
const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

// Every column of every table that has a dense vector column (the data behind
// get_schema_info's vector_tables_only), with its index operator class.
const VECTOR_TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, c.reltuples::bigint AS rows,
       a.attname AS column, t.typname AS type, tn.nspname AS type_schema, a.atttypmod AS typmod,
       EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk,
       (SELECT oc.opcname FROM pg_catalog.pg_index i
          CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indclass::oid[]) AS k(attnum, opclass)
          JOIN pg_catalog.pg_opclass oc ON oc.oid = k.opclass
          JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod AND am.amname IN ('hnsw', 'ivfflat')
         WHERE i.indrelid = c.oid AND i.indisvalid AND k.attnum = a.attnum LIMIT 1) AS opclass
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
  AND NOT c.relispartition
  AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute va JOIN pg_catalog.pg_type vt ON vt.oid = va.atttypid
              WHERE va.attrelid = c.oid AND va.attnum > 0 AND NOT va.attisdropped AND vt.typname IN ('vector', 'halfvec'))
ORDER BY n.nspname, c.relname, a.attnum`;

function metricOf(opclass: string | null | undefined): VectorMetric {
  if (!opclass) return 'cosine';
  if (opclass.includes('l2')) return 'l2';
  if (opclass.includes('ip')) return 'inner_product';
  return 'cosine';
}

/** The tables with dense vector columns in the connected database. */
export async function loadVectorTables(session: CatalogSession): Promise<VectorTable[]> {
  const { rows } = await session.rows(VECTOR_TABLES_SQL, [], 5000);
  const tables = new Map<string, VectorTable>();
  for (const row of rows) {
    const key = `${row.schema}.${row.name}`;
    let table = tables.get(key);
    if (!table) {
      table = {
        schema: row.schema ?? '',
        name: row.name ?? '',
        kind: row.kind ?? 'r',
        rowEstimate: Math.max(0, num(row.rows) ?? 0),
        vectorColumns: [],
        textColumns: [],
        keyColumns: [],
      };
      tables.set(key, table);
    }
    const column = row.column ?? '';
    if (row.pk === 't') table.keyColumns.push(column);
    if (row.type && DENSE.has(row.type)) {
      const typmod = num(row.typmod) ?? -1;
      table.vectorColumns.push({
        name: column,
        type: row.type,
        typeSchema: row.type_schema ?? 'public',
        dimensions: typmod > 0 ? typmod : null,
        metric: metricOf(row.opclass),
        indexed: Boolean(row.opclass),
      });
    } else if (row.type && TEXT_TYPES.has(row.type)) {
      table.textColumns.push(column);
    }
  }
  return [...tables.values()];
}

function listTables(tables: VectorTable[]): string {
  return tables
    .map(
      (t) =>
        `${t.schema}.${t.name} (${t.vectorColumns.map((c) => `${c.name} ${c.type}(${c.dimensions ?? '?'})`).join(', ')})`,
    )
    .join(', ');
}

/** Picks the table and vector column of a call, or fails saying what exists. */
export function pickTable(
  tables: VectorTable[],
  args: { table?: string | undefined; schema?: string | undefined; vector_column?: string | undefined },
): { table: VectorTable; column: VectorColumn } {
  const available =
    tables.length > 0
      ? ` Tables with vector columns: ${listTables(tables)}.`
      : ' No table in this database has one (pgvector is not used here, or not on this connection).';
  let table: VectorTable | undefined;
  if (args.table) {
    const matches = tables.filter((t) => t.name === args.table && (!args.schema || t.schema === args.schema));
    if (matches.length > 1) {
      throw new ToolError(
        `Several schemas have a table "${args.table}" with vector columns: ${listTables(matches)}. Pass schema.`,
      );
    }
    table = matches[0];
    if (!table) {
      throw new ToolError(
        `${args.schema ? `${args.schema}.` : ''}${args.table} has no vector (pgvector) column, or does not exist.${available} get_schema_info with {"vector_tables_only": true} shows them.`,
      );
    }
  } else {
    if (tables.length !== 1) {
      throw new ToolError(
        tables.length === 0
          ? `similarity_search needs a table with a vector (pgvector) column.${available}`
          : `Several tables have vector columns; pass table (and schema).${available}`,
      );
    }
    table = tables[0]!;
  }
  let column: VectorColumn | undefined;
  if (args.vector_column) {
    column = table.vectorColumns.find((c) => c.name === args.vector_column);
    if (!column) {
      throw new ToolError(
        `${table.schema}.${table.name} has no vector column "${args.vector_column}"; its vector columns: ${table.vectorColumns.map((c) => c.name).join(', ')}.`,
      );
    }
  } else if (table.vectorColumns.length > 1) {
    throw new ToolError(
      `${table.schema}.${table.name} has several vector columns (${table.vectorColumns.map((c) => c.name).join(', ')}); pass vector_column.`,
    );
  } else {
    column = table.vectorColumns[0]!;
  }
  return { table, column };
}
