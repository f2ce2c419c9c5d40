import type { CatalogSession } from '../catalog.js';

/** How urgent a finding is. */
export type Severity = 'critical' | 'warning' | 'info';

/** One problem analyze_db_health found. */
export interface HealthFinding {
  /** The check that found it, e.g. `duplicate_indexes`. */
  check: string;
  severity: Severity;
  /** What it is about, e.g. `index public.orders_customer_idx2` or `database shop`. */
  object: string;
  /** One sentence for a person. */
  message: string;
  /** The numbers behind it. */
  evidence: Record<string, number | string | boolean | null | undefined>;
  /** What a DBA would run to fix it (never run by pgmcp). */
  fix_sql: string;
}

/** One check: a name the `checks` argument accepts, and how to run it. */
export interface HealthCheck {
  name: string;
  /** What it looks at, for the tool description and the report. */
  title: string;
  run(session: CatalogSession): Promise<HealthFinding[]>;
}

/** Schemas that hold PostgreSQL's own objects, left out of every per-object check. */
export const SYSTEM_SCHEMAS_SQL = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;

/** Most findings one check reports. */
export const MAX_FINDINGS_PER_CHECK = 50;
