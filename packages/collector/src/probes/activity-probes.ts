import type { ProbeDefinition } from '../probe.js';
import { gauge } from './columns.js';

// The collector's own sessions are left out of every activity count.
const NOT_US = `pid <> pg_backend_pid() and coalesce(application_name, '') <> 'pgmcp-collector'`;

export const activityByState: ProbeDefinition = {
  name: 'activity_by_state',
  description: 'Client sessions per database and state (active, idle, idle in transaction, ...).',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['database_name', 'object_name'],
  columns: [gauge('sessions', 'sessions', 'Sessions in this state (object_name)')],
  sql: [
    {
      sql: `select coalesce(datname, '') as database_name, coalesce(state, 'unknown') as object_name,
  count(*) as sessions
from pg_stat_activity where backend_type = 'client backend' and ${NOT_US} group by 1, 2`,
    },
  ],
};

export const activityByWaitEvent: ProbeDefinition = {
  name: 'activity_by_wait_event',
  description: 'Active sessions per wait event (object_name = "type:event"; "CPU" when not waiting).',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['database_name', 'object_name'],
  columns: [gauge('sessions', 'sessions', 'Active sessions waiting on this event (object_name)')],
  sql: [
    {
      sql: `select coalesce(datname, '') as database_name,
  coalesce(wait_event_type || ':' || wait_event, 'CPU') as object_name, count(*) as sessions
from pg_stat_activity where state = 'active' and ${NOT_US} group by 1, 2`,
    },
  ],
};

export const connectionUsage: ProbeDefinition = {
  name: 'connection_usage',
  description: 'Connections in use against max_connections (all backend types).',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  columns: [
    gauge('connections', 'connections', 'Client backends'),
    gauge('max_connections', 'connections', 'The max_connections setting'),
    gauge('pct_used', '%', 'Client backends as a share of max_connections less the superuser reserve'),
  ],
  sql: [
    {
      sql: `select count(*) filter (where backend_type = 'client backend') as connections,
  current_setting('max_connections')::int as max_connections,
  round(100.0 * count(*) filter (where backend_type = 'client backend')
    / greatest(current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int, 1), 2)::float8 as pct_used
from pg_stat_activity`,
    },
  ],
};

export const longRunning: ProbeDefinition = {
  name: 'long_running_queries',
  description: 'Statements running longer than 1 minute, per database: how many and the longest.',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['database_name'],
  columns: [
    gauge('count', 'queries', 'Statements running for more than 60 s'),
    gauge('max_duration_s', 's', 'Longest running statement'),
  ],
  sql: [
    {
      sql: `select coalesce(datname, '') as database_name,
  count(*) filter (where now() - query_start > interval '1 minute') as count,
  coalesce(extract(epoch from max(now() - query_start)), 0)::float8 as max_duration_s
from pg_stat_activity where state = 'active' and backend_type = 'client backend' and ${NOT_US}
group by 1`,
    },
  ],
};

export const idleInTransaction: ProbeDefinition = {
  name: 'idle_in_transaction',
  description:
    'Sessions idle inside an open transaction (they hold locks and stop vacuum): how many and the oldest transaction.',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['database_name'],
  columns: [
    gauge('count', 'sessions', 'Sessions idle in transaction'),
    gauge('max_xact_age_s', 's', 'Age of the oldest such transaction'),
  ],
  sql: [
    {
      sql: `select coalesce(datname, '') as database_name, count(*) as count,
  coalesce(extract(epoch from max(now() - xact_start)), 0)::float8 as max_xact_age_s
from pg_stat_activity where state like 'idle in transaction%' and ${NOT_US} group by 1`,
    },
  ],
};

export const locks: ProbeDefinition = {
  name: 'locks',
  description: 'Locks held and awaited, per database and lock mode.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: ['database_name', 'object_name'],
  columns: [
    gauge('granted', 'locks', 'Locks held in this mode (object_name)'),
    gauge('waiting', 'locks', 'Locks awaited in this mode'),
  ],
  sql: [
    {
      sql: `select coalesce(d.datname, '') as database_name, l.mode as object_name,
  count(*) filter (where l.granted) as granted, count(*) filter (where not l.granted) as waiting
from pg_locks l left join pg_database d on d.oid = l.database group by 1, 2`,
    },
  ],
};

export const blocking: ProbeDefinition = {
  name: 'blocking',
  description:
    "Blocking chains: sessions waiting on another session's lock, the sessions blocking them, and the longest wait.",
  intervalS: 30,
  timeoutMs: 5000,
  dims: [],
  columns: [
    gauge('blocked_sessions', 'sessions', 'Sessions waiting on a lock held by another session'),
    gauge('blocking_sessions', 'sessions', 'Sessions holding a lock others wait on'),
    gauge('max_wait_s', 's', 'Longest such wait (since the blocked statement started)'),
  ],
  sql: [
    {
      sql: `with b as (
  select pid, pg_blocking_pids(pid) as blockers, query_start from pg_stat_activity
  where wait_event_type = 'Lock'
)
select count(*) filter (where cardinality(blockers) > 0) as blocked_sessions,
  (select count(distinct x) from b, unnest(b.blockers) x) as blocking_sessions,
  coalesce(extract(epoch from max(now() - query_start) filter (where cardinality(blockers) > 0)), 0)::float8
    as max_wait_s
from b`,
    },
  ],
};

export const preparedTransactions: ProbeDefinition = {
  name: 'prepared_transactions',
  description: 'Two-phase-commit transactions left prepared (they hold locks and xmin).',
  intervalS: 300,
  timeoutMs: 5000,
  dims: [],
  columns: [
    gauge('count', 'transactions', 'Prepared transactions'),
    gauge('max_age_s', 's', 'Age of the oldest'),
  ],
  sql: [
    {
      sql: `select count(*) as count, coalesce(extract(epoch from max(now() - prepared)), 0)::float8 as max_age_s
from pg_prepared_xacts`,
    },
  ],
};

export const vacuumProgress: ProbeDefinition = {
  name: 'vacuum_progress',
  description: 'Running VACUUMs (manual and autovacuum) and how far each got (object_name = pid).',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['database_name', 'table_name', 'object_name'],
  columns: [
    gauge('heap_blks_total', 'blocks', 'Table size in blocks'),
    gauge('heap_blks_scanned', 'blocks', 'Blocks scanned'),
    gauge('heap_blks_vacuumed', 'blocks', 'Blocks vacuumed'),
    gauge('pct_scanned', '%', 'Share scanned'),
  ],
  sql: [
    {
      sql: `select datname as database_name, relid::regclass::text as table_name, pid::text as object_name,
  heap_blks_total, heap_blks_scanned, heap_blks_vacuumed,
  round(100.0 * heap_blks_scanned / greatest(heap_blks_total, 1), 1)::float8 as pct_scanned
from pg_stat_progress_vacuum`,
    },
  ],
};
