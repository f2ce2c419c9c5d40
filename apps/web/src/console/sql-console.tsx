import { type KeyboardEvent, type ReactNode, useCallback, useId, useRef, useState } from 'react';
import { isApiError } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';
import { type QueryResult, queryResultOf } from '../chat/query-result.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { PlayIcon } from '../ui/icons.js';
import { ResultGrid } from '../ui/result-grid.js';
import { SqlCode } from '../ui/sql-code.js';
import { SchemaBrowser } from './schema-browser.js';

/** Props of {@link SqlConsole}. */
export interface SqlConsoleProps {
  callTool: McpSession['callTool'];
  /** The current connection's name (shown, and reloads the schema when it changes). */
  connection: string | undefined;
  writesAllowed: boolean;
  /** Told after every Run (the history records it). */
  onRan?: (run: ConsoleRun) => void;
  /** Panels below the editor (history, saved queries), given the editor's SQL and ways to fill and run it. */
  library?: (actions: { sql: string; open: (sql: string) => void; run: (sql: string) => void }) => ReactNode;
}

/** One Run of the console as its user saw it. */
export interface ConsoleRun {
  sql: string;
  connection: string | undefined;
  outcome: 'ok' | 'error';
  error?: string;
  rowCount?: number;
  durationMs: number;
}

type Output =
  | { kind: 'rows'; sql: string; result: QueryResult; limit: number }
  | { kind: 'explain'; sql: string; text: string; findings: string[]; executionMs?: number }
  | { kind: 'error'; text: string };

const LIMITS = [100, 500, 1000];

/**
 * Runs SQL without an LLM: query_database with paging, EXPLAIN through execute_explain, and the
 * schema from get_schema_info. The same MCP tools (and the same read-only guard) as the assistant uses.
 */
