import { bool, formatBytes, num, quoteIdent, quoteLiteral } from '../catalog.js';
import {
  type HealthCheck,
  type HealthFinding,
  MAX_FINDINGS_PER_CHECK,
  SYSTEM_SCHEMAS_SQL,
} from './health-check.js';

const XID_LIMIT = 2 ** 31;

/** Severity of a transaction-ID age: PostgreSQL stops accepting writes near 2^31. */
function ageSeverity(age: number, freezeMaxAge: number): 'critical' | 'warning' | undefined {
  if (age >= XID_LIMIT * 0.5) return 'critical';
  if (age >= Math.max(freezeMaxAge * 1.5, XID_LIMIT * 0.1)) return 'warning';
  return undefined;
}

/** Transaction-ID and multixact ages of every database, against the wraparound limit. */
export const wraparound: HealthCheck = {
  name: 'wraparound',
  title: 'transaction-ID and multixact wraparound age',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT d.datname AS name, age(d.datfrozenxid) AS xid_age, mxid_age(d.datminmxid) AS mxid_age,
              current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
              current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max_age,
              (SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE d.datname = current_database() AND c.relkind IN ('r', 'm', 't')
                 ORDER BY age(c.relfrozenxid) DESC LIMIT 1) AS oldest_table
       FROM pg_catalog.pg_database d
       WHERE d.datallowconn
       ORDER BY age(d.datfrozenxid) DESC`,
    );
    const findings: HealthFinding[] = [];
    for (const r of rows) {
      const xidAge = num(r.xid_age) ?? 0;
      const mxidAge = num(r.mxid_age) ?? 0;
      const xid = ageSeverity(xidAge, num(r.freeze_max_age) ?? 200_000_000);
      const mxid = ageSeverity(mxidAge, num(r.mxid_freeze_max_age) ?? 400_000_000);
      const severity = xid === 'critical' || mxid === 'critical' ? 'critical' : (xid ?? mxid);
      if (!severity) continue;
      const percent = Math.round((Math.max(xidAge, mxidAge) / XID_LIMIT) * 1000) / 10;
      findings.push({
        check: 'wraparound',
        severity,
        object: `database ${r.name}`,
        message: `Database ${r.name} is ${percent}% of the way to ${xidAge >= mxidAge ? 'transaction-ID' : 'multixact'} wraparound (PostgreSQL stops accepting writes there); autovacuum's freezing is falling behind.`,
        evidence: { xid_age: xidAge, multixact_age: mxidAge, limit: XID_LIMIT, oldest_table: r.oldest_table },
        fix_sql:
          `-- connected to ${r.name}: freeze the oldest tables first, e.g.\n` +
          `VACUUM (FREEZE, VERBOSE) ${r.oldest_table ?? '<table>'};\n` +
          '-- and look for what holds back the xmin horizon: long transactions, prepared transactions, stale replication slots.',
      });
    }
    return findings;
  },
};

