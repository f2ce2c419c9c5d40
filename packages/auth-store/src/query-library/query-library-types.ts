/** One run of a statement in the SQL console, as recorded in its user's history. */
export interface QueryHistoryEntry {
  id: string;
  userId: string;
  at: Date;
  sql: string;
  connection?: string;
  database?: string;
  outcome: 'ok' | 'error';
  /** The error's message when the run failed. */
  error?: string;
  rowCount?: number;
  durationMs?: number;
}

/** What a client records after a run. */
export type QueryHistoryInput = Omit<QueryHistoryEntry, 'id' | 'userId' | 'at'> & { at?: Date };

/** Filters of {@link QueryLibrary.listHistory}. */
export interface QueryHistoryFilter {
  /** Case-insensitive text the SQL contains. */
  q?: string;
  connection?: string;
  /** Page size (1–200, default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** A page of history, newest first. */
export interface QueryHistoryPage {
  entries: QueryHistoryEntry[];
  nextCursor?: string;
}

/** A named query, private to its owner or shared (read-only) with one group. */
export interface SavedQuery {
  id: string;
  ownerId: string;
  ownerName: string;
  name: string;
  description?: string;
  sql: string;
  connection?: string;
  /** The group it is shared with (its members may open it; only the owner changes it). */
  group?: { id: string; name: string };
  createdAt: Date;
  updatedAt: Date;
}

/** Fields of a saved query its owner sets. */
export interface SavedQueryInput {
  name: string;
  description?: string;
  sql: string;
  connection?: string;
  group?: { id: string; name: string };
}
