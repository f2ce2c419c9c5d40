import type { ProbeDefinition } from '../probe.js';
import { counter, gauge } from './columns.js';

const HOW_TO_ENABLE =
  "add pg_stat_statements to shared_preload_libraries in postgresql.conf (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements in this database";

/** Only the heaviest statements: deltas need the same keys each time, and the datastore stays small. */
const TOP = 100;

const columns = [
  { ...gauge('query', 'text', 'Normalised statement text (first 300 characters)'), sessionText: true },
  counter('calls', 'calls', 'Executions'),
  counter('total_exec_time', 'ms', 'Execution time (ms per second of wall time)'),
  counter('rows', 'rows', 'Rows returned or affected'),
  counter('shared_blks_hit', 'blocks', 'Shared buffer hits'),
  counter('shared_blks_read', 'blocks', 'Shared blocks read'),
  counter('temp_blks_written', 'blocks', 'Temp blocks written'),
  gauge('mean_exec_time', 'ms', 'Mean execution time since the statistics were reset'),
];

const select = (totalTime: string, meanTime: string) => `select d.datname as database_name,
  s.queryid::text as object_name, left(s.query, 300) as query, s.calls, s.${totalTime} as total_exec_time,
  s.rows, s.shared_blks_hit, s.shared_blks_read, s.temp_blks_written, s.${meanTime} as mean_exec_time
from pg_stat_statements s join pg_database d on d.oid = s.dbid
where s.queryid is not null
order by s.${totalTime} desc limit ${TOP}`;

export const statements: ProbeDefinition = {
  name: 'statements',
  description: `The ${TOP} statements with the most total execution time (pg_stat_statements; object_name = queryid): calls, time, rows and blocks per second between snapshots.`,
  intervalS: 60,
  timeoutMs: 10000,
  dims: ['database_name', 'object_name'],
  extension: { name: 'pg_stat_statements', howToEnable: HOW_TO_ENABLE },
  columns,
  sql: [
    // total_exec_time since 13; total_time before.
    { minVersion: 130000, sql: select('total_exec_time', 'mean_exec_time') },
    { sql: select('total_time', 'mean_time') },
  ],
};

export const statementTotals: ProbeDefinition = {
  name: 'statement_totals',
  description:
    'All statements together (pg_stat_statements): calls and execution time per second, per database.',
  intervalS: 60,
  timeoutMs: 10000,
  dims: ['database_name'],
  extension: { name: 'pg_stat_statements', howToEnable: HOW_TO_ENABLE },
  columns: [
    counter('calls', 'calls', 'Executions'),
    counter('total_exec_time', 'ms', 'Execution time'),
    counter('rows', 'rows', 'Rows'),
    gauge('statements', 'statements', 'Distinct statements tracked'),
  ],
  sql: [
    {
      minVersion: 130000,
      sql: `select d.datname as database_name, sum(s.calls) as calls, sum(s.total_exec_time) as total_exec_time,
  sum(s.rows) as rows, count(*) as statements
from pg_stat_statements s join pg_database d on d.oid = s.dbid group by 1`,
    },
    {
      sql: `select d.datname as database_name, sum(s.calls) as calls, sum(s.total_time) as total_exec_time,
  sum(s.rows) as rows, count(*) as statements
from pg_stat_statements s join pg_database d on d.oid = s.dbid group by 1`,
    },
  ],
};
