import type { MonitoringBackend } from './monitoring/monitoring-backend.js';
import { type McpContext, ToolError } from '@pgmcp/mcp-core';
import type { ConnectionInfo, PoolManager } from '@pgmcp/pool-manager';
import type { CompiledCustomItems } from './custom/compile.js';
import type { PgToolsEmbedder } from './dba/semantic/embedder.js';
import type { TypeNameCache } from './executor/run-statement.js';
import type { PgToolGroup } from './tool-groups.js';

/** A caller's rights on one connection. */
export type ConnectionAccess = 'read' | 'read_write';

/** What pg-tools needs from the app's per-request state. */
export interface PgToolsState {
  /**
   * The caller's access to a connection (undefined = none). Omit the function to give every
   * caller full access (single-user and local setups).
   */
  connectionAccess?: (connection: string) => ConnectionAccess | undefined;
  /**
   * Whether the caller may read other sessions' statement text: false (e.g. a non-admin while
   * privacy hides other sessions) makes the guard refuse `pg_stat_activity.query` and the DBA tools
   * show only the caller's own session's text; omitted = true (single-user setups).
   */
  seesOtherSessions?: boolean;
  /**
   * The session's current connection as read when the caller was authenticated (null: none chosen
   * yet), so a tool call need not ask the connection store again; omitted = ask the store.
   */
  currentConnection?: CurrentConnection | null;
}

/** The connection (and database) a session works on. */
export interface CurrentConnection {
  connection: string;
  database?: string;
}

/** Where each session's current connection is kept (in memory, or persisted per token by the app). */
export interface CurrentConnectionStore {
  get(sessionKey: string): Promise<CurrentConnection | undefined>;
  set(sessionKey: string, current: CurrentConnection): Promise<void>;
}

/** A process-local store, enough for a single server or stdio. */
export function createMemoryConnectionStore(): CurrentConnectionStore {
  const current = new Map<string, CurrentConnection>();
  return {
    get: async (sessionKey) => current.get(sessionKey),
    set: async (sessionKey, value) => {
      current.set(sessionKey, value);
    },
  };
}

/** Output limits of the query tools. */
export interface PgToolsLimits {
  /** Rows returned when the caller gives no limit (default 100). */
  defaultLimit: number;
  /** Largest limit a caller may ask for (default 1000). */
  maxLimit: number;
  /** Most row text returned by one call, in bytes (default 1 MiB). */
  maxBytes: number;
}

/** A security-relevant event, logged by the app without the data. */
export interface SecurityEvent {
  kind: 'statement_refused';
  principal: string;
  connection: string;
  tool: string;
  code: string;
  construct: string;
}

/** Built-in tools, resources (by URI) and prompts switched on (true) or off (false) by name. */
export interface PgToolSwitches {
  tools?: Readonly<Record<string, boolean>>;
  resources?: Readonly<Record<string, boolean>>;
  prompts?: Readonly<Record<string, boolean>>;
}

/** Options of {@link registerPgTools}. */
export interface PgToolsOptions {
  pools: PoolManager;
  sessions: CurrentConnectionStore;
  /** The connection used before a session selects one; default: the first the caller may use. */
  defaultConnection?: string;
  limits?: Partial<PgToolsLimits>;
  /** get_schema_info answers with a per-schema summary above this many relations (default 10). */
  schemaSummaryThreshold?: number;
  onSecurityEvent?: (event: SecurityEvent) => void;
  /** Tool groups to leave out entirely (e.g. `['semantic']`); see `PG_TOOL_GROUPS`. */
  disabledGroups?: readonly PgToolGroup[];
  /**
   * Single items switched on or off by name, over their group: `tools: { count_rows: true }` keeps
   * count_rows while the `query` group is off. Resources are named by URI. Unknown names are refused.
   */
  switches?: PgToolSwitches;
  /** Turns text into vectors for generate_embedding and similarity_search (e.g. llm-clients' `createEmbeddingClient`). */
  embeddings?: PgToolsEmbedder;
  /**
   * How a write is confirmed before it runs: `elicit` (default) asks the user through the client
   * when the client declared elicitation and can be asked within the call; `client` and `never`
   * leave it to the client (annotations).
   */
  confirmWrites?: WriteConfirmation;
  /** Custom tools, resources and prompts, checked by `compileCustomItems`. */
  customItems?: CompiledCustomItems;
  /** The metrics datastore and probe catalogue: registers the `monitoring` tools when given. */
  monitoring?: MonitoringBackend;
}

