/**
 * The safety lab shared by the end-to-end safety tests: a test database holding the guard's
 * fixture plus canaries, pgmcp connected to it as the SUPERUSER through the real registry and
 * pools, and the observers that decide whether anything happened:
 *
 * - `snapshot()` reads, from a fresh superuser connection outside pgmcp, everything an attack could
 *   change: every user relation's rows (with ctid and xmin, so even a same-value UPDATE shows),
 *   every sequence, checksums of the catalogs, roles, databases, settings and configuration files,
 *   replication slots, advisory locks, statistics resets, the files in the lab's directory on the
 *   server, two victim backends and what a LISTEN-ing session received;
 * - a secret file only the server's OS user can read, and a second file whose name is secret, so a
 *   file read or a directory listing that gets through shows up as a token in some tool output;
 * - `unguarded()` runs SQL the way pgmcp would without its guard (a `default_transaction_read_only`
 *   session, `BEGIN READ ONLY … ROLLBACK`), which proves an attack is live before pgmcp is tried.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/client';
import type { TestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import type { ConnectionAccess } from '../../src/index.js';
import { adminQuery, textOf, type ToolsHarness, toolsHarness } from '../helpers.js';

/** Read-only and write-enabled pgmcp connections to the lab database, both as the superuser. */
export const READ_ONLY = 'ro';
export const WRITABLE = 'rw';

/** Large object the corpus' lo_get / lo_export attacks name. */
export const LARGE_OBJECT = 1234;

/** Channels the listener watches (the corpus notifies pgmcp_channel). */
const CHANNELS = ['pgmcp_channel', 'pgmcp_safety'];

/** Files the corpus itself would write on the server if it got through. */
const CORPUS_FILES = ['/tmp/orders.csv', '/tmp/x'];

/** Objects the attacks need to be meaningful, on top of test/guard/fixture.sql. */
const CANARY_SQL = `
CREATE MATERIALIZED VIEW order_summary AS
  SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE TABLE canary (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO canary SELECT g, 'canary ' || g FROM generate_series(1, 50) g;
CREATE SEQUENCE canary_seq;
SELECT setval('canary_seq', 42, true);
-- Functions whose bodies the guard cannot see: only READ ONLY transactions stop them.
CREATE FUNCTION canary_write(note text) RETURNS integer LANGUAGE sql
  AS $$ UPDATE canary SET note = $1 WHERE id = 1 RETURNING id $$;
CREATE FUNCTION canary_next() RETURNS bigint LANGUAGE sql AS $$ SELECT nextval('canary_seq') $$;
-- Row-level security that "ALTER TABLE … DISABLE ROW LEVEL SECURITY" would switch off.
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_visible ON orders USING (true);
SELECT lo_from_bytea(${LARGE_OBJECT}, 'large object ${LARGE_OBJECT}');
-- Index maintenance that READ ONLY does not stop and ROLLBACK does not undo: a GIN pending list
-- (gin_clean_pending_list grows the index) and unsummarized BRIN ranges (summarizing them changes
-- nothing the snapshot can see without pageinspect, so only that refusal is checked).
CREATE TABLE gin_canary (tags integer[]) WITH (autovacuum_enabled = off);
CREATE INDEX gin_canary_idx ON gin_canary USING gin (tags) WITH (fastupdate = on);
INSERT INTO gin_canary SELECT ARRAY[i, i + 1] FROM generate_series(1, 500) i;
CREATE TABLE brin_canary (x integer) WITH (autovacuum_enabled = off);
CREATE INDEX brin_canary_idx ON brin_canary USING brin (x) WITH (pages_per_range = 1, autosummarize = off);
INSERT INTO brin_canary SELECT g FROM generate_series(1, 2000) g;
-- Statistics counters must move only when someone vacuums or analyzes, not autovacuum.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'm') LOOP
    EXECUTE format('ALTER %s %s SET (autovacuum_enabled = off)',
                   CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.rel);
  END LOOP;
END $$;
ANALYZE;
`;

/** Extensions installed when the server has them, so their functions exist for the attacks. */
const EXTENSIONS = ['dblink', 'postgres_fdw', 'adminpack', 'pg_stat_statements'];

