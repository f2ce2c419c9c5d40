import { type ApiClient, isApiError, type SavedQuery } from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { PlayIcon, TrashIcon } from '../ui/icons.js';
import { ConfirmModal } from '../ui/confirm-modal.js';

/** The REST calls the saved-queries panel makes. */
export type SavedQueriesApi = Pick<ApiClient, 'listSavedQueries' | 'createSavedQuery' | 'deleteSavedQuery'>;

/** Props of {@link SavedQueriesPanel}. */
export interface SavedQueriesPanelProps {
  api: SavedQueriesApi;
  /** Saved with the query, so it reopens where it was written. */
  connection: string | undefined;
  /** The editor's SQL, which "Save" stores. */
  currentSql: string;
  onOpen: (sql: string) => void;
  onRun: (sql: string) => void;
}

/** Named queries: save the editor's SQL (optionally shared with a group), open, run, delete your own. */
export function SavedQueriesPanel({ api, connection, currentSql, onOpen, onRun }: SavedQueriesPanelProps) {
  const ids = useId();
  const [queries, setQueries] = useState<SavedQuery[]>();
  const [groups, setGroups] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [group, setGroup] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [filter, setFilter] = useState('');
  const [deleting, setDeleting] = useState<SavedQuery>();

  const report = (e: unknown) => {
    if (!isApiError(e, 'UNAUTHORIZED')) setError(errorMessage(e));
  };
  const load = useCallback(async () => {
    const list = await api.listSavedQueries({ query: {} });
    setQueries(list.queries);
    setGroups(list.groups);
  }, [api]);
  useEffect(() => {
    load().catch(report);
  }, [load]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || !currentSql.trim()) return;
    setSaving(true);
    try {
      await api.createSavedQuery({
        body: {
          name: name.trim(),
          sql: currentSql,
          ...(connection ? { connection } : {}),
          ...(group ? { group } : {}),
        },
      });
      setName('');
      setError(undefined);
      await load();
    } catch (e) {
      report(e);
    } finally {
      setSaving(false);
    }
  };

  const remove = async (query: SavedQuery) => {
    setDeleting(undefined);
    try {
      await api.deleteSavedQuery({ params: { id: query.id } });
      setQueries((before) => before?.filter((q) => q.id !== query.id));
    } catch (e) {
      report(e);
    }
  };

  const needle = filter.trim().toLowerCase();
  const shown = queries?.filter(
    (q) => !needle || q.name.toLowerCase().includes(needle) || q.sql.toLowerCase().includes(needle),
  );
  return (
    <div className="query-library-panel">
      <form className="query-library-save" onSubmit={(e) => void save(e)}>
        <label htmlFor={`${ids}-name`} className="visually-hidden">
          Name of the saved query
        </label>
        <input
          id={`${ids}-name`}
          className="input"
          placeholder="Name this query…"
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label className="inline-field">
          share with
          <select value={group} onChange={(e) => setGroup(e.target.value)}>
            <option value="">only me</option>
            {groups.map((g) => (
              <option key={g} value={g}>
                group {g}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="button small primary"
          disabled={saving || !name.trim() || !currentSql.trim()}
          title={currentSql.trim() ? undefined : 'Write a statement in the editor first'}
        >
          {saving ? 'Saving…' : 'Save current SQL'}
        </button>
      </form>
      {error ? (
        <p className="tool-error" role="alert">
          {error}
        </p>
      ) : null}
      {queries && queries.length > 5 ? (
        <>
          <label htmlFor={`${ids}-filter`} className="visually-hidden">
            Filter saved queries
          </label>
          <input
            id={`${ids}-filter`}
            type="search"
            className="input"
            placeholder="Filter saved queries…"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </>
      ) : null}
      {shown === undefined ? (
        <p className="muted small">Loading saved queries…</p>
      ) : shown.length === 0 ? (
        <p className="muted small">
          {needle
            ? 'No saved query matches.'
            : 'No saved queries yet: name the SQL in the editor and save it.'}
        </p>
      ) : (
        <ul className="query-library-list" aria-label="Saved queries">
          {shown.map((query) => (
            <li key={query.id} className="query-library-item">
              <div className="query-library-title">
                <strong>{query.name}</strong>
                {query.group ? <span className="badge">shared with {query.group.name}</span> : null}
                {query.mine ? null : <span className="muted small">by {query.owner}</span>}
              </div>
              <button
                type="button"
                className="query-library-sql"
                title="Open in the editor"
                onClick={() => onOpen(query.sql)}
              >
                <code>{query.sql}</code>
              </button>
              <div className="query-library-meta small">
                {query.connection ? <span>{query.connection}</span> : null}
                <span className="query-library-actions">
                  <button type="button" className="button small" onClick={() => onOpen(query.sql)}>
                    Open
                  </button>
                  <button type="button" className="button small" onClick={() => onRun(query.sql)}>
                    <PlayIcon /> Run
                  </button>
                  {query.mine ? (
                    <button
                      type="button"
                      className="button small ghost icon-only"
                      aria-label={`Delete ${query.name}`}
                      title="Delete"
                      onClick={() => setDeleting(query)}
                    >
                      <TrashIcon />
                    </button>
                  ) : null}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {deleting ? (
        <ConfirmModal
          title="Delete this saved query?"
          confirmLabel="Delete"
          cancelLabel="Keep it"
          onClose={() => setDeleting(undefined)}
          onConfirm={() => void remove(deleting)}
        >
          <p>
            <strong>{deleting.name}</strong> will be gone
            {deleting.group ? ` for you and everyone in ${deleting.group.name}` : ''}.
          </p>
        </ConfirmModal>
      ) : null}
    </div>
  );
}
