import { z } from 'zod';
import type { RouteContract } from './route-contract.js';

const Timestamp = z.string().describe('ISO 8601 timestamp');
const Sql = z.string().min(1).max(100_000);
const ConnectionName = z.string().trim().min(1).max(200);

/** One run of a statement in the SQL console. */
export const QueryHistoryEntrySchema = z.object({
  id: z.string(),
  at: Timestamp,
  sql: z.string(),
  connection: z.string().nullable(),
  database: z.string().nullable(),
  outcome: z.enum(['ok', 'error']),
  /** The error's message when the run failed. */
  error: z.string().nullable(),
  row_count: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
});
export type QueryHistoryEntry = z.infer<typeof QueryHistoryEntrySchema>;

/** Body of `POST /api/v1/queries/history`: what the console records after a run. */
export const RecordQueryHistorySchema = z.strictObject({
  sql: Sql,
  connection: ConnectionName.optional(),
  database: ConnectionName.optional(),
  outcome: z.enum(['ok', 'error']),
  error: z.string().max(10_000).optional(),
  row_count: z.number().int().min(0).optional(),
  duration_ms: z.number().min(0).max(86_400_000).optional(),
});
export type RecordQueryHistory = z.infer<typeof RecordQueryHistorySchema>;

/** Query of `GET /api/v1/queries/history`. */
export const QueryHistoryQuerySchema = z.object({
  /** Case-insensitive text the SQL contains. */
  q: z.string().max(500).optional(),
  connection: ConnectionName.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  /** `next_cursor` of the previous page. */
  cursor: z.string().min(1).max(100).optional(),
});
export type QueryHistoryQuery = z.infer<typeof QueryHistoryQuerySchema>;

/** Answer of `GET /api/v1/queries/history`: newest first. */
export const QueryHistoryListSchema = z.object({
  entries: z.array(QueryHistoryEntrySchema),
  next_cursor: z.string().nullable(),
});
export type QueryHistoryList = z.infer<typeof QueryHistoryListSchema>;

/** A named query: the caller's own, or one shared with a group the caller is in. */
export const SavedQuerySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  sql: z.string(),
  connection: z.string().nullable(),
  owner: z.string().describe("the owner's username"),
  /** Whether the caller owns it (and so may change or delete it). */
  mine: z.boolean(),
  /** The group it is shared with, or null when private. */
  group: z.object({ id: z.string(), name: z.string() }).nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type SavedQuery = z.infer<typeof SavedQuerySchema>;

/** Body of `POST /api/v1/queries/saved` and `PUT /api/v1/queries/saved/{id}`. */
export const SavedQueryInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  sql: Sql,
  connection: ConnectionName.optional(),
  /** Share read-only with this group (one the caller belongs to), by name; omit to keep it private. */
  group: z.string().trim().min(1).max(200).optional(),
});
export type SavedQueryInput = z.infer<typeof SavedQueryInputSchema>;

/** Query of `GET /api/v1/queries/saved`. */
export const SavedQueryListQuerySchema = z.object({
  /** Case-insensitive text the name or SQL contains. */
  q: z.string().max(500).optional(),
});

/** Answer of `GET /api/v1/queries/saved`: by name. */
export const SavedQueryListSchema = z.object({
  queries: z.array(SavedQuerySchema),
  /** The groups the caller may share with. */
  groups: z.array(z.string()),
});
export type SavedQueryList = z.infer<typeof SavedQueryListSchema>;

/** Answer of `DELETE /api/v1/queries/history`. */
export const ClearedQueryHistorySchema = z.object({ deleted: z.number().int() });

/** The SQL console's history and saved queries. */
export const QUERY_ROUTES = {
  listQueryHistory: {
    method: 'get',
    path: '/api/v1/queries/history',
    summary: "The caller's SQL console history, newest first; searchable, by connection, paginated",
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    query: QueryHistoryQuerySchema,
    response: QueryHistoryListSchema,
  },
  recordQueryHistory: {
    method: 'post',
    path: '/api/v1/queries/history',
    summary: 'Record one run of the SQL console (the oldest entries beyond the per-user cap go)',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    body: RecordQueryHistorySchema,
    response: QueryHistoryEntrySchema,
    status: 201,
  },
  clearQueryHistory: {
    method: 'delete',
    path: '/api/v1/queries/history',
    summary: "Delete all of the caller's SQL console history",
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    response: ClearedQueryHistorySchema,
  },
  deleteQueryHistoryEntry: {
    method: 'delete',
    path: '/api/v1/queries/history/{id}',
    summary: 'Delete one history entry',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    status: 204,
  },
  listSavedQueries: {
    method: 'get',
    path: '/api/v1/queries/saved',
    summary: "The caller's saved queries and those shared with the caller's groups, by name",
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    query: SavedQueryListQuerySchema,
    response: SavedQueryListSchema,
  },
  createSavedQuery: {
    method: 'post',
    path: '/api/v1/queries/saved',
    summary: 'Save a named query, optionally shared with one of your groups',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    errors: [409],
    body: SavedQueryInputSchema,
    response: SavedQuerySchema,
    status: 201,
  },
  getSavedQuery: {
    method: 'get',
    path: '/api/v1/queries/saved/{id}',
    summary: 'One saved query (your own or shared with your group)',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    response: SavedQuerySchema,
  },
  updateSavedQuery: {
    method: 'put',
    path: '/api/v1/queries/saved/{id}',
    summary: 'Replace a saved query (owner only)',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    errors: [409],
    body: SavedQueryInputSchema,
    response: SavedQuerySchema,
  },
  deleteSavedQuery: {
    method: 'delete',
    path: '/api/v1/queries/saved/{id}',
    summary: 'Delete a saved query (owner only)',
    tag: 'queries',
    auth: 'user',
    scope: 'queries',
    status: 204,
  },
} as const satisfies Record<string, RouteContract>;