/** Catalog rows whose checksum must not change; volatile columns (statistics, xids) are left out. */
const CATALOGS: Record<string, string> = {
  pg_class:
    'SELECT oid, relname, relnamespace, relkind, relowner, relacl, reloptions, relpersistence, relfilenode, relrowsecurity, relforcerowsecurity, relhastriggers, relhasrules, relispopulated, relreplident, relnatts, relchecks FROM pg_class',
  pg_attribute:
    'SELECT attrelid, attname, atttypid, attnum, attnotnull, attisdropped, atthasdef, attacl, attoptions FROM pg_attribute',
  pg_type: 'SELECT oid, typname, typnamespace, typowner, typacl FROM pg_type',
  pg_proc:
    'SELECT oid, proname, pronamespace, proowner, prosecdef, proacl, proconfig, md5(prosrc) FROM pg_proc',
  pg_namespace: 'SELECT oid, nspname, nspowner, nspacl FROM pg_namespace',
  pg_index:
    'SELECT indexrelid, indrelid, indisvalid, indisready, indislive, indisclustered, indisreplident FROM pg_index',
  pg_constraint: 'SELECT oid, conname, conrelid, contype, convalidated FROM pg_constraint',
  pg_trigger: 'SELECT oid, tgname, tgrelid, tgenabled FROM pg_trigger',
  pg_rewrite: 'SELECT oid, rulename, ev_class, ev_enabled FROM pg_rewrite',
  pg_policy: 'SELECT oid, polname, polrelid FROM pg_policy',
  pg_description: 'SELECT objoid, classoid, objsubid, description FROM pg_description',
  pg_cast: 'SELECT oid, castsource, casttarget, castfunc FROM pg_cast',
  pg_operator: 'SELECT oid, oprname, oprcode FROM pg_operator',
  pg_language: 'SELECT oid, lanname, lanpltrusted FROM pg_language',
  pg_am: 'SELECT oid, amname FROM pg_am',
  pg_collation: 'SELECT oid, collname FROM pg_collation',
  pg_extension: 'SELECT oid, extname, extversion, extconfig FROM pg_extension',
  pg_event_trigger: 'SELECT oid, evtname, evtenabled FROM pg_event_trigger',
  pg_foreign_data_wrapper: 'SELECT oid, fdwname FROM pg_foreign_data_wrapper',
  pg_foreign_server: 'SELECT oid, srvname FROM pg_foreign_server',
  pg_user_mapping: 'SELECT oid, umuser, umserver FROM pg_user_mapping',
  pg_publication: 'SELECT oid, pubname FROM pg_publication',
  pg_publication_rel: 'SELECT oid, prpubid, prrelid FROM pg_publication_rel',
  pg_default_acl: 'SELECT oid, defaclrole, defaclnamespace, defaclobjtype, defaclacl FROM pg_default_acl',
  pg_seclabel: 'SELECT objoid, classoid, objsubid, provider, label FROM pg_seclabel',
  pg_sequence: 'SELECT seqrelid, seqincrement, seqmax, seqmin, seqcache, seqcycle FROM pg_sequence',
  pg_statistic_ext: 'SELECT oid, stxname FROM pg_statistic_ext',
  pg_largeobject_metadata: 'SELECT oid, lomowner, lomacl FROM pg_largeobject_metadata',
  pg_largeobject: 'SELECT loid, pageno, md5(data) FROM pg_largeobject',
  pg_statistic:
    'SELECT starelid, staattnum, stainherit, stanullfrac, stawidth, stadistinct FROM pg_statistic WHERE starelid >= 16384',
  relation_sizes:
    "SELECT oid, pg_relation_size(oid) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'i', 'm', 'S')",
  pg_stat_user_tables:
    'SELECT relid, vacuum_count, autovacuum_count, analyze_count, autoanalyze_count FROM pg_stat_user_tables',
  // Shared catalogs. Other test files create and drop t_* databases on the same server.
  pg_authid:
    'SELECT oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil, md5(rolpassword) FROM pg_authid',
  pg_auth_members: 'SELECT roleid, member, grantor, admin_option FROM pg_auth_members',
  pg_database: `SELECT oid, datname, datallowconn, datconnlimit, datacl, dattablespace, datistemplate FROM pg_database WHERE datname NOT LIKE 't\\_%' OR datname = current_database()`,
  pg_db_role_setting: 'SELECT setdatabase, setrole, setconfig FROM pg_db_role_setting',
  pg_tablespace: 'SELECT oid, spcname, spcacl, spcoptions FROM pg_tablespace',
  pg_shdescription: 'SELECT objoid, classoid, description FROM pg_shdescription',
  pg_replication_origin: 'SELECT roident, roname FROM pg_replication_origin',
  pg_subscription: 'SELECT oid, subname, subenabled FROM pg_subscription',
  pg_prepared_xacts: 'SELECT gid, database FROM pg_prepared_xacts',
  pg_file_settings: 'SELECT sourcefile, sourceline, name, setting, applied, error FROM pg_file_settings',
};

