import { type ApiClient, isApiError, type QueryHistoryEntry } from '@pgmcp/api-contract';
import { useCallback, useEffect, useId, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { PlayIcon, TrashIcon } from '../ui/icons.js';
import { relativeTime } from '../ui/relative-time.js';

/** The REST calls the history panel makes. */
export type HistoryApi = Pick<ApiClient, 'listQueryHistory' | 'deleteQueryHistoryEntry'>;

/** Props of {@link HistoryPanel}. */
export interface HistoryPanelProps {
  api: HistoryApi;
  /** The console's connection; "this connection only" filters on it. */
  connection: string | undefined;
  /** Load a statement into the editor. */
  onOpen: (sql: string) => void;
  /** Load a statement into the editor and run it. */
  onRun: (sql: string) => void;
  /** Changes after every recorded run, so the list shows it. */
  refreshKey?: number;
}

const PAGE = 50;
/** How long typing may pause before the search runs. */
const SEARCH_DELAY_MS = 250;

/** The caller's SQL console history from the server: searchable, newest first, each entry re-runnable. */
export function HistoryPanel({ api, connection, onOpen, onRun, refreshKey = 0 }: HistoryPanelProps) {
  const ids = useId();
  const [q, setQ] = useState('');
  const [onlyHere, setOnlyHere] = useState(false);
  const [entries, setEntries] = useState<QueryHistoryEntry[]>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  const load = useCallback(
    async (after?: string) => {
      const page = await api.listQueryHistory({
        query: {
          limit: PAGE,
          ...(q.trim() ? { q: q.trim() } : {}),
          ...(onlyHere && connection ? { connection } : {}),
          ...(after ? { cursor: after } : {}),
        },
      });
      setEntries((before) => (after ? [...(before ?? []), ...page.entries] : page.entries));
      setCursor(page.next_cursor);
      setError(undefined);
    },
    [api, q, onlyHere, connection],
  );
  const report = (e: unknown) => {
    if (!isApiError(e, 'UNAUTHORIZED')) setError(errorMessage(e));
  };

  useEffect(() => {
    const timer = setTimeout(() => void load().catch(report), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [load, refreshKey]);

  const remove = async (entry: QueryHistoryEntry) => {
    try {
      await api.deleteQueryHistoryEntry({ params: { id: entry.id } });
      setEntries((before) => before?.filter((e) => e.id !== entry.id));
    } catch (e) {
      report(e);
    }
  };

  return (
    <div className="query-library-panel">
      <div className="query-library-filters">
        <label htmlFor={`${ids}-q`} className="visually-hidden">
          Search history
        </label>
        <input
          id={`${ids}-q`}
          type="search"
          className="input"
          placeholder="Search history…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        {connection ? (
          <label className="check">
            <input type="checkbox" checked={onlyHere} onChange={(e) => setOnlyHere(e.target.checked)} /> only{' '}
            {connection}
          </label>
        ) : null}
      </div>
      {error ? (
        <p className="tool-error" role="alert">
          {error}
        </p>
      ) : null}
      {entries === undefined ? (
        <p className="muted small">Loading the history…</p>
      ) : entries.length === 0 ? (
        <p className="muted small">
          {q.trim() ? 'Nothing in your history matches.' : 'Statements you run appear here.'}
        </p>
      ) : (
        <ul className="query-library-list" aria-label="Query history">
          {entries.map((entry) => (
            <li key={entry.id} className="query-library-item">
              <button
                type="button"
                className="query-library-sql"
                title="Open in the editor"
                onClick={() => onOpen(entry.sql)}
              >
                <code>{entry.sql}</code>
              </button>
              <div className="query-library-meta small">
                <span className={entry.outcome === 'ok' ? 'badge ok' : 'badge error'}>
                  {entry.outcome === 'ok' ? 'ok' : 'error'}
                </span>
                <time dateTime={entry.at} title={new Date(entry.at).toLocaleString()}>
                  {relativeTime(entry.at)}
                </time>
                {entry.connection ? <span>{entry.connection}</span> : null}
                {entry.row_count !== null ? (
                  <span>
                    {entry.row_count.toLocaleString()} {entry.row_count === 1 ? 'row' : 'rows'}
                  </span>
                ) : null}
                {entry.duration_ms !== null ? <span>{entry.duration_ms.toLocaleString()} ms</span> : null}
                <span className="query-library-actions">
                  <button type="button" className="button small" onClick={() => onRun(entry.sql)}>
                    <PlayIcon /> Run
                  </button>
                  <button
                    type="button"
                    className="button small ghost icon-only"
                    aria-label="Delete from history"
                    title="Delete from history"
                    onClick={() => void remove(entry)}
                  >
                    <TrashIcon />
                  </button>
                </span>
              </div>
              {entry.error ? <p className="query-library-error small">{entry.error}</p> : null}
            </li>
          ))}
        </ul>
      )}
      {cursor ? (
        <button type="button" className="button small" onClick={() => void load(cursor).catch(report)}>
          Show older
        </button>
      ) : null}
    </div>
  );
}
