import type { ApiClient } from '@pgmcp/api-contract';
import { useState } from 'react';
import { QueryLibrary } from './query-library.js';
import { type ConsoleRun, SqlConsole, type SqlConsoleProps } from './sql-console.js';

/** Props of {@link LibraryConsole}. */
export interface LibraryConsoleProps extends Omit<SqlConsoleProps, 'onRan' | 'library'> {
  api: Pick<
    ApiClient,
    | 'recordQueryHistory'
    | 'listQueryHistory'
    | 'deleteQueryHistoryEntry'
    | 'listSavedQueries'
    | 'createSavedQuery'
    | 'deleteSavedQuery'
  >;
}

/**
 * The SQL console with its history and saved queries. Each Run is recorded through the REST API
 * once it ends: the console knows it was a console run and how long its user waited, which the
 * MCP endpoint serving the call cannot tell.
 */
export function LibraryConsole({ api, ...props }: LibraryConsoleProps) {
  const [recorded, setRecorded] = useState(0);
  const record = (run: ConsoleRun) => {
    api
      .recordQueryHistory({
        body: {
          sql: run.sql,
          outcome: run.outcome,
          duration_ms: Math.round(run.durationMs),
          ...(run.connection ? { connection: run.connection } : {}),
          ...(run.error ? { error: run.error.slice(0, 10_000) } : {}),
          ...(run.rowCount !== undefined ? { row_count: run.rowCount } : {}),
        },
      })
      // The history is a convenience: a failed write must not disturb the run's result.
      .then(
        () => setRecorded((n) => n + 1),
        () => undefined,
      );
  };
  return (
    <SqlConsole
      {...props}
      onRan={record}
      library={(actions) => (
        <QueryLibrary
          api={api}
          connection={props.connection}
          currentSql={actions.sql}
          onOpen={actions.open}
          onRun={actions.run}
          refreshKey={recorded}
        />
      )}
    />
  );
}
