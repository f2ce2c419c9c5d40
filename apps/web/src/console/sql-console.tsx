import {
  type ComponentType,
  type ReactNode,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { isApiError } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';
import type { QueryResult } from '../chat/query-result.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { CloseIcon, PencilIcon, PlayIcon, PlusIcon } from '../ui/icons.js';
import { SqlCode } from '../ui/sql-code.js';
import { type Catalog, loadCatalog, toNamespace, withTable } from './catalog.js';
import { closeTab, type ConsoleTabs, loadTabs, newTab, saveTabs } from './console-tabs.js';
import { PlainEditor } from './plain-editor.js';
import { ResultPanel } from './result-panel.js';
import { exactResult } from './result-values.js';
import { readSchemaInfo, SchemaBrowser, type TableInfo } from './schema-browser.js';
import { SIDE_PANELS, type SidePanelContext } from './side-panels.js';
import type { SqlEditorHandle, SqlEditorProps } from './sql-editor.js';

const CodeEditor = lazy(() => import('./sql-editor.js').then((m) => ({ default: m.SqlEditor })));
const PlanView = lazy(() => import('./plan-view.js').then((m) => ({ default: m.PlanView })));

/** A request from elsewhere (a chat tool card) to open SQL in a new console tab. */
export interface ConsoleRequest {
  sql: string;
  /** Changes with every request, so the same SQL twice opens twice. */
  seq: number;
}

/** Props of {@link SqlConsole}. */
export interface SqlConsoleProps {
  callTool: McpSession['callTool'];
  /** The current connection's name (shown, and reloads the schema when it changes). */
  connection: string | undefined;
  writesAllowed: boolean;
  request?: ConsoleRequest;
  /** The editor component; CodeMirror (loaded lazily) unless a test passes the plain one. */
  editor?: ComponentType<SqlEditorProps>;
  /** Where tabs persist; localStorage unless a test passes another. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
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
  | { kind: 'rows'; sql: string; result: QueryResult; limit: number; total?: number }
  | { kind: 'explain'; sql: string; text: string; plan: unknown; findings: string[]; executionMs?: number }
  | { kind: 'error'; text: string };

const LIMITS = [100, 500, 1000];

function LazyCodeEditor(props: SqlEditorProps) {
  return (
    <Suspense fallback={<PlainEditor {...props} />}>
      <CodeEditor {...props} />
    </Suspense>
  );
}

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * A SQL workbench without an LLM: editor tabs kept per connection, run the selection or the
 * statement under the cursor through query_database, EXPLAIN as a plan tree, the schema beside
 * the editor. The same MCP tools (and the same read-only guard) as the assistant uses.
 */
export function SqlConsole(props: SqlConsoleProps) {
  const { callTool, connection, writesAllowed, request } = props;
  const Editor = props.editor ?? LazyCodeEditor;
  const storage = useMemo(() => props.storage ?? browserStorage(), [props.storage]);
  const [view, setViewState] = useState<'query' | 'schema'>('query');
  const [schemaSeen, setSchemaSeen] = useState(false);
  const setView = (next: 'query' | 'schema') => {
    if (next === 'schema') setSchemaSeen(true);
    setViewState(next);
  };
  const [tabs, setTabs] = useState<ConsoleTabs>(() => loadTabs(storage, connection));
  const [outputs, setOutputs] = useState<Record<string, Output>>({});
  const [limit, setLimit] = useState(100);
  const [analyze, setAnalyze] = useState(true);
  const [busy, setBusy] = useState<'run' | 'explain' | 'more' | 'count'>();
  const [side, setSide] = useState(SIDE_PANELS[0]!.id);
  const [catalog, setCatalog] = useState<Catalog>();
  const [catalogError, setCatalogError] = useState<string>();
  const [renaming, setRenaming] = useState<string>();
  const editor = useRef<SqlEditorHandle>(null);
  const abort = useRef<AbortController>(undefined);
  const ids = useId();

  const active = tabs.tabs.find((t) => t.id === tabs.active) ?? tabs.tabs[0]!;
  const output = outputs[active.id];

  // Another connection has its own tabs and catalog.
  const loadedFor = useRef(connection);
  useEffect(() => {
    if (loadedFor.current !== connection) {
      loadedFor.current = connection;
      setTabs(loadTabs(storage, connection));
      setOutputs({});
    }
  }, [connection, storage]);
  useEffect(() => saveTabs(storage, loadedFor.current, tabs), [storage, tabs]);

  useEffect(() => {
    const controller = new AbortController();
    setCatalog(undefined);
    setCatalogError(undefined);
    loadCatalog(callTool, controller.signal)
      .then((c) => !controller.signal.aborted && setCatalog(c))
      .catch((e: unknown) => !controller.signal.aborted && setCatalogError(errorMessage(e)));
    return () => controller.abort();
  }, [callTool, connection]);
  const completion = useMemo(
    () => (catalog ? { namespace: toNamespace(catalog), functions: catalog.functions } : undefined),
    [catalog],
  );

  const setOutput = (tabId: string, next: Output) => setOutputs((o) => ({ ...o, [tabId]: next }));
  const setSql = (sql: string) =>
    setTabs((s) => ({ ...s, tabs: s.tabs.map((t) => (t.id === s.active ? { ...t, sql } : t)) }));

  const call = useCallback(
    async (name: string, args: Record<string, unknown>) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      return callTool(name, args, controller.signal);
    },
    [callTool],
  );

  const guarded = async (kind: NonNullable<typeof busy>, tabId: string, work: () => Promise<void>) => {
    setBusy(kind);
    try {
      await work();
    } catch (e) {
      if (!isApiError(e, 'UNAUTHORIZED')) setOutput(tabId, { kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(undefined);
    }
  };

  const run = (sql: string, tabId = active.id) => {
    if (sql.trim() === '' || busy) return;
    void guarded('run', tabId, async () => {
      const started = performance.now();
      const outcome = await call('query_database', { query: sql, limit });
      const result = outcome.isError ? undefined : exactResult(outcome.structured, outcome.text);
      setOutput(tabId, result ? { kind: 'rows', sql, result, limit } : { kind: 'error', text: outcome.text });
      props.onRan?.({
        sql,
        connection,
        durationMs: performance.now() - started,
        ...(result
          ? { outcome: 'ok', rowCount: result.affectedRows ?? result.rows.length }
          : { outcome: 'error', error: outcome.text }),
      });
    });
  };

  const explain = (sql: string) => {
    const tabId = active.id;
    if (sql.trim() === '' || busy) return;
    void guarded('explain', tabId, async () => {
      const outcome = await call('execute_explain', { query: sql, analyze });
      if (outcome.isError) return setOutput(tabId, { kind: 'error', text: outcome.text });
      const s = outcome.structured;
      const executionMs = s?.execution_time_ms;
      setOutput(tabId, {
        kind: 'explain',
        sql,
        text: outcome.text.split('\nFindings:')[0] ?? outcome.text,
        plan: s?.plan,
        findings: Array.isArray(s?.findings) ? s.findings.map(String) : [],
        ...(typeof executionMs === 'number' ? { executionMs } : {}),
      });
    });
  };

  const more = () => {
    const tabId = active.id;
    if (output?.kind !== 'rows' || output.result.nextOffset === undefined || busy) return;
    void guarded('more', tabId, async () => {
      const outcome = await call('query_database', {
        query: output.sql,
        limit: output.limit,
        offset: output.result.nextOffset,
      });
      const page = outcome.isError ? undefined : exactResult(outcome.structured, outcome.text);
      if (!page) return setOutput(tabId, { kind: 'error', text: outcome.text });
      setOutput(tabId, {
        ...output,
        result: { ...page, offset: output.result.offset, rows: [...output.result.rows, ...page.rows] },
      });
    });
  };

  const count = () => {
    const tabId = active.id;
    if (output?.kind !== 'rows' || busy) return;
    const sql = output.sql.trim().replace(/;\s*$/, '');
    void guarded('count', tabId, async () => {
      const outcome = await call('query_database', {
        query: `SELECT count(*) FROM (${sql}\n) AS counted`,
        limit: 1,
      });
      const n = Number((outcome.structured?.rows as unknown[][] | undefined)?.[0]?.[0]);
      if (!outcome.isError && Number.isFinite(n)) setOutput(tabId, { ...output, total: n });
    });
  };

  const openInTab = useCallback((sql: string, options: { run?: boolean; name?: string } = {}) => {
    let id = '';
    setTabs((s) => {
      const tab = { ...newTab(s.tabs, sql), ...(options.name ? { name: options.name } : {}) };
      id = tab.id;
      return { tabs: [...s.tabs, tab], active: tab.id };
    });
    setViewState('query');
    if (options.run) queueMicrotask(() => id && runRef.current(sql, id));
  }, []);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    if (request) openInTab(request.sql);
  }, [request, openInTab]);

  const loadColumns = useCallback(
    (table: TableInfo) => {
      void callTool('get_schema_info', { schema_name: table.schema, table_name: table.name })
        .then((outcome) => {
          const info = outcome.isError ? undefined : readSchemaInfo(outcome.structured);
          const detail = info && 'tables' in info ? info.tables[0] : undefined;
          if (detail) setCatalog((c) => (c ? withTable(c, detail) : c));
        })
        .catch((e: unknown) => setCatalogError(errorMessage(e)));
    },
    [callTool],
  );

  const sideContext: SidePanelContext = {
    callTool,
    connection,
    insert: (text) => editor.current?.insert(text),
    openInTab,
    catalog,
    catalogError,
    loadColumns,
  };

  const target = () => editor.current?.target() ?? active.sql.trim();
  const empty = active.sql.trim() === '';
  return (
    <section className="sql-console" aria-label="SQL console">
      <header className="console-header">
        <h1>SQL console</h1>
        <div className="tabs" role="tablist" aria-label="Console views">
          {(['query', 'schema'] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              id={`${ids}-${v}-tab`}
              aria-selected={view === v}
              aria-controls={`${ids}-${v}`}
              className="tab"
              onClick={() => setView(v)}
            >
              {v === 'query' ? 'Query' : 'Table details'}
            </button>
          ))}
        </div>
        <span className="muted small console-connection">
          on <strong>{connection ?? '—'}</strong> · {writesAllowed ? 'writes allowed' : 'read-only'}
        </span>
      </header>

      <div
        id={`${ids}-query`}
        role="tabpanel"
        aria-labelledby={`${ids}-query-tab`}
        hidden={view !== 'query'}
        className="console-query workbench"
      >
        <aside className="workbench-side" aria-label="Side panels">
          <div className="side-tabs" role="tablist" aria-label="Side panels">
            {SIDE_PANELS.map((p) => (
              <button
                key={p.id}
                type="button"
                role="tab"
                className="tab small"
                aria-selected={side === p.id}
                onClick={() => setSide(p.id)}
              >
                {p.label}
              </button>
            ))}
          </div>
          <div className="side-body">{SIDE_PANELS.find((p) => p.id === side)?.render(sideContext)}</div>
        </aside>

        <div className="workbench-main">
          {/* The tablist holds only tabs; the active tab's rename and close buttons follow it. */}
          <div className="editor-tabs">
            <div className="editor-tablist" role="tablist" aria-label="Editor tabs">
              {tabs.tabs.map((t) => (
                <button
                  key={t.id}
                  type="button"
                  role="tab"
                  aria-selected={t.id === active.id}
                  className={`editor-tab editor-tab-name ${t.id === active.id ? 'active' : ''}`}
                  onClick={() => setTabs((s) => ({ ...s, active: t.id }))}
                  onDoubleClick={() => setRenaming(t.id)}
                >
                  {t.name}
                </button>
              ))}
            </div>
            {renaming === active.id ? (
              <input
                className="tab-rename"
                aria-label="Tab name"
                defaultValue={active.name}
                autoFocus
                onBlur={(e) => {
                  const name = e.target.value.trim() || active.name;
                  setTabs((s) => ({
                    ...s,
                    tabs: s.tabs.map((x) => (x.id === active.id ? { ...x, name } : x)),
                  }));
                  setRenaming(undefined);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') e.currentTarget.blur();
                  if (e.key === 'Escape') setRenaming(undefined);
                }}
              />
            ) : (
              <button
                type="button"
                className="icon-button small"
                aria-label={`Rename ${active.name}`}
                onClick={() => setRenaming(active.id)}
              >
                <PencilIcon />
              </button>
            )}
            <button
              type="button"
              className="icon-button small"
              aria-label={`Close ${active.name}`}
              onClick={() => setTabs((s) => closeTab(s, active.id))}
            >
              <CloseIcon />
            </button>
            <button
              type="button"
              className="icon-button small"
              aria-label="New tab"
              onClick={() =>
                setTabs((s) => {
                  const tab = newTab(s.tabs);
                  return { tabs: [...s.tabs, tab], active: tab.id };
                })
              }
            >
              <PlusIcon />
            </button>
          </div>

          <div className="editor">
            <div className="editor-host">
              <Editor
                key={active.id}
                ref={editor}
                value={active.sql}
                onChange={setSql}
                onRun={(sql) => run(sql)}
                onExplain={explain}
                catalog={completion}
                label="SQL statement"
              />
            </div>
            <div className="editor-bar">
              <button
                type="button"
                className="button primary"
                onClick={() => run(target())}
                disabled={!!busy || empty}
              >
                <PlayIcon /> {busy === 'run' ? 'Running…' : 'Run'}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => explain(target())}
                disabled={!!busy || empty}
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
              <button
                type="button"
                className="button ghost"
                onClick={() => void editor.current?.format()}
                disabled={empty}
              >
                Format
              </button>
              <span className="muted small editor-hint">
                <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs the selection or the statement at the cursor ·{' '}
                <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Enter</kbd> explain
              </span>
            </div>
          </div>

          {props.library?.({
            sql: active.sql,
            open: setSql,
            run: (text) => {
              setSql(text);
              run(text);
            },
          })}

          <div className="console-output" aria-live="polite">
            {output?.kind === 'error' ? (
              <pre className="tool-error" role="alert">
                {output.text}
              </pre>
            ) : null}
            {output?.kind === 'rows' ? (
              <ResultPanel
                key={`${active.id}:${output.sql}`}
                sql={output.sql}
                result={output.result}
                limit={output.limit}
                callTool={callTool}
                busy={!!busy}
                onMore={more}
                onCount={count}
                {...(output.total !== undefined ? { total: output.total } : {})}
              />
            ) : null}
            {output?.kind === 'explain' ? (
              <Suspense fallback={<p className="muted">Loading the plan view…</p>}>
                <PlanView
                  plan={output.plan}
                  findings={output.findings}
                  text={output.text}
                  {...(output.executionMs !== undefined ? { executionMs: output.executionMs } : {})}
                />
              </Suspense>
            ) : null}
            {!output ? (
              <div className="console-empty muted">
                <p>
                  Write a query and press Run. Statements run through the same read-only guard as the
                  assistant’s.
                </p>
                <SqlCode
                  sql={'SELECT status, count(*)\nFROM sales.orders\nGROUP BY status\nORDER BY 2 DESC'}
                />
              </div>
            ) : null}
          </div>
        </div>
      </div>

      <div
        id={`${ids}-schema`}
        role="tabpanel"
        aria-labelledby={`${ids}-schema-tab`}
        hidden={view !== 'schema'}
        className="console-schema"
      >
        {schemaSeen ? (
          <SchemaBrowser callTool={callTool} connectionKey={connection} onQuery={(text) => openInTab(text)} />
        ) : null}
      </div>
    </section>
  );
}
