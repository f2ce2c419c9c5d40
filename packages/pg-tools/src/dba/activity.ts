import type { McpContext, McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, resolveTarget } from '../context.js';
import { targetArgs } from '../tools/common.js';
import { type CatalogSession, type TextRow, bool, formatSeconds, num, withCatalog } from './catalog.js';

/** One backend as get_active_queries and get_locks report it. */
export interface SessionInfo {
  pid: number;
  user: string | null;
  database: string | null;
  application: string | null;
  client_addr: string | null;
  backend_type: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query_seconds: number | null;
  transaction_seconds: number | null;
  /** Time in the current state (e.g. how long a session has been idle in its transaction). */
  state_seconds: number | null;
  blocked_by: number[];
  /** Statement text (cut); null when hidden from this caller or not visible to the role. */
  query: string | null;
  query_hidden: boolean;
}

// $1 hide other sessions' text, $2 text length. Never our own backend: it is only this tool.
const SESSION_COLUMNS = `
  a.pid, a.usename AS user, a.datname AS database, a.application_name AS application,
  host(a.client_addr) AS client_addr, a.backend_type, a.state, a.wait_event_type, a.wait_event,
  round(extract(epoch FROM clock_timestamp() - a.query_start)::numeric, 3) AS query_seconds,
  round(extract(epoch FROM clock_timestamp() - a.xact_start)::numeric, 3) AS transaction_seconds,
  round(extract(epoch FROM clock_timestamp() - a.state_change)::numeric, 3) AS state_seconds,
  pg_blocking_pids(a.pid) AS blocked_by,
  CASE WHEN $1::boolean THEN NULL ELSE left(a.query, $2::int) END AS query`;

const ACTIVE_SQL = `
SELECT ${SESSION_COLUMNS}
FROM pg_catalog.pg_stat_activity a
WHERE a.pid <> pg_backend_pid()
  AND ($3::boolean OR a.backend_type = 'client backend')
  AND ($4::boolean OR a.state IS DISTINCT FROM 'idle')
  AND coalesce(extract(epoch FROM clock_timestamp() - a.query_start), 0) >= $5::float8
ORDER BY a.query_start NULLS LAST, a.pid`;

const LOCK_SESSIONS_SQL = `
WITH waiting AS (
  SELECT a.pid, pg_blocking_pids(a.pid) AS blockers
  FROM pg_catalog.pg_stat_activity a
  WHERE a.pid <> pg_backend_pid() AND a.wait_event_type = 'Lock'
)
SELECT ${SESSION_COLUMNS}
FROM pg_catalog.pg_stat_activity a
WHERE a.pid <> pg_backend_pid()
  AND (a.pid IN (SELECT pid FROM waiting WHERE cardinality(blockers) > 0)
       OR a.pid IN (SELECT unnest(blockers) FROM waiting))
ORDER BY a.xact_start NULLS LAST, a.pid`;

// What each session waits for or holds: waiting locks always; granted ones on request.
const LOCKS_SQL = `
SELECT l.pid, l.locktype, l.mode, l.granted,
       CASE WHEN c.oid IS NOT NULL THEN n.nspname || '.' || c.relname END AS relation,
       l.transactionid::text AS transactionid, l.virtualxid AS virtualxid,
       d.datname AS database
FROM pg_catalog.pg_locks l
LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_database d ON d.oid = l.database
WHERE l.pid IS DISTINCT FROM pg_backend_pid()
  AND (NOT l.granted OR ($1::boolean AND l.locktype = 'relation' AND n.nspname NOT IN ('pg_catalog', 'information_schema')))
ORDER BY l.granted, l.pid, relation NULLS LAST`;

const HIDDEN_NOTE =
  'Statement text of other sessions is hidden from you (privacy setting); an administrator can see it. State, wait events, durations and blocking are shown.';

