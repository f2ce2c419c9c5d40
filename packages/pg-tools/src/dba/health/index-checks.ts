import { formatBytes, num, quoteIdent } from '../catalog.js';
import {
  type HealthCheck,
  type HealthFinding,
  MAX_FINDINGS_PER_CHECK,
  SYSTEM_SCHEMAS_SQL,
} from './health-check.js';

const qualified = (schema: string | null | undefined, name: string | null | undefined) =>
  `${quoteIdent(schema ?? '')}.${quoteIdent(name ?? '')}`;

/** Indexes left invalid, typically by a failed CREATE INDEX CONCURRENTLY. */
export const invalidIndexes: HealthCheck = {
  name: 'invalid_indexes',
  title: 'invalid indexes (failed concurrent builds)',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT n.nspname AS schema, c.relname AS name, t.relname AS table_name, pg_relation_size(c.oid) AS bytes,
              pg_get_indexdef(c.oid) AS definition
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE NOT i.indisvalid AND ${SYSTEM_SCHEMAS_SQL}
       ORDER BY 1, 2 LIMIT ${MAX_FINDINGS_PER_CHECK}`,
    );
    return rows.map((r) => ({
      check: 'invalid_indexes',
      severity: 'warning',
      object: `index ${r.schema}.${r.name}`,
      message: `Index ${r.schema}.${r.name} on ${r.table_name} is invalid: queries cannot use it, yet every write still maintains it.`,
      evidence: { size_bytes: num(r.bytes), valid: false },
      fix_sql:
        `DROP INDEX CONCURRENTLY ${qualified(r.schema, r.name)};\n` +
        `${(r.definition ?? '').replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX CONCURRENTLY ')};`,
    }));
  },
};

/**
 * Indexes that duplicate another on the same table: the same columns, operator classes,
 * expressions and predicate, or (btree) a leading prefix of a wider index.
 */
export const duplicateIndexes: HealthCheck = {
  name: 'duplicate_indexes',
  title: 'duplicate and redundant indexes',
  async run(session) {
    const { rows } = await session.rows(
      `WITH idx AS (
         SELECT i.indexrelid, i.indrelid, i.indkey::text AS keys, i.indclass::text AS classes,
                i.indcollation::text AS collations, coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS exprs,
                coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS pred, i.indisunique, i.indisprimary,
                am.amname, EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid) AS backs_constraint
         FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
         JOIN pg_catalog.pg_am am ON am.oid = c.relam
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE i.indisvalid AND ${SYSTEM_SCHEMAS_SQL}
       )
       SELECT n.nspname AS schema, dc.relname AS drop_name, kc.relname AS keep_name, t.relname AS table_name,
              pg_relation_size(d.indexrelid) AS bytes, (d.keys = k.keys) AS exact,
              pg_get_indexdef(d.indexrelid) AS drop_def, pg_get_indexdef(k.indexrelid) AS keep_def
       FROM idx d
       JOIN idx k ON k.indrelid = d.indrelid AND k.indexrelid <> d.indexrelid AND k.amname = d.amname
                  AND k.exprs = d.exprs AND k.pred = d.pred
       JOIN pg_catalog.pg_class dc ON dc.oid = d.indexrelid
       JOIN pg_catalog.pg_class kc ON kc.oid = k.indexrelid
       JOIN pg_catalog.pg_class t ON t.oid = d.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = dc.relnamespace
       WHERE NOT d.backs_constraint AND (NOT d.indisunique OR (k.indisunique AND d.keys = k.keys))
         AND (
           (d.keys = k.keys AND d.classes = k.classes AND d.collations = k.collations
             -- of two plain twins, report the one with the larger OID (the later one)
             AND (k.backs_constraint OR k.indisunique > d.indisunique
                  OR (k.indisunique = d.indisunique AND k.indexrelid < d.indexrelid)))
           OR (d.amname = 'btree' AND d.exprs = '' AND k.keys LIKE d.keys || ' %'
               AND k.classes LIKE d.classes || ' %')
         )
       ORDER BY 1, 2 LIMIT ${MAX_FINDINGS_PER_CHECK}`,
    );
    const seen = new Set<string>();
    const findings: HealthFinding[] = [];
    for (const r of rows) {
      const key = `${r.schema}.${r.drop_name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const exact = r.exact === 't';
      findings.push({
        check: 'duplicate_indexes',
        severity: 'warning',
        object: `index ${key}`,
        message: exact
          ? `Index ${key} duplicates ${r.schema}.${r.keep_name} on ${r.table_name}: same definition, twice the write cost and space.`
          : `Index ${key} is a leading prefix of ${r.schema}.${r.keep_name} on ${r.table_name}, which serves the same lookups.`,
        evidence: {
          size_bytes: num(r.bytes),
          duplicate_of: `${r.schema}.${r.keep_name}`,
          exact,
          definition: r.drop_def,
          kept_definition: r.keep_def,
        },
        fix_sql: `DROP INDEX CONCURRENTLY ${qualified(r.schema, r.drop_name)};`,
      });
    }
    return findings;
  },
};

/** Indexes never scanned since statistics were reset, larger than 1 MB, that enforce nothing. */
export const unusedIndexes: HealthCheck = {
  name: 'unused_indexes',
  title: 'unused indexes',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT s.schemaname AS schema, s.indexrelname AS name, s.relname AS table_name, s.idx_scan,
              pg_relation_size(s.indexrelid) AS bytes,
              (SELECT stats_reset FROM pg_catalog.pg_stat_database WHERE datname = current_database())::text AS stats_reset
       FROM pg_catalog.pg_stat_user_indexes s
       JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid
       WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = s.indexrelid)
         AND pg_relation_size(s.indexrelid) >= 1048576
       ORDER BY pg_relation_size(s.indexrelid) DESC LIMIT ${MAX_FINDINGS_PER_CHECK}`,
    );
    return rows.map((r) => ({
      check: 'unused_indexes',
      severity: 'info',
      object: `index ${r.schema}.${r.name}`,
      message: `Index ${r.schema}.${r.name} on ${r.table_name} (${formatBytes(num(r.bytes) ?? 0)}) has not been used since statistics were ${r.stats_reset ? `reset at ${r.stats_reset}` : 'started'}; check replicas and rare jobs before dropping it.`,
      evidence: { idx_scan: 0, size_bytes: num(r.bytes), stats_reset: r.stats_reset },
      fix_sql: `DROP INDEX CONCURRENTLY ${qualified(r.schema, r.name)};`,
    }));
  },
};