/** How writes are confirmed: see {@link PgToolsOptions.confirmWrites}. */
export type WriteConfirmation = 'elicit' | 'client' | 'never';

/** Everything the tool implementations share. */
export interface PgToolsRuntime {
  pools: PoolManager;
  sessions: CurrentConnectionStore;
  defaultConnection?: string;
  limits: PgToolsLimits;
  schemaSummaryThreshold: number;
  typeNames: TypeNameCache;
  onSecurityEvent: (event: SecurityEvent) => void;
  embeddings?: PgToolsEmbedder;
  confirmWrites: WriteConfirmation;
}

/** A resolved target of one tool call. */
export interface Target {
  info: ConnectionInfo;
  database: string;
  access: ConnectionAccess;
  /** Whether statements may write: the connection allows it and the caller has read_write. */
  writes: boolean;
}

export function accessOf(state: PgToolsState, info: ConnectionInfo): ConnectionAccess | undefined {
  return state.connectionAccess ? state.connectionAccess(info.name) : 'read_write';
}

/** The connections `state` may use, in configuration order. */
export function usableConnections(runtime: PgToolsRuntime, state: PgToolsState): ConnectionInfo[] {
  return runtime.pools.listConnections().filter((info) => accessOf(state, info) !== undefined);
}

function noAccess(runtime: PgToolsRuntime, state: PgToolsState, name: string): ToolError {
  const usable = usableConnections(runtime, state).map((c) => `"${c.name}"`);
  return new ToolError(
    `You cannot use the connection "${name}". ` +
      (usable.length > 0
        ? `Connections you can use: ${usable.join(', ')} (see list_database_connections).`
        : 'You have access to no connection; ask an administrator for one.'),
  );
}

/**
 * Picks the connection of a call: the `connection_id` argument, else the session's current
 * connection, else the default, checking the caller's access.
 */
export async function resolveTarget<S extends PgToolsState>(
  runtime: PgToolsRuntime,
  context: McpContext<S>,
  args: { connection_id?: string | undefined; database_name?: string | undefined },
): Promise<Target> {
  const state = context.state;
  let name = args.connection_id;
  let database = args.database_name;
  /** The session's current connection when it no longer exists (deleted at runtime). */
  let gone: string | undefined;
  if (!name) {
    // The caller's credential may already carry it (read when it was authenticated).
    const current =
      state.currentConnection !== undefined
        ? (state.currentConnection ?? undefined)
        : await runtime.sessions.get(context.sessionKey);
    if (current && runtime.pools.findConnection(current.connection)) {
      name = current.connection;
      database ??= current.database;
    } else if (current) {
      gone = current.connection;
    }
  }
  if (!name) {
    const preferred = runtime.defaultConnection
      ? runtime.pools.findConnection(runtime.defaultConnection)
      : undefined;
    const fallback =
      preferred && accessOf(state, preferred) ? preferred : usableConnections(runtime, state)[0];
    if (!fallback) throw noAccess(runtime, state, runtime.defaultConnection ?? 'default');
    name = fallback.name;
    if (gone !== undefined) {
      // Running on another database without a word could put a statement where it was not meant.
      await runtime.sessions.set(context.sessionKey, { connection: name });
      throw new ToolError(
        `Your current connection "${gone}" no longer exists (an administrator deleted it). Your session now uses the default connection "${name}"; check that it is the database you meant and run the call again, or choose another with select_database_connection.`,
      );
    }
  }
  const info = runtime.pools.findConnection(name);
  if (!info) {
    const known = usableConnections(runtime, state).map((c) => `"${c.name}"`);
    throw new ToolError(
      `There is no connection "${name}". ${known.length > 0 ? `Use one of ${known.join(', ')}.` : ''}`.trim(),
    );
  }
  const access = accessOf(state, info);
  if (!access) throw noAccess(runtime, state, name);
  return {
    info,
    database: database ?? info.database,
    access,
    writes: info.allowWrites && access === 'read_write',
  };
}

/**
 * Whether the guard must refuse reading other sessions' statements for this caller. Tools that
 * show pg_stat_activity.query through their own SQL must honour it too.
 */
export function hidesOtherSessions(state: PgToolsState): boolean {
  return state.seesOtherSessions === false;
}

/** Whether any connection the caller may use lets them write (drives truthful tool annotations). */
export function canWriteSomewhere(runtime: PgToolsRuntime, state: PgToolsState): boolean {
  return usableConnections(runtime, state).some(
    (info) => info.allowWrites && accessOf(state, info) === 'read_write',
  );
}