function parsePids(value: string | null): number[] {
  if (!value || value === '{}') return [];
  return value
    .replace(/[{}]/g, '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n));
}

function toSession(row: TextRow, hidden: boolean): SessionInfo {
  return {
    pid: Number(row.pid),
    user: row.user ?? null,
    database: row.database ?? null,
    application: row.application || null,
    client_addr: row.client_addr ?? null,
    backend_type: row.backend_type ?? null,
    state: row.state ?? null,
    wait_event_type: row.wait_event_type ?? null,
    wait_event: row.wait_event ?? null,
    query_seconds: num(row.query_seconds),
    transaction_seconds: num(row.transaction_seconds),
    state_seconds: num(row.state_seconds),
    blocked_by: parsePids(row.blocked_by ?? null),
    query: row.query ?? null,
    query_hidden: hidden,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function describeSession(s: SessionInfo): string {
  const who = `${s.user ?? '?'}@${s.database ?? '?'}${s.application ? ` (${s.application})` : ''}`;
  const active = s.state === 'active';
  // An idle session's wait event is only its client's silence, and its statement is the last one.
  const seconds = active ? s.query_seconds : s.state_seconds;
  const timing = [
    s.state ?? s.backend_type ?? 'unknown state',
    seconds !== null ? `for ${formatSeconds(seconds)}` : '',
    s.transaction_seconds !== null && s.transaction_seconds > (seconds ?? 0) + 1
      ? `(transaction open ${formatSeconds(s.transaction_seconds)})`
      : '',
    active && s.wait_event_type ? `waiting on ${s.wait_event_type}/${s.wait_event}` : '',
    s.blocked_by.length > 0 ? `blocked by ${s.blocked_by.join(', ')}` : '',
  ].filter(Boolean);
  const query = s.query_hidden
    ? '[statement hidden]'
    : s.query
      ? `${active ? '' : 'last: '}${oneLine(s.query)}`
      : '[no statement visible]';
  return `pid ${s.pid} ${who}: ${timing.join(', ')} — ${query}`;
}

function hidesText(state: PgToolsState): boolean {
  return state.seesOtherSessions === false;
}

const limitArg = z.number().int().min(1).max(500).default(50).describe('Most sessions to list (default 50).');
const queryLengthArg = z
  .number()
  .int()
  .min(20)
  .max(10_000)
  .default(500)
  .describe('Cut statement text after this many characters (default 500).');

/** Builds "A blocks B blocks C" trees from sessions' blocked_by lists, roots first. */
export function blockingChains(sessions: readonly SessionInfo[]): string[] {
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const children = new Map<number, number[]>();
  for (const s of sessions) {
    for (const blocker of s.blocked_by) children.set(blocker, [...(children.get(blocker) ?? []), s.pid]);
  }
  const roots = [...children.keys()].filter((pid) => (byPid.get(pid)?.blocked_by.length ?? 0) === 0);
  // Deadlock-free cycles cannot persist, but a snapshot can catch one mid-detection: start anywhere.
  if (roots.length === 0 && children.size > 0) roots.push(Math.min(...children.keys()));
  const lines: string[] = [];
  const seen = new Set<number>();
  const walk = (pid: number, depth: number) => {
    const s = byPid.get(pid);
    const label = s ? describeSession(s) : `pid ${pid} (not visible to this role)`;
    lines.push(`${'  '.repeat(depth)}${depth === 0 ? '' : '└ '}${label}`);
    if (seen.has(pid)) return;
    seen.add(pid);
    for (const child of children.get(pid) ?? []) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines;
}

async function loadSessions(
  session: CatalogSession,
  sql: string,
  params: unknown[],
  limit: number,
  hidden: boolean,
): Promise<{ sessions: SessionInfo[]; truncated: boolean }> {
  const { rows, truncated } = await session.rows(sql, params, limit);
  return { sessions: rows.map((row) => toSession(row, hidden)), truncated };
}

/** Registers `get_active_queries` and `get_locks`. */
export function registerActivityTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'get_active_queries',
    title: 'Show running statements',
    description: `List what the database server is doing right now: each session's state, how long its statement and transaction have run, what it waits on, which sessions block it, and the statement (cut).

Use it for "what is running / stuck / slow right now?". Then get_locks for blocking chains, or execute_explain on a slow statement. Sessions of the whole server are listed (not only this database); idle sessions are left out unless include_idle.

Example: {"min_duration_seconds": 5}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      min_duration_seconds: z
        .number()
        .min(0)
        .default(0)
        .describe('Only statements running at least this long (default 0).'),
      include_idle: z.boolean().default(false).describe('Also list idle sessions.'),
      include_system: z
        .boolean()
        .default(false)
        .describe('Also list background workers (autovacuum, WAL writer, ...).'),
      limit: limitArg,
      max_query_length: queryLengthArg,
      ...targetArgs,
    }),
    handler: async (args, context: McpContext<S>) => {
      const target = await resolveTarget(runtime, context, args);
      const hidden = hidesText(context.state);
      const { sessions, truncated } = await withCatalog(
        runtime,
        context,
        { ...target, writes: false },
        (session) =>
          loadSessions(
            session,
            ACTIVE_SQL,
            [
              hidden,
              args.max_query_length,
              args.include_system,
              args.include_idle,
              args.min_duration_seconds,
            ],
            args.limit,
            hidden,
          ),
      );
      const waiting = sessions.filter((s) => s.blocked_by.length > 0).length;
      const lines =
        sessions.length === 0
          ? [
              `No ${args.include_idle ? '' : 'non-idle '}sessions${args.min_duration_seconds > 0 ? ` running for ${args.min_duration_seconds} s or more` : ''} besides this one.`,
            ]
          : [
              `${sessions.length}${truncated ? '+' : ''} sessions${waiting > 0 ? `, ${waiting} blocked by others (see get_locks)` : ''}, oldest statement first:`,
              ...sessions.map((s) => `- ${describeSession(s)}`),
              ...(truncated ? [`(only the first ${args.limit}; raise limit or min_duration_seconds)`] : []),
            ];
      if (hidden) lines.push(HIDDEN_NOTE);
      return {
        content: [{ type: 'text', text: lines.join('\n') }],
        structuredContent: { sessions, count: sessions.length, truncated, query_text_hidden: hidden },
      };
    },
  });

  registry.addTool({
    name: 'get_locks',
    title: 'Show lock waits and blocking chains',
    description: `Show who blocks whom: sessions waiting for locks, the sessions holding them (as chains, root blockers first), and the locks waited for (relation, mode).

Use it when statements hang or get_active_queries shows lock waits. The fix is usually to finish or cancel the root blocker (often an idle transaction); pgmcp never cancels sessions itself. include_granted also lists table locks held by other sessions.

Example: {} or {"include_granted": true}`,
    annotations: { readOnlyHint: true, openWorldHint: false },
    input: z.object({
      include_granted: z
        .boolean()
        .default(false)
        .describe('Also list table locks other sessions hold without anyone waiting.'),
      limit: limitArg,
      max_query_length: queryLengthArg,
      ...targetArgs,
    }),
    handler: async (args, context: McpContext<S>) => {
      const target = await resolveTarget(runtime, context, args);
      const hidden = hidesText(context.state);
      const { sessions, truncated, locks } = await withCatalog(
        runtime,
        context,
        { ...target, writes: false },
        async (session) => {
          const loaded = await loadSessions(
            session,
            LOCK_SESSIONS_SQL,
            [hidden, args.max_query_length],
            args.limit,
            hidden,
          );
          const lockRows = await session.rows(LOCKS_SQL, [args.include_granted], args.limit * 4);
          return { ...loaded, locks: lockRows.rows };
        },
      );
      const lockList = locks.map((l) => ({
        pid: Number(l.pid),
        locktype: l.locktype,
        mode: l.mode,
        granted: bool(l.granted),
        relation: l.relation,
        ...(l.transactionid ? { transactionid: l.transactionid } : {}),
        ...(l.database ? { database: l.database } : {}),
      }));
      const chains = blockingChains(sessions);
      const waits = lockList.filter((l) => !l.granted);
      const lines: string[] = [];
      if (chains.length === 0) {
        lines.push('No session is waiting for a lock held by another session.');
      } else {
        lines.push('Blocking chains (root blocker first; each indented session waits for the one above):');
        lines.push(...chains);
        const roots = sessions.filter((s) => s.blocked_by.length === 0);
        if (roots.some((s) => s.state?.startsWith('idle in transaction'))) {
          lines.push(
            'A root blocker is idle in a transaction: it holds its locks until its client commits or rolls back. An administrator can end it with pg_terminate_backend(pid).',
          );
        }
      }
      if (waits.length > 0) {
        lines.push(
          'Lock waits:',
          ...waits.map(
            (l) =>
              `- pid ${l.pid} waits for ${l.mode} on ${l.relation ?? (l.transactionid ? `transaction ${l.transactionid}` : l.locktype)}`,
          ),
        );
      }
      const held = lockList.filter((l) => l.granted);
      if (args.include_granted) {
        lines.push(
          held.length === 0
            ? 'No other session holds table locks.'
            : `Table locks held:\n${held.map((l) => `- pid ${l.pid} holds ${l.mode} on ${l.relation}`).join('\n')}`,
        );
      }
      if (truncated) lines.push(`(only the first ${args.limit} sessions; raise limit)`);
      if (hidden) lines.push(HIDDEN_NOTE);
      return {
        content: [{ type: 'text', text: lines.join('\n') }],
        structuredContent: {
          blocking_sessions: sessions,
          chains,
          locks: lockList,
          truncated,
          query_text_hidden: hidden,
        },
      };
    },
  });
}
