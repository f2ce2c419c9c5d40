import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { ChevronIcon, PlayIcon } from '../ui/icons.js';

/** A column as get_schema_info describes it. */
export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  primary_key?: boolean;
  unique?: boolean;
  indexed?: boolean;
  foreign_key?: { schema: string; table: string; column: string };
  default?: string;
  comment?: string;
}

/** A table, view or materialized view. */
export interface TableInfo {
  schema: string;
  name: string;
  kind: string;
  row_estimate: number | null;
  comment?: string;
  columns?: ColumnInfo[];
}

interface SchemaEntry {
  name: string;
  summary?: string;
  tables?: TableInfo[];
  open: boolean;
  loading?: boolean;
}

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Reads get_schema_info's structuredContent: `summary` (schemas), `list` (names) or `detail` (columns). */
export function readSchemaInfo(
  structured: Record<string, unknown> | undefined,
): { schemas: { name: string; summary: string }[] } | { tables: TableInfo[] } | undefined {
  if (!structured) return undefined;
  if (structured.mode === 'summary' && Array.isArray(structured.schemas)) {
    return {
      schemas: structured.schemas.filter(isRecord).map((s) => ({
        name: String(s.schema),
        summary: [
          plural(Number(s.tables), 'table'),
          Number(s.views) > 0 ? plural(Number(s.views), 'view') : undefined,
          `~${Number(s.row_estimate).toLocaleString()} rows`,
        ]
          .filter(Boolean)
          .join(', '),
      })),
    };
  }
  if ((structured.mode === 'list' || structured.mode === 'detail') && Array.isArray(structured.tables)) {
    return { tables: structured.tables.filter(isRecord) as unknown as TableInfo[] };
  }
  return undefined;
}

function groupBySchema(tables: TableInfo[]): SchemaEntry[] {
  const names = [...new Set(tables.map((t) => t.schema))];
  return names.map((name) => ({
    name,
    tables: tables.filter((t) => t.schema === name),
    open: names.length <= 3,
  }));
}

/** Quotes an identifier when PostgreSQL would need it. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Props of {@link SchemaBrowser}. */
export interface SchemaBrowserProps {
  callTool: McpSession['callTool'];
  /** Puts a query into the editor. */
  onQuery: (sql: string) => void;
  /** Changes when the current connection changes, to reload. */
  connectionKey: string | undefined;
}

