import { formatBytes, num, quoteIdent } from '../catalog.js';
import {
  type HealthCheck,
  type HealthFinding,
  MAX_FINDINGS_PER_CHECK,
  SYSTEM_SCHEMAS_SQL,
} from './health-check.js';
import { bloatFinding } from './index-checks.js';

const qualified = (schema: string | null | undefined, name: string | null | undefined) =>
  `${quoteIdent(schema ?? '')}.${quoteIdent(name ?? '')}`;

/** Table size compared with what its live rows need, from column statistics (an estimate). */
export const tableBloat: HealthCheck = {
  name: 'table_bloat',
  title: 'bloated tables (estimate)',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT n.nspname AS schema, c.relname AS name, c.relpages::bigint AS pages, c.reltuples::bigint AS tuples,
              current_setting('block_size')::int AS block_size,
              coalesce((SELECT (regexp_match(o, '^fillfactor=(\\d+)'))[1]::int FROM unnest(c.reloptions) o
                        WHERE o LIKE 'fillfactor=%'), 100) AS fillfactor,
              (SELECT sum((1 - coalesce(s.null_frac, 0)) * s.avg_width) FROM pg_catalog.pg_stats s
                WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) AS row_width,
              (SELECT count(*) FROM pg_catalog.pg_stats s
                WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited) AS columns_with_stats,
              (SELECT count(*) FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'm') AND c.relpages >= 128 AND c.reltuples >= 0 AND ${SYSTEM_SCHEMAS_SQL}
       ORDER BY c.relpages DESC LIMIT 500`,
    );
    const findings: HealthFinding[] = [];
    for (const r of rows) {
      // Without statistics for every column the estimate would be a guess.
      if (r.columns_with_stats !== r.columns) continue;
      const pages = num(r.pages) ?? 0;
      const blockSize = num(r.block_size) ?? 8192;
      // Heap tuple: 24-byte header (null bitmap included for a few columns) + data, MAXALIGNed, + 4-byte line pointer.
      const tupleBytes = Math.ceil((24 + (num(r.row_width) ?? 0)) / 8) * 8 + 4;
      const usable = ((blockSize - 24) * (num(r.fillfactor) ?? 100)) / 100;
      const perPage = Math.max(1, Math.floor(usable / tupleBytes));
      const expected = Math.max(1, Math.ceil((num(r.tuples) ?? 0) / perPage));
      const wasted = (pages - expected) * blockSize;
      const ratio = pages > 0 ? (pages - expected) / pages : 0;
      const severity = bloatFinding('table_bloat', ratio, wasted);
      if (!severity) continue;
      findings.push({
        check: 'table_bloat',
        severity,
        object: `table ${r.schema}.${r.name}`,
        message: `Table ${r.schema}.${r.name} is about ${Math.round(ratio * 100)}% bloated: ${formatBytes(pages * blockSize)} on disk for ~${formatBytes(expected * blockSize)} of live rows.`,
        evidence: {
          size_bytes: pages * blockSize,
          estimated_waste_bytes: wasted,
          bloat_ratio: Math.round(ratio * 100) / 100,
          live_rows_estimate: num(r.tuples),
        },
        fix_sql:
          `VACUUM (VERBOSE, ANALYZE) ${qualified(r.schema, r.name)};  -- frees space for reuse\n` +
          `-- to return it to the OS: pg_repack, or VACUUM FULL ${qualified(r.schema, r.name)} (takes an exclusive lock)`,
      });
    }
    return findings.slice(0, MAX_FINDINGS_PER_CHECK);
  },
};

// Autovacuum's own trigger: threshold + scale factor × reltuples, with per-table overrides.
const STALENESS_SQL = `
WITH settings AS (
  SELECT current_setting('autovacuum_vacuum_threshold')::float8 AS vt,
         current_setting('autovacuum_vacuum_scale_factor')::float8 AS vs,
         current_setting('autovacuum_analyze_threshold')::float8 AS at,
         current_setting('autovacuum_analyze_scale_factor')::float8 AS asf
), opts AS (
  SELECT c.oid,
         (SELECT split_part(o, '=', 2)::float8 FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_vacuum_threshold=%') AS vt,
         (SELECT split_part(o, '=', 2)::float8 FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_vacuum_scale_factor=%') AS vs,
         (SELECT split_part(o, '=', 2)::float8 FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_analyze_threshold=%') AS at,
         (SELECT split_part(o, '=', 2)::float8 FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_analyze_scale_factor=%') AS asf,
         coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_enabled=%'), 'true') AS enabled
  FROM pg_catalog.pg_class c
)
SELECT s.schemaname AS schema, s.relname AS name, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze,
       greatest(s.last_vacuum, s.last_autovacuum)::text AS last_vacuum,
       greatest(s.last_analyze, s.last_autoanalyze)::text AS last_analyze,
       round(extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::numeric) AS vacuum_age_s,
       round(coalesce(o.vt, st.vt) + coalesce(o.vs, st.vs) * greatest(c.reltuples, 0)) AS vacuum_trigger,
       round(coalesce(o.at, st.at) + coalesce(o.asf, st.asf) * greatest(c.reltuples, 0)) AS analyze_trigger,
       o.enabled AS autovacuum_enabled
FROM pg_catalog.pg_stat_user_tables s
JOIN pg_catalog.pg_class c ON c.oid = s.relid
JOIN opts o ON o.oid = s.relid
CROSS JOIN settings st
WHERE %WHERE%
ORDER BY %ORDER% DESC LIMIT ${MAX_FINDINGS_PER_CHECK}`;

/** Tables whose dead rows are past autovacuum's trigger (vacuum is overdue or cannot keep up). */
export const vacuumStaleness: HealthCheck = {
  name: 'vacuum',
  title: 'dead rows past the autovacuum trigger',
  async run(session) {
    const sql = STALENESS_SQL.replace(
      '%WHERE%',
      's.n_dead_tup >= 1000 AND s.n_dead_tup > round(coalesce(o.vt, st.vt) + coalesce(o.vs, st.vs) * greatest(c.reltuples, 0))',
    ).replace('%ORDER%', 's.n_dead_tup');
    const { rows } = await session.rows(sql);
    return rows.map((r) => {
      const dead = num(r.n_dead_tup) ?? 0;
      const live = num(r.n_live_tup) ?? 0;
      const ratio = dead / Math.max(1, dead + live);
      const disabled = r.autovacuum_enabled === 'false';
      return {
        check: 'vacuum',
        severity: ratio >= 0.5 || disabled ? 'warning' : 'info',
        object: `table ${r.schema}.${r.name}`,
        message:
          `Table ${r.schema}.${r.name} has ${dead.toLocaleString('en-US')} dead rows (${Math.round(ratio * 100)}% of its rows), past autovacuum's trigger of ${r.vacuum_trigger}` +
          (disabled
            ? '; autovacuum is disabled for this table.'
            : `; last vacuum: ${r.last_vacuum ?? 'never'}.`),
        evidence: {
          dead_rows: dead,
          live_rows: live,
          dead_ratio: Math.round(ratio * 100) / 100,
          autovacuum_trigger: num(r.vacuum_trigger),
          last_vacuum: r.last_vacuum,
          autovacuum_enabled: !disabled,
        },
        fix_sql:
          `VACUUM (VERBOSE, ANALYZE) ${qualified(r.schema, r.name)};` +
          (disabled ? `\nALTER TABLE ${qualified(r.schema, r.name)} RESET (autovacuum_enabled);` : ''),
      };
    });
  },
};

