import type { ProbeDefinition } from '../probe.js';
import { counter, gauge } from './columns.js';

const V16 = 160000;
const V17 = 170000;

export const bgwriter: ProbeDefinition = {
  name: 'bgwriter',
  description:
    'Background writer: buffers it cleaned, times it stopped for writing too many, buffers allocated.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  columns: [
    counter('buffers_clean', 'buffers', 'Buffers written by the background writer'),
    counter('maxwritten_clean', 'stops', 'Rounds stopped at bgwriter_lru_maxpages'),
    counter('buffers_alloc', 'buffers', 'Buffers allocated'),
  ],
  sql: [{ sql: 'select buffers_clean, maxwritten_clean, buffers_alloc from pg_stat_bgwriter' }],
};

const CHECKPOINT_COLUMNS = [
  counter('checkpoints_timed', 'checkpoints', 'Scheduled checkpoints (checkpoint_timeout)'),
  counter('checkpoints_requested', 'checkpoints', 'Requested checkpoints (max_wal_size reached, CHECKPOINT)'),
  counter('write_time', 'ms', 'Time writing checkpoint buffers'),
  counter('sync_time', 'ms', 'Time syncing checkpoint files'),
  counter('buffers_written', 'buffers', 'Buffers written by checkpoints'),
];

export const checkpointer: ProbeDefinition = {
  name: 'checkpointer',
  description:
    'Checkpoints: timed vs requested (many requested ones mean max_wal_size is small), write and sync time, buffers written. pg_stat_checkpointer from PostgreSQL 17, pg_stat_bgwriter before.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  columns: CHECKPOINT_COLUMNS,
  sql: [
    {
      minVersion: V17,
      sql: `select num_timed as checkpoints_timed, num_requested as checkpoints_requested, write_time, sync_time,
  buffers_written from pg_stat_checkpointer`,
    },
    {
      sql: `select checkpoints_timed, checkpoints_req as checkpoints_requested, checkpoint_write_time as write_time,
  checkpoint_sync_time as sync_time, buffers_checkpoint as buffers_written from pg_stat_bgwriter`,
    },
  ],
};

export const wal: ProbeDefinition = {
  name: 'wal',
  description:
    'WAL generation (pg_stat_wal): records, full-page images, bytes, and waits for full WAL buffers.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  minVersion: 140000,
  columns: [
    counter('wal_records', 'records', 'WAL records'),
    counter('wal_fpi', 'pages', 'Full-page images'),
    counter('wal_bytes', 'bytes', 'WAL bytes'),
    counter('wal_buffers_full', 'events', 'Times WAL was written because the buffers were full'),
  ],
  sql: [
    { sql: 'select wal_records, wal_fpi, wal_bytes::float8 as wal_bytes, wal_buffers_full from pg_stat_wal' },
  ],
};

export const walPosition: ProbeDefinition = {
  name: 'wal_position',
  description:
    'The WAL position as a byte counter (the WAL write rate, also on servers without pg_stat_wal) and whether the server is a standby.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  columns: [
    counter('wal_lsn_bytes', 'bytes', 'WAL written (primary) or replayed (standby)'),
    gauge('in_recovery', 'boolean', '1 on a standby'),
  ],
  sql: [
    {
      sql: `select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end
    - '0/0'::pg_lsn)::float8 as wal_lsn_bytes, pg_is_in_recovery()::int as in_recovery`,
    },
  ],
};

export const io: ProbeDefinition = {
  name: 'io',
  description:
    'I/O by backend type, object and context (pg_stat_io, PostgreSQL 16+; object_name = "backend_type/object/context").',
  intervalS: 60,
  timeoutMs: 5000,
  dims: ['object_name'],
  minVersion: V16,
  columns: [
    counter('reads', 'operations', 'Read operations'),
    counter('writes', 'operations', 'Write operations'),
    counter('extends', 'operations', 'Relation extends'),
    counter('hits', 'buffers', 'Shared buffer hits'),
    counter('evictions', 'buffers', 'Buffers evicted'),
    counter('fsyncs', 'operations', 'fsync calls'),
  ],
  sql: [
    {
      sql: `select backend_type || '/' || object || '/' || context as object_name, coalesce(reads, 0) as reads,
  coalesce(writes, 0) as writes, coalesce(extends, 0) as extends, coalesce(hits, 0) as hits,
  coalesce(evictions, 0) as evictions, coalesce(fsyncs, 0) as fsyncs
from pg_stat_io where coalesce(reads, 0) + coalesce(writes, 0) + coalesce(extends, 0) + coalesce(hits, 0) > 0`,
    },
  ],
};

