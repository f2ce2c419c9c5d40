/**
 * Runs against the harness's real PostgreSQL (18 by default; PGMCP_TEST_PG_BIN=/usr/lib/postgresql/15/bin
 * for 15): every valid-corpus query runs on fixture.sql inside BEGIN READ ONLY … ROLLBACK, the deny
 * list covers the dangerous function families of the server's own catalog, and the bypasses the
 * guard exists for really work on an unguarded superuser connection.
 */
import { readFile } from 'node:fs/promises';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStatement, DENY_LIST } from '../../src/guard/index.js';
import { VALID_CORPUS, type FixtureObject } from './valid-corpus.js';

const db = useTestDatabase('guard-valid-corpus');
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query(await readFile(new URL('./fixture.sql', import.meta.url), 'utf8'));
});

afterAll(async () => {
  await client?.end();
});

async function inReadOnlyTransaction<T>(run: () => Promise<T>): Promise<T> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query("SET LOCAL statement_timeout = '10s'");
    return await run();
  } finally {
    await client.query('ROLLBACK');
  }
}

const FIXTURE_CHECKS: Record<FixtureObject, string> = {
  customers: "SELECT to_regclass('customers') IS NOT NULL",
  orders: "SELECT to_regclass('orders') IS NOT NULL",
  orders_id_seq: "SELECT to_regclass('orders_id_seq') IS NOT NULL",
  products: "SELECT to_regclass('products') IS NOT NULL",
  releases: "SELECT to_regclass('releases') IS NOT NULL",
  places: "SELECT to_regclass('places') IS NOT NULL",
  items: "SELECT to_regclass('items') IS NOT NULL",
  order_totals: "SELECT to_regclass('order_totals') IS NOT NULL",
  st_distance: "SELECT to_regprocedure('st_distance(point, point)') IS NOT NULL",
  st_makepoint: "SELECT to_regprocedure('st_makepoint(float8, float8)') IS NOT NULL",
  similarity: "SELECT to_regprocedure('similarity(text, text)') IS NOT NULL",
  vector_operators: "SELECT to_regoperator('<->(float8[], float8[])') IS NOT NULL",
};

describe(`the valid corpus on a real PostgreSQL`, () => {
  it('has every fixture object the corpus names', async () => {
    const needed = new Set(VALID_CORPUS.flatMap((entry) => entry.needs));
    for (const object of needed) {
      const { rows } = await client.query<{ exists: boolean }>(`${FIXTURE_CHECKS[object]} AS exists`);
      expect(rows[0]?.exists, object).toBe(true);
    }
  });

  it.each(VALID_CORPUS.map((entry) => [entry.note, entry.sql] as const))(
    '%s: runs read-only',
    async (_note, sql) => {
      expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({ ok: true });
      await inReadOnlyTransaction(() => client.query(sql));
    },
  );
});

