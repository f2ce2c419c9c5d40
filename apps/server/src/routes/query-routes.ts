import type { QueryHistoryEntry, SavedQuery, SavedQueryInput } from '@pgmcp/api-contract';
import type {
  QueryLibrary,
  QueryHistoryEntry as StoredEntry,
  SavedQuery as StoredSavedQuery,
} from '@pgmcp/auth-store';
import type { Caller } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import type { RouteHandlers } from './register-routes.js';

/** What the SQL console's history and saved-query routes need. */
export interface QueryRouteDeps {
  queries: QueryLibrary;
}

function toApiEntry(entry: StoredEntry): QueryHistoryEntry {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    sql: entry.sql,
    connection: entry.connection ?? null,
    database: entry.database ?? null,
    outcome: entry.outcome,
    error: entry.error ?? null,
    row_count: entry.rowCount ?? null,
    duration_ms: entry.durationMs ?? null,
  };
}

function toApiSaved(saved: StoredSavedQuery, caller: Caller): SavedQuery {
  return {
    id: saved.id,
    name: saved.name,
    description: saved.description ?? null,
    sql: saved.sql,
    connection: saved.connection ?? null,
    owner: saved.ownerName,
    mine: saved.ownerId === caller.user.id,
    group: saved.group ?? null,
    created_at: saved.createdAt.toISOString(),
    updated_at: saved.updatedAt.toISOString(),
  };
}

const groupIds = (caller: Caller) => caller.access.groups.map((g) => g.id);

/** The store's fields of a saved query; a share names one of the caller's own groups. */
function savedInput(caller: Caller, body: SavedQueryInput) {
  let group: { id: string; name: string } | undefined;
  if (body.group !== undefined) {
    const found = caller.access.groups.find((g) => g.name === body.group);
    if (!found) {
      throw new RestError(
        'BAD_REQUEST',
        `Invalid body: group "${body.group}" is not one of your groups; share only with a group you belong to.`,
      );
    }
    group = { id: found.id, name: found.name };
  }
  return {
    name: body.name,
    sql: body.sql,
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.connection !== undefined ? { connection: body.connection } : {}),
    ...(group ? { group } : {}),
  };
}

type QueryRoutes =
  | 'listQueryHistory'
  | 'recordQueryHistory'
  | 'clearQueryHistory'
  | 'deleteQueryHistoryEntry'
  | 'listSavedQueries'
  | 'createSavedQuery'
  | 'getSavedQuery'
  | 'updateSavedQuery'
  | 'deleteSavedQuery';

/**
 * `/api/v1/queries/*`: the SQL console's history (each caller only ever sees their own) and saved
 * queries (the caller's own, and those shared with a group the caller is in — read-only for them).
 * The web console records a run here after it ends: the MCP endpoint cannot tell a console run from
 * any other client's call, and the console knows the duration its user waited.
 */
export function queryRoutes(deps: QueryRouteDeps): RouteHandlers<QueryRoutes> {
  const { queries } = deps;

  /** A saved query the caller may see (own or shared with one of their groups), else 404. */
  async function visible(caller: Caller, id: string): Promise<StoredSavedQuery> {
    const saved = await queries.findSaved(id);
    const ids = groupIds(caller);
    if (!saved || (saved.ownerId !== caller.user.id && !(saved.group && ids.includes(saved.group.id)))) {
      throw new RestError('NOT_FOUND', 'No such saved query.');
    }
    return saved;
  }
  async function owned(caller: Caller, id: string): Promise<StoredSavedQuery> {
    const saved = await visible(caller, id);
    if (saved.ownerId !== caller.user.id) {
      throw new RestError('FORBIDDEN', `Only ${saved.ownerName}, who saved it, may change or delete it.`);
    }
    return saved;
  }

  return {
    listQueryHistory: async ({ caller, query }) => {
      const page = await queries.listHistory(caller.user.id, query);
      return { entries: page.entries.map(toApiEntry), next_cursor: page.nextCursor ?? null };
    },
    recordQueryHistory: async ({ caller, body }) => {
      const entry = await queries.recordHistory(caller.user.id, {
        sql: body.sql,
        outcome: body.outcome,
        ...(body.connection !== undefined ? { connection: body.connection } : {}),
        ...(body.database !== undefined ? { database: body.database } : {}),
        ...(body.error !== undefined ? { error: body.error } : {}),
        ...(body.row_count !== undefined ? { rowCount: body.row_count } : {}),
        ...(body.duration_ms !== undefined ? { durationMs: body.duration_ms } : {}),
      });
      return toApiEntry(entry);
    },
    clearQueryHistory: async ({ caller }) => ({ deleted: await queries.clearHistory(caller.user.id) }),
    deleteQueryHistoryEntry: async ({ caller, params }) => {
      if (!(await queries.deleteHistoryEntry(caller.user.id, params.id))) {
        throw new RestError('NOT_FOUND', 'No such history entry.');
      }
    },
    listSavedQueries: async ({ caller, query }) => {
      const saved = await queries.listSaved(caller.user.id, groupIds(caller), query.q);
      return {
        queries: saved.map((s) => toApiSaved(s, caller)),
        groups: caller.access.groups.map((g) => g.name).sort(),
      };
    },
    createSavedQuery: async ({ caller, body }) =>
      toApiSaved(
        await queries.createSaved(
          { id: caller.user.id, name: caller.user.username },
          savedInput(caller, body),
        ),
        caller,
      ),
    getSavedQuery: async ({ caller, params }) => toApiSaved(await visible(caller, params.id), caller),
    updateSavedQuery: async ({ caller, params, body }) => {
      await owned(caller, params.id);
      return toApiSaved(
        await queries.updateSaved(caller.user.id, params.id, savedInput(caller, body)),
        caller,
      );
    },
    deleteSavedQuery: async ({ caller, params }) => {
      await owned(caller, params.id);
      await queries.deleteSaved(caller.user.id, params.id);
    },
  };
}