/** Sequences (and the integer columns they feed) close to their maximum. */
export const sequenceLimits: HealthCheck = {
  name: 'sequences',
  title: 'sequences near their limit',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT s.schemaname AS schema, s.sequencename AS name, s.last_value, s.max_value, s.min_value, s.increment_by,
              s.data_type::text AS data_type, s.cycle,
              col.table_name, col.column_name, col.column_type
       FROM pg_catalog.pg_sequences s
       JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname
       LEFT JOIN LATERAL (
         SELECT tn.nspname || '.' || t.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS column_type
         FROM pg_catalog.pg_class sc
         JOIN pg_catalog.pg_depend dep ON dep.objid = sc.oid AND dep.classid = 'pg_catalog.pg_class'::regclass
              AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.deptype IN ('a', 'i')
         JOIN pg_catalog.pg_class t ON t.oid = dep.refobjid
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
         JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = dep.refobjsubid
         WHERE sc.relname = s.sequencename AND sc.relnamespace = n.oid
         LIMIT 1
       ) col ON true
       WHERE s.last_value IS NOT NULL AND NOT s.cycle AND ${SYSTEM_SCHEMAS_SQL}`,
    );
    const findings: HealthFinding[] = [];
    const columnMax: Record<string, number> = { smallint: 32767, integer: 2147483647 };
    for (const r of rows) {
      const last = num(r.last_value) ?? 0;
      const ascending = (num(r.increment_by) ?? 1) > 0;
      const seqLimit = (ascending ? num(r.max_value) : num(r.min_value)) ?? 0;
      const colLimit = r.column_type ? columnMax[r.column_type] : undefined;
      // A bigint sequence feeding an integer column overflows the column first.
      const limit = ascending && colLimit !== undefined ? Math.min(seqLimit, colLimit) : seqLimit;
      const start = ascending ? (num(r.min_value) ?? 1) : (num(r.max_value) ?? -1);
      const used = (last - start) / Math.max(1, limit - start);
      if (!(used >= 0.75)) continue;
      const limitedByColumn = limit !== seqLimit;
      findings.push({
        check: 'sequences',
        severity: used >= 0.9 ? 'critical' : 'warning',
        object: `sequence ${r.schema}.${r.name}`,
        message:
          `Sequence ${r.schema}.${r.name} has used ${Math.round(used * 1000) / 10}% of its range (${last.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')})` +
          (limitedByColumn
            ? `, limited by the ${r.column_type} column ${r.table_name}.${r.column_name}`
            : '') +
          '; inserts fail once it runs out.',
        evidence: {
          last_value: last,
          limit,
          used_ratio: Math.round(used * 1000) / 1000,
          data_type: r.data_type,
          column: r.table_name ? `${r.table_name}.${r.column_name}` : null,
          column_type: r.column_type,
        },
        fix_sql:
          r.table_name && r.column_name && r.column_type !== 'bigint'
            ? `ALTER TABLE ${r.table_name.split('.').map(quoteIdent).join('.')} ALTER COLUMN ${quoteIdent(r.column_name)} TYPE bigint;  -- rewrites the table: plan a window\nALTER SEQUENCE ${quoteIdent(r.schema ?? '')}.${quoteIdent(r.name ?? '')} AS bigint MAXVALUE 9223372036854775807;`
            : `ALTER SEQUENCE ${quoteIdent(r.schema ?? '')}.${quoteIdent(r.name ?? '')} AS bigint MAXVALUE 9223372036854775807;`,
      });
    }
    return findings.slice(0, MAX_FINDINGS_PER_CHECK);
  },
};

/** Connections in use against max_connections, and sessions idle inside a transaction. */
export const connectionUsage: HealthCheck = {
  name: 'connections',
  title: 'connection usage and idle transactions',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend') AS used,
              current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int AS reserved,
              (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE state LIKE 'idle in transaction%'
                 AND state_change < now() - interval '5 minutes') AS idle_in_tx,
              (SELECT max(round(extract(epoch FROM now() - state_change))) FROM pg_catalog.pg_stat_activity
                 WHERE state LIKE 'idle in transaction%') AS longest_idle_in_tx_s`,
    );
    const r = rows[0] ?? {};
    const findings: HealthFinding[] = [];
    const used = num(r.used) ?? 0;
    const available = Math.max(1, (num(r.max) ?? 100) - (num(r.reserved) ?? 3));
    const ratio = used / available;
    if (ratio >= 0.75) {
      findings.push({
        check: 'connections',
        severity: ratio >= 0.9 ? 'critical' : 'warning',
        object: 'server',
        message: `${used} of ${available} connection slots are in use (${Math.round(ratio * 100)}%); new connections fail when none is left.`,
        evidence: {
          connections: used,
          max_connections: num(r.max),
          superuser_reserved: num(r.reserved),
          used_ratio: Math.round(ratio * 100) / 100,
        },
        fix_sql:
          '-- Put a connection pooler (PgBouncer) in front, lower application pool sizes, or raise max_connections (needs a restart):\nALTER SYSTEM SET max_connections = <n>;',
      });
    }
    const idle = num(r.idle_in_tx) ?? 0;
    if (idle > 0) {
      findings.push({
        check: 'connections',
        severity: 'warning',
        object: 'server',
        message: `${idle} sessions have been idle inside a transaction for over 5 minutes (longest ${r.longest_idle_in_tx_s} s): they hold locks and stop vacuum from cleaning up.`,
        evidence: { idle_in_transaction_over_5_min: idle, longest_seconds: num(r.longest_idle_in_tx_s) },
        fix_sql:
          '-- see them with get_active_queries {"include_idle": true}; then fix the client, or:\nALTER SYSTEM SET idle_in_transaction_session_timeout = \'10min\'; SELECT pg_reload_conf();',
      });
    }
    return findings;
  },
};

/** Buffer cache hit ratio of this database (tables) and of its indexes, once there is enough traffic to judge. */
export const cacheHitRatio: HealthCheck = {
  name: 'cache_hit',
  title: 'cache hit ratios',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT (SELECT sum(heap_blks_hit) FROM pg_catalog.pg_statio_user_tables) AS heap_hit,
              (SELECT sum(heap_blks_read) FROM pg_catalog.pg_statio_user_tables) AS heap_read,
              (SELECT sum(idx_blks_hit) FROM pg_catalog.pg_statio_user_indexes) AS idx_hit,
              (SELECT sum(idx_blks_read) FROM pg_catalog.pg_statio_user_indexes) AS idx_read,
              current_setting('shared_buffers') AS shared_buffers`,
    );
    const r = rows[0] ?? {};
    const findings: HealthFinding[] = [];
    for (const [kind, hit, read] of [
      ['table', num(r.heap_hit) ?? 0, num(r.heap_read) ?? 0],
      ['index', num(r.idx_hit) ?? 0, num(r.idx_read) ?? 0],
    ] as const) {
      const total = hit + read;
      // Below ~100k block requests a cold cache says nothing about the working set.
      if (total < 100_000) continue;
      const ratio = hit / total;
      if (ratio >= 0.95) continue;
      findings.push({
        check: 'cache_hit',
        severity: ratio < 0.8 ? 'warning' : 'info',
        object: `database (${kind} blocks)`,
        message: `Only ${Math.round(ratio * 1000) / 10}% of ${kind} block reads are served from shared buffers (${read.toLocaleString('en-US')} read from disk or the OS cache); the working set may not fit in shared_buffers (${r.shared_buffers}).`,
        evidence: {
          hit_ratio: Math.round(ratio * 1000) / 1000,
          blocks_hit: hit,
          blocks_read: read,
          shared_buffers: r.shared_buffers,
        },
        fix_sql:
          '-- find the tables read from disk most: get_top_queries {"order_by": "shared_blks_read"}; then add indexes or raise shared_buffers (restart):\nALTER SYSTEM SET shared_buffers = \'<about 25% of RAM>\';',
      });
    }
    return findings;
  },
};

