import { type CatalogSession, isPgError, quoteIdent } from './catalog.js';

/** Where pg_stat_statements stands on a server and database. */
export type StatementsStatus =
  | { ready: true; schema: string; columns: ReadonlySet<string>; version: string }
  | { ready: false; advice: StatementsAdvice };

/** How to enable pg_stat_statements, for a tool result (not an error). */
export interface StatementsAdvice {
  /** What is missing. */
  problem: 'not_installed' | 'not_loaded' | 'no_extension';
  /** Whether the server must restart (shared_preload_libraries changes only at start). */
  restart_required: boolean;
  /** What a DBA runs, in order. */
  steps: string[];
  message: string;
}

/** What the catalog says about the extension, before using it. */
export interface StatementsProbe {
  /** The extension's files are installed on the server. */
  available: boolean;
  /** Schema of the extension in this database, if created. */
  schema: string | null;
  version: string | null;
  /** shared_preload_libraries, or null when this role may not read it. */
  preload: string | null;
}

const PROBE_SQL = `
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
       (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'pg_stat_statements') AS schema,
       (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'pg_stat_statements') AS version,
       (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'shared_preload_libraries') AS preload`;

const COLUMNS_SQL = `
SELECT a.attname AS name
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = (quote_ident($1) || '.pg_stat_statements')::regclass AND a.attnum > 0 AND NOT a.attisdropped`;

function preloads(preload: string): boolean {
  return preload
    .split(',')
    .map((name) => name.trim().replace(/^"|"$/g, ''))
    .includes('pg_stat_statements');
}

function preloadStep(preload: string | null): string {
  const current = preload?.trim() ? `${preload.trim()}, pg_stat_statements` : 'pg_stat_statements';
  return `ALTER SYSTEM SET shared_preload_libraries = '${current}';  -- or edit postgresql.conf${preload === null ? ' (keep the libraries already listed there)' : ''}`;
}

/** The advice for a probe that found the extension unusable (pure, for tests). */
export function statementsAdvice(probe: StatementsProbe, loadFailed = false): StatementsAdvice {
  const create =
    'CREATE EXTENSION pg_stat_statements;  -- in this database, as a superuser or the database owner';
  if (!probe.available) {
    return {
      problem: 'not_installed',
      restart_required: true,
      steps: [
        'Install the contrib modules on the server (Debian/Ubuntu: they come with postgresql-NN; RHEL: postgresqlNN-contrib).',
        preloadStep(probe.preload),
        'Restart PostgreSQL.',
        create,
      ],
      message: 'pg_stat_statements is not installed on this server.',
    };
  }
  const loaded = loadFailed ? false : probe.preload === null ? undefined : preloads(probe.preload);
  if (loaded === false) {
    return {
      problem: 'not_loaded',
      restart_required: true,
      steps: [
        preloadStep(probe.preload),
        'Restart PostgreSQL (a reload is not enough).',
        ...(probe.schema ? [] : [create]),
      ],
      message:
        'pg_stat_statements is not loaded: it must be in shared_preload_libraries, which needs a server restart.',
    };
  }
  return {
    problem: 'no_extension',
    restart_required: false,
    steps: [
      create,
      ...(loaded === undefined
        ? [
            `If querying it then fails with "must be loaded via shared_preload_libraries": ${preloadStep(null)}, then restart PostgreSQL.`,
          ]
        : []),
    ],
    message:
      loaded === true
        ? 'pg_stat_statements is loaded but the extension is not created in this database; no restart is needed.'
        : 'The pg_stat_statements extension is not created in this database (whether the server preloads it is not visible to this role).',
  };
}

/** Checks whether pg_stat_statements can be read here, and how its columns are named. */
export async function probeStatements(session: CatalogSession): Promise<StatementsStatus> {
  const row = (await session.rows(PROBE_SQL)).rows[0] ?? {};
  const probe: StatementsProbe = {
    available: row.available === 't',
    schema: row.schema ?? null,
    version: row.version ?? null,
    preload: row.preload ?? null,
  };
  if (!probe.schema) return { ready: false, advice: statementsAdvice(probe) };
  const columns = new Set((await session.rows(COLUMNS_SQL, [probe.schema])).rows.map((r) => r.name ?? ''));
  if (probe.preload !== null && !preloads(probe.preload))
    return { ready: false, advice: statementsAdvice(probe) };
  return { ready: true, schema: probe.schema, columns, version: probe.version ?? '' };
}

/** Whether an error is pg_stat_statements refusing to work without being preloaded. */
export function isNotLoadedError(error: unknown): boolean {
  return isPgError(error, '55000') && /shared_preload_libraries/.test(error.message);
}

/** The column expressions of one pg_stat_statements version (13 renamed total_time to total_exec_time). */
export function statementsColumns(columns: ReadonlySet<string>) {
  const pick = (...names: string[]) => names.find((n) => columns.has(n));
  const total = pick('total_exec_time', 'total_time') ?? 'total_time';
  const mean = pick('mean_exec_time', 'mean_time') ?? 'mean_time';
  return {
    total: `s.${total}`,
    mean: `s.${mean}`,
    plan: columns.has('total_plan_time') ? 's.total_plan_time' : 'NULL::float8',
    toplevel: columns.has('toplevel') ? 's.toplevel' : 'true',
  };
}

/** `schema.pg_stat_statements`, quoted. */
export function statementsView(schema: string): string {
  return `${quoteIdent(schema)}.pg_stat_statements`;
}
