import { useState } from 'react';
import { ChevronIcon, PlayIcon } from '../ui/icons.js';
import { type Catalog, filterCatalog, firstRowsSql } from './catalog.js';
import { quoteIdent, type TableInfo } from './schema-browser.js';

/** Props of {@link SchemaPanel}. */
export interface SchemaPanelProps {
  catalog: Catalog | undefined;
  error: string | undefined;
  /** Puts a name at the editor's cursor. */
  onInsert: (text: string) => void;
  /** Runs a query in a new tab ("SELECT first 100 rows"). */
  onRunQuery: (sql: string) => void;
  /** Loads a table's columns when it is expanded and they are not known yet. */
  onNeedColumns: (table: TableInfo) => void;
}

/** The schema beside the editor: search, click a name to insert it, run the first 100 rows of a table. */
export function SchemaPanel({ catalog, error, onInsert, onRunQuery, onNeedColumns }: SchemaPanelProps) {
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<Record<string, boolean>>({});
  if (error)
    return (
      <p className="tool-error pad" role="alert">
        {error}
      </p>
    );
  if (!catalog) return <p className="muted pad">Loading the schema…</p>;
  const schemas = filterCatalog(catalog, search);
  const searching = search.trim() !== '';
  const toggle = (table: TableInfo) => {
    const key = `${table.schema}.${table.name}`;
    if (!open[key] && !table.columns) onNeedColumns(table);
    setOpen((o) => ({ ...o, [key]: !o[key] }));
  };
  return (
    <div className="schema-panel">
      <input
        type="search"
        className="schema-search"
        placeholder="Search tables and columns"
        aria-label="Search tables and columns"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {schemas.length === 0 ? <p className="muted small pad">Nothing matches.</p> : null}
      <ul className="schema-list" aria-label="Schema">
        {schemas.map((schema) => (
          <li key={schema.name}>
            <button
              type="button"
              className="schema-item schema-level"
              onClick={() => onInsert(quoteIdent(schema.name))}
              title="Insert the name"
            >
              {schema.name}
            </button>
            <ul>
              {schema.tables.map((table) => {
                const key = `${table.schema}.${table.name}`;
                const expanded = open[key] ?? false;
                const qualified = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
                return (
                  <li key={key}>
                    <div className="schema-row">
                      <button
                        type="button"
                        className={`icon-button small chevron ${expanded ? 'open' : ''}`}
                        aria-expanded={expanded}
                        aria-label={`Columns of ${table.name}`}
                        onClick={() => toggle(table)}
                      >
                        <ChevronIcon />
                      </button>
                      <button
                        type="button"
                        className="schema-item"
                        title={`Insert ${qualified}`}
                        onClick={() => onInsert(qualified)}
                      >
                        {table.name}
                        {table.kind !== 'table' ? <span className="muted small"> {table.kind}</span> : null}
                      </button>
                      <button
                        type="button"
                        className="icon-button small"
                        aria-label={`SELECT first 100 rows of ${table.schema}.${table.name}`}
                        title="SELECT first 100 rows"
                        onClick={() => onRunQuery(firstRowsSql(table))}
                      >
                        <PlayIcon />
                      </button>
                    </div>
                    {expanded || (searching && table.columns) ? (
                      <ul className="schema-columns">
                        {table.columns === undefined ? <li className="muted small">Loading…</li> : null}
                        {table.columns?.map((c) => (
                          <li key={c.name}>
                            <button
                              type="button"
                              className="schema-item column"
                              onClick={() => onInsert(quoteIdent(c.name))}
                            >
                              {c.name} <span className="muted small">{c.type}</span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