describe('the deny list against the server’s catalog', () => {
  // Families of built-in functions that read files, change state or reach other backends; every
  // member the server has must be refused, so a new PostgreSQL release cannot add one silently.
  const DANGEROUS = [
    '^pg_read_',
    '^pg_ls_',
    '^pg_stat_file$',
    '^lo_(import|export)$',
    '^pg_(create|drop|copy)_.*replication_slot$',
    '^pg_replication_origin_(create|drop|advance|session_setup|session_reset|xact_setup|xact_reset)$',
    '^pg_logical_slot_',
    '^pg_stat_reset',
    '^pg_(try_)?advisory_',
    '^pg_(terminate|cancel)_backend$',
    '^pg_(reload_conf|rotate_logfile|promote|switch_wal|create_restore_point)$',
    '^pg_(backup_start|backup_stop|start_backup|stop_backup)$',
    '^pg_wal_replay_(pause|resume)$',
    '^(set_config|nextval|setval|pg_notify|txid_current|pg_current_xact_id)$',
    '^(query|cursor|table|schema|database)_to_xml',
    '^ts_stat$',
    '^pg_(restore|clear)_(relation|attribute)_stats$',
    '^pg_log_backend_memory_contexts$',
    '^binary_upgrade_',
  ];

  it('refuses every built-in function of the dangerous families', async () => {
    const { rows } = await client.query<{ proname: string; nargs: number }>(
      `SELECT DISTINCT proname, pronargs AS nargs FROM pg_proc
        WHERE pronamespace = 'pg_catalog'::regnamespace AND proname ~ $1 ORDER BY proname`,
      [DANGEROUS.join('|')],
    );
    expect(rows.length).toBeGreaterThan(60);
    const missed: string[] = [];
    for (const { proname, nargs } of rows) {
      const args = Array.from({ length: nargs }, () => 'NULL').join(', ');
      const verdict = await checkStatement(`SELECT ${proname}(${args})`, { allowWrites: false });
      if (verdict.ok || verdict.code !== 'DENIED_FUNCTION') missed.push(proname);
    }
    expect(missed).toEqual([]);
  });

  it('names real functions: every exact core entry exists in this server’s catalog', async () => {
    // Extension functions and names from other major versions are not in this catalog.
    const elsewhere = new Set([
      // extensions: adminpack, pg_stat_statements, pg_walinspect, tablefunc
      'pg_logdir_ls',
      'pg_rotate_logfile_old',
      'pg_logfile_rotate',
      'pg_stat_statements_reset',
      'pg_get_wal_record_info',
      'pg_get_wal_records_info',
      'pg_get_wal_block_info',
      'pg_get_wal_stats',
      'connectby',
      // extension: hypopg
      'hypopg_create_index',
      'hypopg_drop_index',
      'hypopg_reset',
      'hypopg_reset_index',
      'hypopg_hide_index',
      'hypopg_unhide_index',
      'hypopg_unhide_all_indexes',
      // before 10 / before 15
      'pg_switch_xlog',
      'pg_xlog_replay_pause',
      'pg_xlog_replay_resume',
      'pg_start_backup',
      'pg_stop_backup',
      // 16 and later
      'pg_log_standby_snapshot',
      'pg_sync_replication_slots',
      'pg_restore_relation_stats',
      'pg_restore_attribute_stats',
      'pg_clear_relation_stats',
      'pg_clear_attribute_stats',
      // internal, not callable from SQL
      'pg_signal_backend',
    ]);
    const names = DENY_LIST.filter(
      (entry) => entry.object === 'function' && entry.match === 'exact' && !elsewhere.has(entry.name),
    ).map((entry) => entry.name);
    const { rows } = await client.query<{ name: string }>(
      'SELECT n AS name FROM unnest($1::text[]) AS n WHERE NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = n)',
      [names],
    );
    expect(rows.map((row) => row.name)).toEqual([]);
  });
});

describe('the bypasses are real on an unguarded superuser connection', () => {
  it('attribute notation calls the function', async () => {
    const sql = "SELECT x.pg_ls_dir FROM unnest(ARRAY['.']) x";
    const { rows } = await inReadOnlyTransaction(() => client.query(sql));
    expect(rows.length).toBeGreaterThan(0);
    expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({
      ok: false,
      code: 'DENIED_FUNCTION',
    });
  });

  it('with standard_conforming_strings off, text inside a plain literal becomes a call', async () => {
    const sql = "SELECT '\\'' || (SELECT count(*) FROM pg_ls_dir($$.$$)) || ' --' AS result";
    const { rows } = await inReadOnlyTransaction(async () => {
      await client.query('SET LOCAL standard_conforming_strings = off');
      await client.query('SET LOCAL escape_string_warning = off');
      return client.query<{ result: string }>(sql);
    });
    expect(rows[0]?.result).toMatch(/^'\d+ --$/);
    expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({
      ok: false,
      code: 'AMBIGUOUS_STRING_LITERAL',
    });
  });

  it('a READ ONLY transaction does not stop file reads or XID assignment', async () => {
    const { rows } = await inReadOnlyTransaction(() =>
      client.query<{ conf: string; xid: string }>(
        "SELECT length(pg_read_file('postgresql.conf')) > 0 AS conf, txid_current()::text AS xid",
      ),
    );
    expect(rows[0]).toMatchObject({ conf: true });
    for (const sql of ["SELECT pg_read_file('postgresql.conf')", 'SELECT txid_current()']) {
      expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({
        ok: false,
        code: 'DENIED_FUNCTION',
      });
    }
  });
});