export const replication: ProbeDefinition = {
  name: 'replication',
  description:
    'Streaming replicas of this server (pg_stat_replication; object_name = application_name@client): lag in bytes and seconds.',
  intervalS: 30,
  timeoutMs: 5000,
  dims: ['object_name'],
  columns: [
    gauge('sent_lag_bytes', 'bytes', 'WAL not yet sent'),
    gauge('replay_lag_bytes', 'bytes', 'WAL not yet replayed on the replica'),
    gauge('write_lag_s', 's', 'write_lag'),
    gauge('flush_lag_s', 's', 'flush_lag'),
    gauge('replay_lag_s', 's', 'replay_lag'),
    gauge('streaming', 'boolean', '1 while streaming'),
  ],
  sql: [
    {
      sql: `select application_name || '@' || coalesce(client_addr::text, 'local') as object_name,
  (pg_current_wal_lsn() - sent_lsn)::float8 as sent_lag_bytes,
  (pg_current_wal_lsn() - replay_lsn)::float8 as replay_lag_bytes,
  coalesce(extract(epoch from write_lag), 0)::float8 as write_lag_s,
  coalesce(extract(epoch from flush_lag), 0)::float8 as flush_lag_s,
  coalesce(extract(epoch from replay_lag), 0)::float8 as replay_lag_s,
  (state = 'streaming')::int as streaming
from pg_stat_replication where not pg_is_in_recovery()`,
    },
  ],
};

export const replicationSlots: ProbeDefinition = {
  name: 'replication_slots',
  description:
    'Replication slots (object_name = slot): active or not, and WAL they hold back (an inactive slot fills the disk).',
  intervalS: 60,
  timeoutMs: 5000,
  dims: ['database_name', 'object_name'],
  columns: [
    gauge('active', 'boolean', '1 when a consumer is connected'),
    gauge('retained_wal_bytes', 'bytes', 'WAL kept for this slot'),
  ],
  sql: [
    {
      sql: `select coalesce(database, '') as database_name, slot_name as object_name, active::int as active,
  ((case when pg_is_in_recovery() then pg_last_wal_receive_lsn() else pg_current_wal_lsn() end)
    - restart_lsn)::float8 as retained_wal_bytes
from pg_replication_slots`,
    },
  ],
};

export const archiver: ProbeDefinition = {
  name: 'archiver',
  description: 'WAL archiving (pg_stat_archiver): archived and failed segments, time since the last success.',
  intervalS: 60,
  timeoutMs: 5000,
  dims: [],
  columns: [
    counter('archived_count', 'segments', 'Segments archived'),
    counter('failed_count', 'attempts', 'Failed archive attempts'),
    gauge('since_last_archived_s', 's', 'Seconds since the last archived segment'),
  ],
  sql: [
    {
      sql: `select archived_count, failed_count,
  extract(epoch from now() - last_archived_time)::float8 as since_last_archived_s from pg_stat_archiver`,
    },
  ],
};

export const serverInfo: ProbeDefinition = {
  name: 'server_info',
  description: 'Server uptime, version and recovery state (a drop in uptime is a restart).',
  intervalS: 300,
  timeoutMs: 5000,
  dims: [],
  columns: [
    gauge('uptime_s', 's', 'Seconds since the postmaster started'),
    gauge('version_num', 'version', 'server_version_num'),
    gauge('in_recovery', 'boolean', '1 on a standby'),
  ],
  sql: [
    {
      sql: `select extract(epoch from now() - pg_postmaster_start_time())::float8 as uptime_s,
  current_setting('server_version_num')::int as version_num, pg_is_in_recovery()::int as in_recovery`,
    },
  ],
};

export const settings: ProbeDefinition = {
  name: 'settings',
  description:
    'Settings not at their default (object_name = name, value as text): changes show when a value differs between snapshots; pending_restart = 1 when a change waits for a restart.',
  intervalS: 900,
  timeoutMs: 5000,
  dims: ['object_name'],
  columns: [
    gauge('value', 'text', 'Current value (with its unit)'),
    gauge('pending_restart', 'boolean', '1 when changed in the file but not applied until a restart'),
  ],
  sql: [
    {
      sql: `select name as object_name, setting || coalesce(unit, '') as value, pending_restart::int as pending_restart
from pg_settings where source not in ('default', 'override', 'client', 'session')`,
    },
  ],
};

export const hbaRules: ProbeDefinition = {
  name: 'hba_rules',
  description:
    'pg_hba.conf as loaded: rule count, rules with errors and a checksum that changes when the rules change (pg_hba_file_rules: superuser only unless granted; skipped with the reason otherwise).',
  intervalS: 900,
  timeoutMs: 5000,
  dims: [],
  privilege: 'superuser, or SELECT on pg_hba_file_rules',
  columns: [
    gauge('rules', 'rules', 'Rules in the file'),
    gauge('errors', 'rules', 'Rules that failed to parse'),
    gauge('checksum', 'text', 'md5 of the rules; a new value means the file changed'),
  ],
  sql: [
    {
      sql: `select count(*) as rules, count(*) filter (where error is not null) as errors,
  md5(coalesce(string_agg(concat_ws(' ', type, database::text, user_name::text, address, netmask, auth_method,
    options::text), E'\\n' order by line_number), '')) as checksum
from pg_hba_file_rules`,
    },
  ],
};

export const extensions: ProbeDefinition = {
  name: 'extensions',
  description: 'Extensions installed in the monitored database (object_name = extension, value = version).',
  intervalS: 900,
  timeoutMs: 5000,
  dims: ['database_name', 'object_name'],
  columns: [
    gauge('version', 'text', 'Installed version'),
    gauge('update_available', 'boolean', '1 when a newer version is available'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, e.extname as object_name, e.extversion as version,
  (a.default_version is distinct from e.extversion)::int as update_available
from pg_extension e left join pg_available_extensions a on a.name = e.extname`,
    },
  ],
};