/** Tables changed past autoanalyze's trigger, or never analyzed: the planner works from stale statistics. */
export const analyzeStaleness: HealthCheck = {
  name: 'analyze',
  title: 'statistics past the autoanalyze trigger',
  async run(session) {
    const sql = STALENESS_SQL.replace(
      '%WHERE%',
      's.n_mod_since_analyze >= 1000 AND s.n_mod_since_analyze > round(coalesce(o.at, st.at) + coalesce(o.asf, st.asf) * greatest(c.reltuples, 0))',
    ).replace('%ORDER%', 's.n_mod_since_analyze');
    const { rows } = await session.rows(sql);
    return rows.map((r) => ({
      check: 'analyze',
      severity: r.last_analyze ? 'info' : 'warning',
      object: `table ${r.schema}.${r.name}`,
      message: `Table ${r.schema}.${r.name} has ${r.n_mod_since_analyze} rows changed since its statistics were gathered (${r.last_analyze ? `last analyze ${r.last_analyze}` : 'never analyzed'}); plans may misjudge it.`,
      evidence: {
        modified_since_analyze: num(r.n_mod_since_analyze),
        autoanalyze_trigger: num(r.analyze_trigger),
        last_analyze: r.last_analyze,
      },
      fix_sql: `ANALYZE ${qualified(r.schema, r.name)};`,
    }));
  },
};

/** Foreign-key and check constraints added NOT VALID and never validated. */
export const unvalidatedConstraints: HealthCheck = {
  name: 'constraints',
  title: 'constraints not validated',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT n.nspname AS schema, t.relname AS table_name, con.conname AS name, con.contype::text AS type,
              pg_get_constraintdef(con.oid) AS definition
       FROM pg_catalog.pg_constraint con
       JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
       WHERE NOT con.convalidated AND ${SYSTEM_SCHEMAS_SQL}
       ORDER BY 1, 2, 3 LIMIT ${MAX_FINDINGS_PER_CHECK}`,
    );
    return rows.map((r) => ({
      check: 'constraints',
      severity: 'warning',
      object: `constraint ${r.name} on ${r.schema}.${r.table_name}`,
      message: `Constraint ${r.name} on ${r.schema}.${r.table_name} (${r.definition}) was added NOT VALID: existing rows were never checked against it.`,
      evidence: {
        type: r.type === 'f' ? 'foreign key' : r.type === 'c' ? 'check' : r.type,
        validated: false,
      },
      fix_sql: `ALTER TABLE ${qualified(r.schema, r.table_name)} VALIDATE CONSTRAINT ${quoteIdent(r.name ?? '')};`,
    }));
  },
};