function checksum(sql: string): string {
  return `(SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM (${sql}) r)`;
}

/** A SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Everything the lab watches; two snapshots are equal when nothing happened. */
export interface StateSnapshot {
  /** Rows of every user table and materialized view ("n rows, md5 …"), and every sequence's state. */
  relations: Record<string, string>;
  catalogs: Record<string, string>;
  /** Non-default settings a fresh session sees, and postgresql.auto.conf. */
  settings: string[];
  autoConf: string;
  confLoadTime: string;
  statsReset: { database: string | null; bgwriter: string | null };
  replicationSlots: string[];
  advisoryLocks: string[];
  /** pgmcp's own backends on the lab database: all idle, holding no locks. */
  pgmcpBackends: { allIdle: boolean; locks: number };
  victims: string[];
  /** Files in the lab's directory on the server, the files the corpus names, server data dir entries. */
  labFiles: string[];
  corpusFiles: string[];
  tmpTablespaces: string[];
  dataDirectory: string[];
  notifications: string[];
}

/** How a tool call ended. */
export interface CallOutcome {
  /**
   * guard: refused by the SQL guard (a security event was emitted); input: refused by the tool's
   * argument validation; database: PostgreSQL raised an error; ran: the call succeeded.
   */
  verdict: 'guard' | 'input' | 'database' | 'ran';
  /** The guard's refusal code when verdict is guard. */
  code?: string;
  text: string;
  structured?: Record<string, unknown>;
}

/** The outcome of {@link Lab.unguarded}. */
export interface UnguardedOutcome {
  ok: boolean;
  /** Rows as JSON, or the error message. */
  text: string;
}