/** B-tree size compared with what its key widths need (an estimate, like the well-known bloat queries). */
export const indexBloat: HealthCheck = {
  name: 'index_bloat',
  title: 'bloated b-tree indexes (estimate)',
  async run(session) {
    const { rows } = await session.rows(
      `SELECT n.nspname AS schema, c.relname AS name, t.relname AS table_name, c.relpages::bigint AS pages,
              c.reltuples::bigint AS tuples, current_setting('block_size')::int AS block_size,
              (SELECT sum(coalesce(s.avg_width, 0)) FROM unnest(i.indkey) k
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k
                 LEFT JOIN pg_catalog.pg_stats s ON s.schemaname = tn.nspname AND s.tablename = t.relname AND s.attname = a.attname) AS key_width,
              (SELECT count(*) FROM unnest(i.indkey) k
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k
                 JOIN pg_catalog.pg_stats s ON s.schemaname = tn.nspname AND s.tablename = t.relname AND s.attname = a.attname) AS keys_with_stats,
              i.indnatts AS keys
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
       JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'btree'
       JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
       WHERE i.indisvalid AND i.indexprs IS NULL AND c.relpages >= 128 AND c.reltuples > 0 AND ${SYSTEM_SCHEMAS_SQL}
       ORDER BY c.relpages DESC LIMIT 500`,
    );
    const findings: HealthFinding[] = [];
    for (const r of rows) {
      if (r.keys_with_stats !== r.keys) continue;
      const pages = num(r.pages) ?? 0;
      const blockSize = num(r.block_size) ?? 8192;
      // Index tuple: 8-byte header + keys, MAXALIGNed, plus a 4-byte line pointer; 90 % fill.
      const tupleBytes = Math.ceil((8 + (num(r.key_width) ?? 0)) / 8) * 8 + 4;
      const perPage = Math.max(1, Math.floor(((blockSize - 24 - 16) * 0.9) / tupleBytes));
      const expected = Math.ceil((num(r.tuples) ?? 0) / perPage) + 1;
      const wasted = (pages - expected) * blockSize;
      const ratio = pages > 0 ? (pages - expected) / pages : 0;
      const finding = bloatFinding('index_bloat', ratio, wasted);
      if (!finding) continue;
      findings.push({
        check: 'index_bloat',
        severity: finding,
        object: `index ${r.schema}.${r.name}`,
        message: `Index ${r.schema}.${r.name} on ${r.table_name} is about ${Math.round(ratio * 100)}% bloated (~${formatBytes(wasted)} more than its entries need).`,
        evidence: {
          size_bytes: pages * blockSize,
          estimated_waste_bytes: wasted,
          bloat_ratio: round2(ratio),
        },
        fix_sql: `REINDEX INDEX CONCURRENTLY ${qualified(r.schema, r.name)};`,
      });
    }
    return findings.slice(0, MAX_FINDINGS_PER_CHECK);
  },
};

/** Severity of an estimated bloat, or undefined when it is not worth mentioning. */
export function bloatFinding(
  _check: string,
  ratio: number,
  wastedBytes: number,
): 'critical' | 'warning' | undefined {
  const mb = 1024 * 1024;
  if (ratio >= 0.5 && wastedBytes >= 1024 * mb) return 'critical';
  if (ratio >= 0.3 && wastedBytes >= 4 * mb) return 'warning';
  return undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
