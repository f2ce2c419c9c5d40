import { useId, useState } from 'react';
import { HistoryPanel, type HistoryApi } from './history-panel.js';
import { SavedQueriesPanel, type SavedQueriesApi } from './saved-queries-panel.js';
import './query-library.css';

/** Props of {@link QueryLibrary}. */
export interface QueryLibraryProps {
  api: HistoryApi & SavedQueriesApi;
  connection: string | undefined;
  currentSql: string;
  onOpen: (sql: string) => void;
  onRun: (sql: string) => void;
  /** Changes after every recorded run. */
  refreshKey: number;
}

/** History and saved queries beside the console's editor, folded away until asked for. */
export function QueryLibrary(props: QueryLibraryProps) {
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<'history' | 'saved'>('history');
  const tabButton = (key: 'history' | 'saved', label: string) => (
    <button
      type="button"
      role="tab"
      id={`${ids}-${key}-tab`}
      aria-selected={tab === key}
      aria-controls={`${ids}-${key}`}
      className="tab"
      onClick={() => setTab(key)}
    >
      {label}
    </button>
  );
  return (
    <section className="query-library" aria-label="History and saved queries">
      <div className="query-library-head">
        <button
          type="button"
          className="button small ghost"
          aria-expanded={open}
          aria-controls={`${ids}-body`}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide history and saved queries' : 'History and saved queries'}
        </button>
        {open ? (
          <div className="tabs" role="tablist" aria-label="Query library">
            {tabButton('history', 'History')}
            {tabButton('saved', 'Saved')}
          </div>
        ) : null}
      </div>
      <div id={`${ids}-body`} hidden={!open}>
        {open && tab === 'history' ? (
          <div id={`${ids}-history`} role="tabpanel" aria-labelledby={`${ids}-history-tab`}>
            <HistoryPanel
              api={props.api}
              connection={props.connection}
              onOpen={props.onOpen}
              onRun={props.onRun}
              refreshKey={props.refreshKey}
            />
          </div>
        ) : null}
        {open && tab === 'saved' ? (
          <div id={`${ids}-saved`} role="tabpanel" aria-labelledby={`${ids}-saved-tab`}>
            <SavedQueriesPanel
              api={props.api}
              connection={props.connection}
              currentSql={props.currentSql}
              onOpen={props.onOpen}
              onRun={props.onRun}
            />
          </div>
        ) : null}
      </div>
    </section>
  );
}
