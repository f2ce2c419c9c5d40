const EVENT = 'pgmcp:open-in-console';

/** Asks the workspace to open SQL in a new console tab (chat tool cards use it). */
export function openInConsole(sql: string): void {
  window.dispatchEvent(new CustomEvent<{ sql: string }>(EVENT, { detail: { sql } }));
}

/** Listens for {@link openInConsole}; returns the unsubscribe. */
export function onOpenInConsole(listener: (sql: string) => void): () => void {
  const handler = (event: Event) => {
    const sql = (event as CustomEvent<{ sql?: unknown }>).detail?.sql;
    if (typeof sql === 'string') listener(sql);
  };
  window.addEventListener(EVENT, handler);
  return () => window.removeEventListener(EVENT, handler);
}