/** Standbys lagging behind, and replication slots nobody consumes (they retain WAL without bound). */
export const replication: HealthCheck = {
  name: 'replication',
  title: 'replication lag and inactive slots',
  async run(session) {
    const lag = await session.rows(
      `SELECT application_name AS name, client_addr::text AS client, state,
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END AS lag_bytes,
              round(extract(epoch FROM replay_lag)::numeric, 1) AS replay_lag_s
       FROM pg_catalog.pg_stat_replication`,
    );
    const slots = await session.rows(
      `SELECT slot_name AS name, slot_type, active, database,
              CASE WHEN pg_is_in_recovery() OR restart_lsn IS NULL THEN NULL
                   ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END AS retained_bytes
       FROM pg_catalog.pg_replication_slots WHERE NOT active ORDER BY 5 DESC NULLS LAST`,
    );
    const findings: HealthFinding[] = [];
    for (const r of lag.rows) {
      const bytes = num(r.lag_bytes) ?? 0;
      const seconds = num(r.replay_lag_s) ?? 0;
      if (bytes < 64 * 1024 * 1024 && seconds < 60) continue;
      findings.push({
        check: 'replication',
        severity: bytes >= 1024 ** 3 || seconds >= 600 ? 'critical' : 'warning',
        object: `standby ${r.name || r.client}`,
        message: `Standby ${r.name || r.client} (${r.state}) replays ${formatBytes(bytes)} / ${seconds} s behind the primary.`,
        evidence: { lag_bytes: bytes, replay_lag_seconds: seconds, state: r.state },
        fix_sql:
          '-- check the standby: its disk and CPU, network, and long queries there delaying replay (max_standby_streaming_delay).',
      });
    }
    for (const r of slots.rows) {
      const retained = num(r.retained_bytes);
      findings.push({
        check: 'replication',
        severity: retained !== null && retained >= 1024 ** 3 ? 'critical' : 'warning',
        object: `replication slot ${r.name}`,
        message: `Replication slot ${r.name} (${r.slot_type}${r.database ? `, database ${r.database}` : ''}) is inactive${retained !== null ? ` and retains ${formatBytes(retained)} of WAL` : ''}; WAL keeps growing until its consumer returns or it is dropped.`,
        evidence: { active: bool(r.active), retained_wal_bytes: retained, slot_type: r.slot_type },
        fix_sql: `SELECT pg_drop_replication_slot(${quoteLiteral(r.name ?? '')});  -- only if its consumer is gone for good`,
      });
    }
    return findings.slice(0, MAX_FINDINGS_PER_CHECK);
  },
};