export function SqlConsole({ callTool, connection, writesAllowed, onRan, library }: SqlConsoleProps) {
  const [tab, setTabState] = useState<'query' | 'schema'>('query');
  // The schema browser stays mounted once opened, so switching tabs keeps what was expanded.
  const [schemaSeen, setSchemaSeen] = useState(false);
  const setTab = (next: 'query' | 'schema') => {
    if (next === 'schema') setSchemaSeen(true);
    setTabState(next);
  };
  const [sql, setSql] = useState('');
  const [limit, setLimit] = useState(100);
  const [analyze, setAnalyze] = useState(true);
  const [busy, setBusy] = useState<'run' | 'explain' | 'more'>();
  const [output, setOutput] = useState<Output>();
  const editor = useRef<HTMLTextAreaElement>(null);
  const abort = useRef<AbortController>(undefined);
  const ids = useId();

  const call = useCallback(
    async (name: string, args: Record<string, unknown>) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      return callTool(name, args, controller.signal);
    },
    [callTool],
  );

  const run = async (text = sql) => {
    if (text.trim() === '' || busy) return;
    setBusy('run');
    const started = performance.now();
    const ran = (more: Pick<ConsoleRun, 'outcome' | 'error' | 'rowCount'>) =>
      onRan?.({ sql: text, connection, durationMs: performance.now() - started, ...more });
    try {
      const outcome = await call('query_database', { query: text, limit });
      const result = outcome.isError ? undefined : queryResultOf(outcome.structured);
      setOutput(result ? { kind: 'rows', sql: text, result, limit } : { kind: 'error', text: outcome.text });
      if (result) ran({ outcome: 'ok', rowCount: result.affectedRows ?? result.rows.length });
      else ran({ outcome: 'error', error: outcome.text });
    } catch (e) {
      if (!isApiError(e, 'UNAUTHORIZED')) setOutput({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  const explain = async () => {
    if (sql.trim() === '' || busy) return;
    setBusy('explain');
    try {
      const outcome = await call('execute_explain', { query: sql, analyze });
      if (outcome.isError) setOutput({ kind: 'error', text: outcome.text });
      else {
        const findings = Array.isArray(outcome.structured?.findings)
          ? outcome.structured.findings.map(String)
          : [];
        const executionMs = outcome.structured?.execution_time_ms;
        setOutput({
          kind: 'explain',
          sql,
          text: outcome.text.split('\nFindings:')[0] ?? outcome.text,
          findings,
          ...(typeof executionMs === 'number' ? { executionMs } : {}),
        });
      }
    } catch (e) {
      if (!isApiError(e, 'UNAUTHORIZED')) setOutput({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  const more = async () => {
    if (output?.kind !== 'rows' || output.result.nextOffset === undefined || busy) return;
    setBusy('more');
    try {
      const outcome = await call('query_database', {
        query: output.sql,
        limit: output.limit,
        offset: output.result.nextOffset,
      });
      const page = outcome.isError ? undefined : queryResultOf(outcome.structured);
      if (!page) setOutput({ kind: 'error', text: outcome.text });
      else {
        setOutput({
          ...output,
          result: { ...page, offset: output.result.offset, rows: [...output.result.rows, ...page.rows] },
        });
      }
    } catch (e) {
      if (!isApiError(e, 'UNAUTHORIZED')) setOutput({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (event.shiftKey) void explain();
      else void run();
    }
  };

  const rows = output?.kind === 'rows' ? output.result : undefined;
  return (
    <section className="sql-console" aria-label="SQL console">
      <header className="console-header">
        <h1>SQL console</h1>
        <div className="tabs" role="tablist" aria-label="Console views">
          <button
            type="button"
            role="tab"
            id={`${ids}-query-tab`}
            aria-selected={tab === 'query'}
            aria-controls={`${ids}-query`}
            className="tab"
            onClick={() => setTab('query')}
          >
            Query
          </button>
          <button
            type="button"
            role="tab"
            id={`${ids}-schema-tab`}
            aria-selected={tab === 'schema'}
            aria-controls={`${ids}-schema`}
            className="tab"
            onClick={() => setTab('schema')}
          >
            Schema
          </button>
        </div>
        <span className="muted small console-connection">
          on <strong>{connection ?? '—'}</strong> · {writesAllowed ? 'writes allowed' : 'read-only'}
        </span>
      </header>

      <div
        id={`${ids}-query`}
        role="tabpanel"
        aria-labelledby={`${ids}-query-tab`}
        hidden={tab !== 'query'}
        className="console-query"
      >
        <div className="editor">
          <label htmlFor={`${ids}-sql`} className="visually-hidden">
            SQL statement
          </label>
          <textarea
            id={`${ids}-sql`}
            ref={editor}
            className="sql-editor"
            spellCheck={false}
            value={sql}
            placeholder="SELECT * FROM sales.orders ORDER BY ordered_at DESC"
            onChange={(event) => setSql(event.target.value)}
            onKeyDown={onKeyDown}
          />
          <div className="editor-bar">
            <button
              type="button"
              className="button primary"
              onClick={() => void run()}
              disabled={!!busy || sql.trim() === ''}
            >
              <PlayIcon /> {busy === 'run' ? 'Running…' : 'Run'}
            </button>
            <button
              type="button"
              className="button"
              onClick={() => void explain()}
              disabled={!!busy || sql.trim() === ''}
            >
              {busy === 'explain' ? 'Explaining…' : 'Explain'}
            </button>
            <label className="check">
              <input type="checkbox" checked={analyze} onChange={(e) => setAnalyze(e.target.checked)} />{' '}
              analyze
            </label>
            <label className="inline-field">
              rows per page
              <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                {LIMITS.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted small editor-hint">
              <kbd>Ctrl</kbd>+<kbd>Enter</kbd> run · <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Enter</kbd> explain
            </span>
          </div>
        </div>

        {library?.({
          sql,
          open: setSql,
          run: (text) => {
            setSql(text);
            void run(text);
          },
        })}

        <div className="console-output" aria-live="polite">
          {output?.kind === 'error' ? (
            <pre className="tool-error" role="alert">
              {output.text}
            </pre>
          ) : null}
          {rows ? (
            <>
              <div className="result-meta">
                <span>
                  {rows.columns.length === 0
                    ? `${rows.command ?? 'Statement'} completed${rows.affectedRows !== undefined ? `, ${rows.affectedRows} rows affected` : ''}`
                    : `${rows.rows.length.toLocaleString()} rows${rows.nextOffset !== undefined ? ', more available' : ''}`}
                  {rows.durationMs !== undefined
                    ? ` · ${Math.round(rows.durationMs)} ms for the last page`
                    : ''}
                </span>
                {rows.nextOffset !== undefined ? (
                  <button
                    type="button"
                    className="button small"
                    onClick={() => void more()}
                    disabled={!!busy}
                  >
                    {busy === 'more'
                      ? 'Loading…'
                      : `Next ${output?.kind === 'rows' ? output.limit : ''} rows`}
                  </button>
                ) : null}
              </div>
              {rows.columns.length > 0 ? (
                <ResultGrid
                  columns={rows.columns}
                  rows={rows.rows}
                  firstRowNumber={rows.offset + 1}
                  label="Query result"
                  className="console-grid"
                />
              ) : null}
            </>
          ) : null}
          {output?.kind === 'explain' ? (
            <div className="explain">
              {output.findings.length > 0 ? (
                <ul className="findings">
                  {output.findings.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No findings: the plan looks reasonable.</p>
              )}
              <pre className="code plan">{output.text}</pre>
            </div>
          ) : null}
          {!output ? (
            <div className="console-empty muted">
              <p>
                Write a query and press Run. Statements run through the same read-only guard as the
                assistant’s.
              </p>
              <SqlCode sql={'SELECT status, count(*)\nFROM sales.orders\nGROUP BY status\nORDER BY 2 DESC'} />
            </div>
          ) : null}
        </div>
      </div>

      <div
        id={`${ids}-schema`}
        role="tabpanel"
        aria-labelledby={`${ids}-schema-tab`}
        hidden={tab !== 'schema'}
        className="console-schema"
      >
        {schemaSeen ? (
          <SchemaBrowser
            callTool={callTool}
            connectionKey={connection}
            onQuery={(text) => {
              setSql(text);
              setTab('query');
              requestAnimationFrame(() => editor.current?.focus());
            }}
          />
        ) : null}
      </div>
    </section>
  );
}
