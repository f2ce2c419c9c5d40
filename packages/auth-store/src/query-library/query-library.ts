import { randomBytes } from 'node:crypto';
import { runMigrations, type SqlDatabase, typedKysely } from '@pgmcp/sql-store';
import { sql } from 'kysely';
import { AuthStoreError } from '../errors.js';
import { queryLibraryMigrations } from './query-library-migrations.js';
import type {
  QueryHistoryEntry,
  QueryHistoryFilter,
  QueryHistoryInput,
  QueryHistoryPage,
  SavedQuery,
  SavedQueryInput,
} from './query-library-types.js';

interface QueryHistoryTable {
  id: string;
  user_id: string;
  at: number | string;
  connection_name: string | null;
  database_name: string | null;
  sql_text: string;
  outcome: string;
  error: string | null;
  row_count: number | string | null;
  duration_ms: number | string | null;
}

interface SavedQueriesTable {
  id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  description: string | null;
  sql_text: string;
  connection_name: string | null;
  group_id: string | null;
  group_name: string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** Options of {@link createQueryLibrary}. */
export interface QueryLibraryOptions {
  /** The account store's database (the library migrates it, never closes it). */
  database: SqlDatabase;
  /** History entries kept per user; older ones are removed as new ones arrive. Default 1,000. */
  historyPerUser?: number;
  /** Saved queries one user may own. Default 500. */
  savedPerUser?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The SQL console's per-user history and its named, optionally group-shared, saved queries. */
export interface QueryLibrary {
  readonly historyPerUser: number;
  /** Records one run; the user's oldest entries beyond `historyPerUser` are removed. */
  recordHistory(userId: string, input: QueryHistoryInput): Promise<QueryHistoryEntry>;
  /** The user's history, newest first, filtered and paged. */
  listHistory(userId: string, filter?: QueryHistoryFilter): Promise<QueryHistoryPage>;
  /** Removes one of the user's entries; false when the user has no such entry. */
  deleteHistoryEntry(userId: string, id: string): Promise<boolean>;
  /** Removes all of the user's history; returns how many entries. */
  clearHistory(userId: string): Promise<number>;
  /** The user's own saved queries and those shared with any of `groupIds`, by name. */
  listSaved(userId: string, groupIds: readonly string[], q?: string): Promise<SavedQuery[]>;
  /** One saved query by id, whoever owns it (callers check visibility). */
  findSaved(id: string): Promise<SavedQuery | undefined>;
  /** Saves a query; ALREADY_EXISTS when the owner has one of that name. */
  createSaved(owner: { id: string; name: string }, input: SavedQueryInput): Promise<SavedQuery>;
  /** Replaces a saved query's fields; NOT_FOUND unless `ownerId` owns it. */
  updateSaved(ownerId: string, id: string, input: SavedQueryInput): Promise<SavedQuery>;
  /** Deletes a saved query; false unless `ownerId` owns it. */
  deleteSaved(ownerId: string, id: string): Promise<boolean>;
}

/** Longest SQL text kept (history and saved queries). */
export const MAX_QUERY_SQL_CHARS = 100_000;
const MAX_ERROR_CHARS = 2000;
const num = (value: number | string | null) => (value === null ? undefined : Number(value));

function toEntry(row: QueryHistoryTable): QueryHistoryEntry {
  const rowCount = num(row.row_count);
  const durationMs = num(row.duration_ms);
  return {
    id: row.id,
    userId: row.user_id,
    at: new Date(Number(row.at)),
    sql: row.sql_text,
    outcome: row.outcome === 'error' ? 'error' : 'ok',
    ...(row.connection_name !== null ? { connection: row.connection_name } : {}),
    ...(row.database_name !== null ? { database: row.database_name } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(rowCount !== undefined ? { rowCount } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

function toSaved(row: SavedQueriesTable): SavedQuery {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    name: row.name,
    sql: row.sql_text,
    ...(row.description !== null ? { description: row.description } : {}),
    ...(row.connection_name !== null ? { connection: row.connection_name } : {}),
    ...(row.group_id !== null ? { group: { id: row.group_id, name: row.group_name ?? row.group_id } } : {}),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

/** A LIKE pattern matching `text` anywhere, its wildcards taken literally (escape `\`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function checkSql(text: string): string {
  if (text.trim() === '') throw new AuthStoreError('INVALID_INPUT', 'sql must not be empty.');
  if (text.length > MAX_QUERY_SQL_CHARS) {
    throw new AuthStoreError('INVALID_INPUT', `sql is longer than ${MAX_QUERY_SQL_CHARS} characters.`);
  }
  return text;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) {
    throw new AuthStoreError('INVALID_INPUT', 'name must be 1 to 200 characters.');
  }
  return trimmed;
}

/**
 * Opens (and migrates) the SQL console's query library on the account store's database —
 * SQLite or PostgreSQL, so every replica sees the same history and saved queries.
 *
 * @example
 *   const library = await createQueryLibrary({ database });
 *   await library.recordHistory(user.id, { sql: 'SELECT 1', outcome: 'ok', rowCount: 1, durationMs: 3 });
 */
export async function createQueryLibrary(options: QueryLibraryOptions): Promise<QueryLibrary> {
  const historyPerUser = options.historyPerUser ?? 1000;
  const savedPerUser = options.savedPerUser ?? 500;
  for (const [key, value] of [
    ['historyPerUser', historyPerUser],
    ['savedPerUser', savedPerUser],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new AuthStoreError('INVALID_INPUT', `${key} must be a positive whole number.`);
    }
  }
  const now = options.now ?? Date.now;
  await runMigrations(options.database, queryLibraryMigrations);
  const db = typedKysely<{ query_history: QueryHistoryTable; saved_queries: SavedQueriesTable }>(
    options.database,
  );

  // Ids sort like the entries: time, then the order made here, then randomness across replicas.
  let sequence = 0;
  function newId(at: number): string {
    sequence = (sequence + 1) % 0x1000000;
    return `${at.toString(16).padStart(12, '0')}${sequence.toString(16).padStart(6, '0')}${randomBytes(5).toString('hex')}`;
  }

  async function trimHistory(userId: string): Promise<void> {
    const boundary = await db
      .selectFrom('query_history')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .offset(historyPerUser)
      .limit(1)
      .executeTakeFirst();
    if (boundary) {
      await db
        .deleteFrom('query_history')
        .where('user_id', '=', userId)
        .where('id', '<=', boundary.id)
        .execute();
    }
  }

  function savedFields(input: SavedQueryInput) {
    return {
      name: checkName(input.name),
      description: input.description?.trim() ? input.description.trim().slice(0, 2000) : null,
      sql_text: checkSql(input.sql),
      connection_name: input.connection ?? null,
      group_id: input.group?.id ?? null,
      group_name: input.group?.name ?? null,
    };
  }

  async function nameTaken(ownerId: string, name: string, exceptId?: string): Promise<boolean> {
    let query = db
      .selectFrom('saved_queries')
      .select('id')
      .where('owner_id', '=', ownerId)
      .where('name', '=', name);
    if (exceptId) query = query.where('id', '!=', exceptId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  async function findSaved(id: string): Promise<SavedQuery | undefined> {
    const row = await db.selectFrom('saved_queries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSaved(row);
  }

  return {
    historyPerUser,
    async recordHistory(userId, input) {
      const at = (input.at ?? new Date(now())).getTime();
      const row: QueryHistoryTable = {
        id: newId(at),
        user_id: userId,
        at,
        connection_name: input.connection ?? null,
        database_name: input.database ?? null,
        sql_text: checkSql(input.sql),
        outcome: input.outcome,
        error: input.error === undefined ? null : input.error.slice(0, MAX_ERROR_CHARS),
        row_count: input.rowCount ?? null,
        duration_ms: input.durationMs === undefined ? null : Math.round(input.durationMs),
      };
      await db.insertInto('query_history').values(row).execute();
      await trimHistory(userId);
      return toEntry(row);
    },
    async listHistory(userId, filter = {}) {
      const limit = Math.min(200, Math.max(1, filter.limit ?? 50));
      let query = db.selectFrom('query_history').selectAll().where('user_id', '=', userId);
      if (filter.q?.trim()) {
        query = query.where(
          sql<boolean>`lower(sql_text) like ${containsPattern(filter.q.trim())} escape '\\'`,
        );
      }
      if (filter.connection) query = query.where('connection_name', '=', filter.connection);
      if (filter.cursor) query = query.where('id', '<', filter.cursor);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const entries = rows.slice(0, limit).map(toEntry);
      return rows.length > limit ? { entries, nextCursor: entries.at(-1)!.id } : { entries };
    },
    async deleteHistoryEntry(userId, id) {
      const result = await db
        .deleteFrom('query_history')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async clearHistory(userId) {
      const result = await db.deleteFrom('query_history').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listSaved(userId, groupIds, q) {
      let query = db
        .selectFrom('saved_queries')
        .selectAll()
        .where((eb) =>
          groupIds.length > 0
            ? eb.or([eb('owner_id', '=', userId), eb('group_id', 'in', [...groupIds])])
            : eb('owner_id', '=', userId),
        );
      if (q?.trim()) {
        const pattern = containsPattern(q.trim());
        query = query.where(
          sql<boolean>`(lower(name) like ${pattern} escape '\\' or lower(sql_text) like ${pattern} escape '\\')`,
        );
      }
      const rows = await query.orderBy('name').orderBy('id').execute();
      return rows.map(toSaved);
    },
    findSaved,
    async createSaved(owner, input) {
      const fields = savedFields(input);
      if (await nameTaken(owner.id, fields.name)) {
        throw new AuthStoreError('ALREADY_EXISTS', `You already have a saved query named "${fields.name}".`);
      }
      const count = await db
        .selectFrom('saved_queries')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('owner_id', '=', owner.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= savedPerUser) {
        throw new AuthStoreError(
          'INVALID_INPUT',
          `You have ${savedPerUser} saved queries, the most one user may keep; delete some first.`,
        );
      }
      const at = now();
      const row: SavedQueriesTable = {
        id: newId(at),
        owner_id: owner.id,
        owner_name: owner.name,
        ...fields,
        created_at: at,
        updated_at: at,
      };
      await db.insertInto('saved_queries').values(row).execute();
      return toSaved(row);
    },
    async updateSaved(ownerId, id, input) {
      const fields = savedFields(input);
      if (await nameTaken(ownerId, fields.name, id)) {
        throw new AuthStoreError('ALREADY_EXISTS', `You already have a saved query named "${fields.name}".`);
      }
      const result = await db
        .updateTable('saved_queries')
        .set({ ...fields, updated_at: now() })
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw new AuthStoreError('NOT_FOUND', 'No such saved query of yours.');
      }
      return (await findSaved(id))!;
    },
    async deleteSaved(ownerId, id) {
      const result = await db
        .deleteFrom('saved_queries')
        .where('id', '=', id)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