/** Schemas, tables and columns of the current connection, from get_schema_info. */
export function SchemaBrowser({ callTool, onQuery, connectionKey }: SchemaBrowserProps) {
  const [schemas, setSchemas] = useState<SchemaEntry[]>();
  const [selected, setSelected] = useState<TableInfo>();
  const [error, setError] = useState<string>();

  const call = useCallback(
    async (args: Record<string, unknown>) => {
      const outcome = await callTool('get_schema_info', args);
      if (outcome.isError) throw new Error(outcome.text);
      const info = readSchemaInfo(outcome.structured);
      if (!info) throw new Error('get_schema_info answered in a form this page does not know.');
      return info;
    },
    [callTool],
  );

  useEffect(() => {
    let live = true;
    setSchemas(undefined);
    setSelected(undefined);
    setError(undefined);
    call({})
      .then((info) => {
        if (!live) return;
        setSchemas(
          'schemas' in info
            ? info.schemas.map((s) => ({ name: s.name, summary: s.summary, open: false }))
            : groupBySchema(info.tables),
        );
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [call, connectionKey]);

  const toggle = async (entry: SchemaEntry) => {
    const update = (patch: Partial<SchemaEntry>) =>
      setSchemas((list) => list?.map((s) => (s.name === entry.name ? { ...s, ...patch } : s)));
    if (entry.open || entry.tables) {
      update({ open: !entry.open });
      return;
    }
    update({ open: true, loading: true });
    try {
      const info = await call({ schema_name: entry.name, compact: true });
      update({ loading: false, tables: 'tables' in info ? info.tables : [] });
    } catch (e) {
      update({ loading: false, open: false });
      setError(errorMessage(e));
    }
  };

  const select = async (table: TableInfo) => {
    setSelected(table);
    if (table.columns) return;
    try {
      const info = await call({ schema_name: table.schema, table_name: table.name });
      const detail = 'tables' in info ? info.tables[0] : undefined;
      if (detail) setSelected(detail);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="schema-browser">
      <nav className="schema-tree" aria-label="Schemas and tables">
        {schemas === undefined && !error ? <p className="muted pad">Loading the schema…</p> : null}
        {schemas?.length === 0 ? <p className="muted pad">No tables or views.</p> : null}
        {schemas?.map((entry) => (
          <div key={entry.name}>
            <button
              type="button"
              className="schema-name"
              aria-expanded={entry.open}
              onClick={() => void toggle(entry)}
            >
              <span className={`chevron ${entry.open ? 'open' : ''}`}>
                <ChevronIcon />
              </span>
              <span>{entry.name}</span>
              {entry.summary ? <span className="muted small">{entry.summary}</span> : null}
            </button>
            {entry.open ? (
              <ul>
                {entry.loading ? <li className="muted small pad">Loading…</li> : null}
                {entry.tables?.map((table) => (
                  <li key={table.name}>
                    <button
                      type="button"
                      className={`table-name ${selected?.name === table.name && selected.schema === table.schema ? 'active' : ''}`}
                      aria-current={
                        selected?.name === table.name && selected.schema === table.schema ? 'true' : undefined
                      }
                      onClick={() => void select(table)}
                    >
                      <span>{table.name}</span>
                      <span className="muted small">
                        {[
                          table.kind !== 'table' ? table.kind : undefined,
                          table.row_estimate !== null ? `~${table.row_estimate.toLocaleString()}` : undefined,
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ))}
      </nav>
      <div className="schema-detail">
        {error ? (
          <p className="tool-error" role="alert">
            {error}
          </p>
        ) : null}
        {selected ? (
          <>
            <div className="schema-detail-head">
              <h3>
                {selected.schema}.{selected.name}
              </h3>
              <button
                type="button"
                className="button small primary"
                onClick={() =>
                  onQuery(`SELECT *\nFROM ${quoteIdent(selected.schema)}.${quoteIdent(selected.name)}`)
                }
              >
                <PlayIcon /> Query this {selected.kind === 'table' ? 'table' : selected.kind}
              </button>
            </div>
            {selected.comment ? <p className="muted">{selected.comment}</p> : null}
            {selected.columns ? (
              <div className="md-table">
                <table className="columns-table">
                  <thead>
                    <tr>
                      <th>Column</th>
                      <th>Type</th>
                      <th>Null</th>
                      <th>Keys</th>
                      <th>Comment</th>
                    </tr>
                  </thead>
                  <tbody>
                    {selected.columns.map((column) => (
                      <tr key={column.name}>
                        <td className="mono">{column.name}</td>
                        <td className="mono muted">{column.type}</td>
                        <td>{column.nullable ? 'yes' : 'no'}</td>
                        <td className="small keys">
                          {[
                            column.primary_key ? 'PK' : undefined,
                            column.unique && !column.primary_key ? 'unique' : undefined,
                            column.foreign_key
                              ? `→ ${column.foreign_key.schema === selected.schema ? '' : `${column.foreign_key.schema}.`}${column.foreign_key.table}.${column.foreign_key.column}`
                              : undefined,
                            column.indexed && !column.primary_key ? 'indexed' : undefined,
                          ]
                            .filter((key): key is string => key !== undefined)
                            .map((key) => (
                              <span key={key} className="key-chip">
                                {key}
                              </span>
                            ))}
                        </td>
                        <td className="small muted">{column.comment ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted">Loading columns…</p>
            )}
          </>
        ) : (
          <p className="muted pad">Pick a table to see its columns.</p>
        )}
      </div>
    </div>
  );
}