export interface Lab {
  readonly harness: ToolsHarness;
  /** A libpq conninfo of the lab database with the superuser password (for dblink attacks). */
  readonly conninfo: string;
  /** `text` without the superuser password, for failure messages. */
  redact(text: string): string;
  /** Directory on the server, owned by its OS user; attacks that write files aim inside it. */
  readonly dir: string;
  /** A file in `dir` only the server can read, holding `secretToken`. */
  readonly secretPath: string;
  readonly secretToken: string;
  /** The name of another file in `dir`: only a directory listing can reveal it. */
  readonly listingToken: string;
  readonly idleVictimPid: number;
  readonly busyVictimPid: number;
  /** How the busy victim's pg_sleep ended; undefined while it is still running, as it must be. */
  busyVictimOutcome(): string | undefined;
  /** Names of server-side objects the lab's own attacks may create (slots, …). */
  readonly objectPrefix: string;
  /** Runs a shell command as the server's OS user (COPY … TO PROGRAM on a superuser connection). */
  serverShell(command: string): Promise<void>;
  snapshot(): Promise<StateSnapshot>;
  /** A connected official MCP client for one pgmcp session; `access` limits the caller's rights. */
  client(sessionKey: string, access?: Record<string, ConnectionAccess>): Promise<Client>;
  /** Calls a tool and classifies the outcome; records any secret seen in its output. */
  call(client: Client, tool: string, args: Record<string, unknown>): Promise<CallOutcome>;
  /** Calls whose output contained the secret token or the listing token. */
  readonly leaks: string[];
  /**
   * Runs `sql` as pgmcp would without its guard: a `default_transaction_read_only` superuser
   * session, BEGIN READ ONLY, ROLLBACK; `inspect` runs before that session closes.
   */
  unguarded<T>(sql: string, inspect: (outcome: UnguardedOutcome) => Promise<T>): Promise<T>;
  /** Session state of pgmcp's pooled session, read through query_database on that session. */
  sessionState(client: Client, connection: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function connect(url: string, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Builds the lab on a fresh test database (see the module comment). */
export async function openLab(db: TestDatabase): Promise<Lab> {
  const fixture = await readFile(new URL('../guard/fixture.sql', import.meta.url), 'utf8');
  await adminQuery(db.url, fixture);
  const available = await adminQuery<{ name: string }>(
    db.url,
    `SELECT name FROM pg_available_extensions WHERE name = ANY (ARRAY[${EXTENSIONS.map(quoteLiteral).join(', ')}])`,
  );
  for (const { name } of available) await adminQuery(db.url, `CREATE EXTENSION ${name}`);
  await adminQuery(db.url, CANARY_SQL);

  const hex = randomBytes(6).toString('hex');
  const dir = `/tmp/pgmcp-safety-${hex}`;
  const secretToken = `secret-${randomBytes(12).toString('hex')}`;
  const listingToken = `listed-${randomBytes(12).toString('hex')}`;
  const secretPath = `${dir}/secret.txt`;
  // Created by the server itself, so the directory and files belong to its OS user (mode 0700/0600).
  const serverShell = (command: string) =>
    adminQuery(db.url, `COPY (SELECT 1 WHERE false) TO PROGRAM ${quoteLiteral(command)}`).then(
      () => undefined,
    );
  await serverShell(
    `umask 077 && mkdir ${dir} && printf %s ${secretToken} > ${secretPath} && : > ${dir}/${listingToken}`,
  );

  const url = new URL(db.url);
  const password = decodeURIComponent(url.password);
  const conninfoValue = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const conninfo = [
    `host=${conninfoValue(url.hostname)}`,
    `port=${url.port}`,
    `dbname=${conninfoValue(db.name)}`,
    `user=${conninfoValue(decodeURIComponent(url.username))}`,
    ...(password ? [`password=${conninfoValue(password)}`] : []),
  ].join(' ');

  const idleVictim = await connect(db.adminUrl, 'pgmcp-safety-victim-idle');
  const busyVictim = await connect(db.url, 'pgmcp-safety-victim-busy');
  const pidOf = async (client: pg.Client) =>
    (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const idleVictimPid = await pidOf(idleVictim);
  const busyVictimPid = await pidOf(busyVictim);
  let busyVictimOutcome: string | undefined;
  const busyQuery = busyVictim.query('SELECT pg_sleep(3600)').then(
    () => (busyVictimOutcome = 'finished'),
    (error: Error) => (busyVictimOutcome = `failed: ${error.message}`),
  );
  await waitFor(async () => {
    const rows = await adminQuery<{ state: string }>(
      db.adminUrl,
      `SELECT state FROM pg_stat_activity WHERE pid = ${busyVictimPid}`,
    );
    return rows[0]?.state === 'active';
  }, 'the busy victim to start its query');

  const notifications: string[] = [];
  const listener = await connect(db.url, 'pgmcp-safety-listener');
  listener.on('notification', (message) => notifications.push(`${message.channel}: ${message.payload}`));
  for (const channel of CHANNELS) await listener.query(`LISTEN ${channel}`);
  // The listener must really hear notifications, or "none received" would prove nothing.
  for (const channel of CHANNELS) await adminQuery(db.url, `NOTIFY ${channel}, 'self-test'`);
  await waitFor(async () => notifications.length === CHANNELS.length, 'the listener self-test');
  notifications.length = 0;

  const harness = toolsHarness(
    [
      // Other databases of the server are reachable only where listed; the lab lists them all.
      { name: READ_ONLY, url: db.url, statementTimeoutMs: 5_000, allowedDatabases: ['*'] },
      { name: WRITABLE, url: db.url, allowWrites: true, statementTimeoutMs: 5_000 },
    ],
    { defaultConnection: READ_ONLY },
  );

  const dirLiteral = quoteLiteral(dir);
  const major = db.major;
  const relations = async (client: pg.Client): Promise<Record<string, string>> => {
    const { rows } = await client.query<{ name: string; relkind: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS relkind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relpersistence <> 't'
        ORDER BY 1`,
    );
    const parts = rows.map(({ name, relkind }) =>
      relkind === 'S'
        ? `SELECT ${quoteLiteral(name)} AS name, 'last_value ' || last_value || ', is_called ' || is_called AS state FROM ${name}`
        : `SELECT ${quoteLiteral(name)} AS name, count(*) || ' rows, md5 ' || md5(coalesce(string_agg(format('%s|%s|%s', t.ctid, t.xmin, t), ',' ORDER BY t.ctid), '')) AS state FROM ${name} t`,
    );
    const result = await client.query<{ name: string; state: string }>(parts.join(' UNION ALL '));
    return Object.fromEntries(result.rows.map((row) => [row.name, row.state]));
  };

  const lab: Lab = {
    harness,
    conninfo,
    redact: (text) => (password ? text.replaceAll(password, '<password>') : text),
    dir,
    secretPath,
    secretToken,
    listingToken,
    idleVictimPid,
    busyVictimPid,
    busyVictimOutcome: () => busyVictimOutcome,
    objectPrefix: `pgmcp_safety_${hex}`,
    serverShell,
    leaks: [],

    async snapshot() {
      // A fresh session each time: settings are read as a new backend sees them.
      const client = await connect(db.url, 'pgmcp-safety-observer');
      try {
        const catalogSql = Object.entries(CATALOGS)
          .map(([name, sql]) => `${checksum(sql)} AS ${name}`)
          .join(',\n');
        const catalogs = (await client.query<Record<string, string>>(`SELECT ${catalogSql}`)).rows[0]!;
        const { rows } = await client.query<Omit<StateSnapshot, 'relations' | 'catalogs' | 'notifications'>>(`
          SELECT
            (SELECT coalesce(array_agg(name || '=' || setting ORDER BY name), '{}') FROM pg_settings
              WHERE source NOT IN ('default', 'override', 'client', 'session')) AS settings,
            md5(pg_read_file('postgresql.auto.conf')) AS "autoConf",
            pg_conf_load_time()::text AS "confLoadTime",
            json_build_object(
              'database', (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()),
              'bgwriter', (SELECT stats_reset::text FROM pg_stat_bgwriter)) AS "statsReset",
            (SELECT coalesce(array_agg(slot_name || ' ' || slot_type ORDER BY slot_name), '{}')
               FROM pg_replication_slots
              WHERE slot_name NOT LIKE 'pgmcp\\_safety\\_%' OR slot_name LIKE ${quoteLiteral(`${lab.objectPrefix}%`)}) AS "replicationSlots",
            (SELECT coalesce(array_agg(l.objid || ' ' || l.mode ORDER BY l.objid), '{}') FROM pg_locks l
              WHERE l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS "advisoryLocks",
            (SELECT json_build_object(
                'allIdle', coalesce(bool_and(a.state = 'idle'), true),
                'locks', (SELECT count(*)::int FROM pg_locks l WHERE l.pid = ANY (array_agg(a.pid))))
               FROM pg_stat_activity a
              WHERE a.application_name = 'pgmcp' AND a.datname = current_database()) AS "pgmcpBackends",
            (SELECT coalesce(array_agg(concat_ws(' ', pid, application_name, backend_start, state, query_start, query) ORDER BY pid), '{}')
               FROM pg_stat_activity WHERE pid IN (${idleVictimPid}, ${busyVictimPid})) AS victims,
            (SELECT coalesce(array_agg(f || ' ' || (pg_stat_file(${dirLiteral} || '/' || f)).size ORDER BY f), '{}')
               FROM pg_ls_dir(${dirLiteral}) f) AS "labFiles",
            (SELECT array_agg(p || ' ' || coalesce((s).size || ' bytes, modified ' || (s).modification, 'absent') ORDER BY p)
               FROM (SELECT p, pg_stat_file(p, true) AS s FROM unnest(ARRAY[${CORPUS_FILES.map(quoteLiteral).join(', ')}]) p) f) AS "corpusFiles",
            (SELECT coalesce(array_agg(f ORDER BY f), '{}') FROM pg_ls_dir('/tmp') f WHERE f LIKE 'PG\\_${major}\\_%') AS "tmpTablespaces",
            (SELECT array_agg(f ORDER BY f) FROM pg_ls_dir('.') f) AS "dataDirectory"`);
        return {
          relations: await relations(client),
          catalogs,
          ...rows[0]!,
          notifications: [...notifications],
        };
      } finally {
        await client.end();
      }
    },

    client: (sessionKey, access) => harness.client({ sessionKey, ...(access ? { access } : {}) }),

    async call(client, tool, args) {
      const before = harness.events.length;
      const result = await client.callTool({ name: tool, arguments: args });
      const text = textOf(result);
      if (text.includes(secretToken) || text.includes(listingToken))
        lab.leaks.push(lab.redact(`${tool} ${JSON.stringify(args)} → ${text.slice(0, 300)}`));
      const structured = result.structuredContent as Record<string, unknown> | undefined;
      if (!result.isError) return { verdict: 'ran', text, ...(structured ? { structured } : {}) };
      const event = harness.events.slice(before).find((e) => e.kind === 'statement_refused');
      if (event) return { verdict: 'guard', code: event.code, text };
      return { verdict: text.startsWith('Invalid arguments for') ? 'input' : 'database', text };
    },

    async unguarded(sql, inspect) {
      const client = new pg.Client({
        connectionString: db.url,
        application_name: 'pgmcp-safety-control',
        options: '-c default_transaction_read_only=on -c standard_conforming_strings=on',
      });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query('SET LOCAL statement_timeout = 5000');
        let outcome: UnguardedOutcome;
        try {
          const result = await client.query(sql);
          outcome = { ok: true, text: JSON.stringify(result.rows) };
        } catch (error) {
          outcome = { ok: false, text: (error as Error).message };
        }
        await client.query('ROLLBACK');
        return await inspect(outcome);
      } finally {
        await client.end();
      }
    },

    async sessionState(client, connection) {
      const outcome = await lab.call(client, 'query_database', {
        connection_id: connection,
        query: `SELECT (SELECT count(*) FROM pg_prepared_statements) AS prepared_statements,
                       (SELECT count(*) FROM pg_cursors WHERE name <> '') AS cursors,
                       (SELECT count(*) FROM pg_listening_channels()) AS listening_channels,
                       pg_my_temp_schema()::regnamespace::text AS temp_schema,
                       (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS advisory_locks,
                       current_user, session_user,
                       current_setting('role') AS role,
                       current_setting('search_path') AS search_path,
                       current_setting('default_transaction_read_only') AS default_transaction_read_only,
                       current_setting('default_transaction_isolation') AS default_transaction_isolation,
                       current_setting('standard_conforming_strings') AS standard_conforming_strings,
                       current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
                       current_setting('statement_timeout') AS statement_timeout,
                       current_setting('pgmcp.x', true) AS custom_setting,
                       current_setting('a.b', true) AS other_custom_setting`,
      });
      if (outcome.verdict !== 'ran') throw new Error(`Reading the session state failed: ${outcome.text}`);
      const { columns, rows } = outcome.structured as { columns: { name: string }[]; rows: unknown[][] };
      return Object.fromEntries(columns.map((column, i) => [column.name, rows[0]?.[i]]));
    },

    async close() {
      await harness.close();
      await listener.end().catch(() => undefined);
      await adminQuery(db.adminUrl, `SELECT pg_cancel_backend(${busyVictimPid})`).catch(() => undefined);
      await busyQuery;
      await Promise.all([idleVictim.end(), busyVictim.end()].map((p) => p.catch(() => undefined)));
      await serverShell(`rm -rf ${dir}`);
      await adminQuery(
        db.adminUrl,
        `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE ${quoteLiteral(`${lab.objectPrefix}%`)}`,
      );
    },
  };
  return lab;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
