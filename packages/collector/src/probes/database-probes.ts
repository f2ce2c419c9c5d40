import type { ProbeDefinition } from '../probe.js';
import { counter, gauge } from './columns.js';

const V14 = 140000;
const V16 = 160000;

export const databaseStats: ProbeDefinition = {
  name: 'database_stats',
  description:
    'Per-database activity from pg_stat_database: transactions, block reads and hits, rows, temp files, deadlocks, conflicts, sessions.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: ['database_name'],
  minVersion: V14,
  columns: [
    gauge('numbackends', 'connections', 'Backends connected to the database'),
    counter('xact_commit', 'transactions', 'Committed transactions'),
    counter('xact_rollback', 'transactions', 'Rolled back transactions'),
    counter('blks_read', 'blocks', 'Blocks read from disk (or the OS cache)'),
    counter('blks_hit', 'blocks', 'Blocks found in shared buffers'),
    counter('tup_returned', 'rows', 'Rows returned by sequential and index scans'),
    counter('tup_fetched', 'rows', 'Rows fetched by index scans'),
    counter('tup_inserted', 'rows', 'Rows inserted'),
    counter('tup_updated', 'rows', 'Rows updated'),
    counter('tup_deleted', 'rows', 'Rows deleted'),
    counter('temp_files', 'files', 'Temporary files created by queries'),
    counter('temp_bytes', 'bytes', 'Bytes written to temporary files'),
    counter('deadlocks', 'deadlocks', 'Deadlocks detected'),
    counter('conflicts', 'queries', 'Queries cancelled by recovery conflicts (standbys)'),
    counter('checksum_failures', 'failures', 'Data page checksum failures'),
    counter('sessions', 'sessions', 'Sessions established'),
    counter('sessions_abandoned', 'sessions', 'Sessions ended by the client disconnecting'),
    counter('sessions_fatal', 'sessions', 'Sessions ended by fatal errors'),
    counter('sessions_killed', 'sessions', 'Sessions terminated by an operator'),
    counter('active_time', 'ms', 'Time spent executing statements'),
    counter('idle_in_transaction_time', 'ms', 'Time spent idle in a transaction'),
  ],
  sql: [
    {
      sql: `select datname as database_name, numbackends, xact_commit, xact_rollback, blks_read, blks_hit,
  tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, temp_files, temp_bytes, deadlocks,
  conflicts, coalesce(checksum_failures, 0) as checksum_failures, sessions, sessions_abandoned,
  sessions_fatal, sessions_killed, active_time, idle_in_transaction_time
from pg_stat_database where datname is not null`,
    },
  ],
};

export const databaseConflicts: ProbeDefinition = {
  name: 'database_conflicts',
  description: 'Queries cancelled on a standby by recovery conflicts, by cause (pg_stat_database_conflicts).',
  intervalS: 60,
  timeoutMs: 5000,
  dims: ['database_name'],
  columns: [
    counter('confl_tablespace', 'queries', 'Cancelled by dropped tablespaces'),
    counter('confl_lock', 'queries', 'Cancelled by lock timeouts'),
    counter('confl_snapshot', 'queries', 'Cancelled by old snapshots'),
    counter('confl_bufferpin', 'queries', 'Cancelled by pinned buffers'),
    counter('confl_deadlock', 'queries', 'Cancelled by deadlocks'),
    counter('confl_active_logicalslot', 'queries', 'Cancelled by logical slots (PostgreSQL 16+)'),
  ],
  sql: [
    {
      minVersion: V16,
      sql: `select datname as database_name, confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin,
  confl_deadlock, confl_active_logicalslot from pg_stat_database_conflicts`,
    },
    {
      sql: `select datname as database_name, confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin,
  confl_deadlock from pg_stat_database_conflicts`,
    },
  ],
};

export const databaseSizes: ProbeDefinition = {
  name: 'database_sizes',
  description: 'Size on disk of each database the collector may connect to.',
  intervalS: 300,
  timeoutMs: 10000,
  dims: ['database_name'],
  columns: [gauge('size_bytes', 'bytes', 'pg_database_size')],
  sql: [
    {
      sql: `select datname as database_name, pg_database_size(oid) as size_bytes from pg_database
where datallowconn and has_database_privilege(oid, 'CONNECT')`,
    },
  ],
};

export const xidAge: ProbeDefinition = {
  name: 'xid_age',
  description:
    'Transaction ID and multixact age per database: how close each is to wraparound (anti-wraparound vacuum needed near 100 %).',
  intervalS: 300,
  timeoutMs: 5000,
  dims: ['database_name'],
  columns: [
    gauge('xid_age', 'transactions', 'age(datfrozenxid)'),
    gauge('mxid_age', 'multixacts', 'mxid_age(datminmxid)'),
    gauge('pct_towards_wraparound', '%', 'xid age as a share of the 2^31 limit'),
    gauge('pct_towards_emergency_autovacuum', '%', 'xid age as a share of autovacuum_freeze_max_age'),
  ],
  sql: [
    {
      sql: `select datname as database_name, age(datfrozenxid) as xid_age, mxid_age(datminmxid) as mxid_age,
  round(100.0 * age(datfrozenxid) / 2147483647, 3)::float8 as pct_towards_wraparound,
  round(100.0 * age(datfrozenxid) / current_setting('autovacuum_freeze_max_age')::numeric, 3)::float8
    as pct_towards_emergency_autovacuum
from pg_database where datallowconn`,
    },
  ],
};
