import type { ProbeDefinition } from '../probe.js';
import { counter, gauge } from './columns.js';

// The largest user tables only: a database with thousands of tables must not flood the datastore.
const TOP_TABLES = 200;

export const tableStats: ProbeDefinition = {
  name: 'table_stats',
  description: `Scans, row changes, live/dead rows and (auto)vacuum/analyze runs of the ${TOP_TABLES} largest tables of the monitored database (pg_stat_user_tables).`,
  intervalS: 300,
  timeoutMs: 10000,
  dims: ['database_name', 'schema_name', 'table_name'],
  columns: [
    counter('seq_scan', 'scans', 'Sequential scans'),
    counter('seq_tup_read', 'rows', 'Rows read by sequential scans'),
    counter('idx_scan', 'scans', 'Index scans'),
    counter('idx_tup_fetch', 'rows', 'Rows fetched by index scans'),
    counter('n_tup_ins', 'rows', 'Rows inserted'),
    counter('n_tup_upd', 'rows', 'Rows updated'),
    counter('n_tup_del', 'rows', 'Rows deleted'),
    counter('n_tup_hot_upd', 'rows', 'Rows HOT-updated'),
    gauge('n_live_tup', 'rows', 'Estimated live rows'),
    gauge('n_dead_tup', 'rows', 'Estimated dead rows'),
    gauge('n_mod_since_analyze', 'rows', 'Rows changed since the last analyze'),
    counter('vacuum_count', 'runs', 'Manual vacuums'),
    counter('autovacuum_count', 'runs', 'Autovacuums'),
    counter('analyze_count', 'runs', 'Manual analyzes'),
    counter('autoanalyze_count', 'runs', 'Autoanalyzes'),
    gauge('since_last_vacuum_s', 's', 'Seconds since the last (auto)vacuum'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, schemaname as schema_name, relname as table_name,
  seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan, coalesce(idx_tup_fetch, 0) as idx_tup_fetch,
  n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, n_live_tup, n_dead_tup, n_mod_since_analyze,
  vacuum_count, autovacuum_count, analyze_count, autoanalyze_count,
  extract(epoch from now() - greatest(last_vacuum, last_autovacuum))::float8 as since_last_vacuum_s
from pg_stat_user_tables order by pg_total_relation_size(relid) desc limit ${TOP_TABLES}`,
    },
  ],
};

export const tableSizes: ProbeDefinition = {
  name: 'table_sizes',
  description: `Size of the ${TOP_TABLES} largest tables: heap, indexes, TOAST and total.`,
  intervalS: 900,
  timeoutMs: 15000,
  dims: ['database_name', 'schema_name', 'table_name'],
  columns: [
    gauge('total_bytes', 'bytes', 'Table with indexes and TOAST'),
    gauge('heap_bytes', 'bytes', 'Main fork'),
    gauge('index_bytes', 'bytes', 'All indexes'),
    gauge('toast_bytes', 'bytes', 'TOAST table and its index'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, n.nspname as schema_name, c.relname as table_name,
  pg_total_relation_size(c.oid) as total_bytes, pg_relation_size(c.oid) as heap_bytes,
  pg_indexes_size(c.oid) as index_bytes,
  coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) as toast_bytes
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg_toast%'
order by pg_total_relation_size(c.oid) desc limit ${TOP_TABLES}`,
    },
  ],
};

export const tableStatio: ProbeDefinition = {
  name: 'table_statio',
  description: `Block reads and buffer hits of the ${TOP_TABLES} busiest tables: heap, indexes, TOAST (pg_statio_user_tables).`,
  intervalS: 300,
  timeoutMs: 10000,
  dims: ['database_name', 'schema_name', 'table_name'],
  columns: [
    counter('heap_blks_read', 'blocks', 'Heap blocks read'),
    counter('heap_blks_hit', 'blocks', 'Heap buffer hits'),
    counter('idx_blks_read', 'blocks', 'Index blocks read'),
    counter('idx_blks_hit', 'blocks', 'Index buffer hits'),
    counter('toast_blks_read', 'blocks', 'TOAST blocks read'),
    counter('toast_blks_hit', 'blocks', 'TOAST buffer hits'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, schemaname as schema_name, relname as table_name,
  heap_blks_read, heap_blks_hit, coalesce(idx_blks_read, 0) as idx_blks_read,
  coalesce(idx_blks_hit, 0) as idx_blks_hit, coalesce(toast_blks_read, 0) as toast_blks_read,
  coalesce(toast_blks_hit, 0) as toast_blks_hit
from pg_statio_user_tables
order by coalesce(heap_blks_read, 0) + coalesce(heap_blks_hit, 0) desc limit ${TOP_TABLES}`,
    },
  ],
};

export const indexStats: ProbeDefinition = {
  name: 'index_stats',
  description:
    'Scans and size of the 300 largest indexes (object_name = index); unused indexes show no scans.',
  intervalS: 900,
  timeoutMs: 10000,
  dims: ['database_name', 'schema_name', 'table_name', 'object_name'],
  columns: [
    counter('idx_scan', 'scans', 'Index scans'),
    counter('idx_tup_read', 'entries', 'Index entries returned'),
    counter('idx_tup_fetch', 'rows', 'Table rows fetched'),
    counter('idx_blks_read', 'blocks', 'Index blocks read'),
    counter('idx_blks_hit', 'blocks', 'Index buffer hits'),
    gauge('size_bytes', 'bytes', 'Index size'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, s.schemaname as schema_name, s.relname as table_name,
  s.indexrelname as object_name, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
  io.idx_blks_read, io.idx_blks_hit, pg_relation_size(s.indexrelid) as size_bytes
from pg_stat_user_indexes s join pg_statio_user_indexes io using (indexrelid)
order by pg_relation_size(s.indexrelid) desc limit 300`,
    },
  ],
};

export const sequences: ProbeDefinition = {
  name: 'sequences',
  description:
    'How much of its range each sequence used (an exhausted sequence stops inserts); the 100 fullest.',
  intervalS: 900,
  timeoutMs: 10000,
  dims: ['database_name', 'schema_name', 'object_name'],
  columns: [
    gauge('last_value', 'values', 'Last value handed out'),
    gauge('pct_used', '%', 'Share of the range used'),
  ],
  sql: [
    {
      sql: `select current_database() as database_name, schemaname as schema_name, sequencename as object_name,
  last_value,
  round(100.0 * (coalesce(last_value, start_value)::numeric - min_value)
    / nullif(max_value::numeric - min_value, 0), 4)::float8 as pct_used
from pg_sequences
where has_sequence_privilege(format('%I.%I', schemaname, sequencename), 'SELECT')
order by 5 desc nulls last limit 100`,
    },
  ],
};
