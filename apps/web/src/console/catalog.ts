import type { SQLNamespace } from '@codemirror/lang-sql';
import type { McpSession } from '../mcp/mcp-session.js';
import { quoteIdent, readSchemaInfo, type TableInfo } from './schema-browser.js';

/** The connection's schemas, tables and (where known) columns, for the side panel and completion. */
export interface Catalog {
  schemas: { name: string; tables: TableInfo[] }[];
  functions: string[];
}

const FUNCTIONS_SQL = `SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`;

/** Built-in functions people type daily (the dialect knows keywords and types, not functions). */
const BUILTIN_FUNCTIONS = [
  'avg',
  'coalesce',
  'count',
  'current_date',
  'date_part',
  'date_trunc',
  'extract',
  'format',
  'generate_series',
  'greatest',
  'json_agg',
  'jsonb_agg',
  'jsonb_build_object',
  'least',
  'length',
  'lower',
  'max',
  'min',
  'now',
  'nullif',
  'percentile_cont',
  'rank',
  'round',
  'row_number',
  'string_agg',
  'sum',
  'to_char',
  'upper',
];

/** Reads the catalog: the schema summary, then each schema's tables (with columns when the tool gives them). */
export async function loadCatalog(callTool: McpSession['callTool'], signal?: AbortSignal): Promise<Catalog> {
  const info = async (args: Record<string, unknown>) => {
    const outcome = await callTool('get_schema_info', args, signal);
    if (outcome.isError) throw new Error(outcome.text);
    const read = readSchemaInfo(outcome.structured);
    if (!read) throw new Error('get_schema_info answered in a form this page does not know.');
    return read;
  };
  const top = await info({});
  const schemas =
    'tables' in top
      ? group(top.tables)
      : await Promise.all(
          top.schemas.map(async (s) => {
            const listed = await info({ schema_name: s.name, compact: true });
            return { name: s.name, tables: 'tables' in listed ? listed.tables : [] };
          }),
        );
  const functions = await callTool('query_database', { query: FUNCTIONS_SQL, limit: 1000 }, signal)
    .then((o) =>
      o.isError ? [] : ((o.structured?.rows as unknown[][] | undefined) ?? []).map((r) => String(r[0])),
    )
    .catch(() => []);
  return { schemas, functions: [...new Set([...functions, ...BUILTIN_FUNCTIONS])] };
}

function group(tables: TableInfo[]): Catalog['schemas'] {
  const names = [...new Set(tables.map((t) => t.schema))];
  return names.map((name) => ({ name, tables: tables.filter((t) => t.schema === name) }));
}

/** The catalog in lang-sql's form: schema → table → column completions. */
export function toNamespace(catalog: Catalog): SQLNamespace {
  const namespace: Record<
    string,
    Record<string, readonly { label: string; type: string; detail?: string }[]>
  > = {};
  for (const schema of catalog.schemas) {
    const tables: Record<string, readonly { label: string; type: string; detail?: string }[]> = {};
    for (const table of schema.tables) {
      tables[quoteIdent(table.name)] = (table.columns ?? []).map((c) => ({
        label: quoteIdent(c.name),
        type: 'property',
        detail: c.type,
      }));
    }
    namespace[quoteIdent(schema.name)] = tables;
  }
  return namespace;
}

/** Replaces one table's entry (after its columns were loaded). */
export function withTable(catalog: Catalog, table: TableInfo): Catalog {
  return {
    ...catalog,
    schemas: catalog.schemas.map((s) =>
      s.name !== table.schema
        ? s
        : { ...s, tables: s.tables.map((t) => (t.name === table.name ? table : t)) },
    ),
  };
}

/** Tables (and their columns) whose names contain the search text, by schema; all when it is empty. */
export function filterCatalog(catalog: Catalog, search: string): Catalog['schemas'] {
  const needle = search.trim().toLowerCase();
  if (!needle) return catalog.schemas;
  return catalog.schemas
    .map((s) => ({
      name: s.name,
      tables: s.tables.filter(
        (t) =>
          `${s.name}.${t.name}`.toLowerCase().includes(needle) ||
          (t.columns ?? []).some((c) => c.name.toLowerCase().includes(needle)),
      ),
    }))
    .filter((s) => s.tables.length > 0);
}

/** `SELECT * FROM schema.table LIMIT 100` with the names quoted when needed. */
export function firstRowsSql(table: { schema: string; name: string }): string {
  return `SELECT *\nFROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)}\nLIMIT 100`;
}
