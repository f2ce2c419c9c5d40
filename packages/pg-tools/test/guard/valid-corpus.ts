/**
 * Read queries the guard must accept on a read-only connection. Each names the objects of
 * test/guard/fixture.sql it needs; valid-corpus.integration.test.ts runs every one of them against
 * that fixture on a real PostgreSQL (15 and 18) inside BEGIN READ ONLY … ROLLBACK.
 */

/** Objects created by fixture.sql. */
export type FixtureObject =
  | 'customers'
  | 'orders'
  | 'orders_id_seq'
  | 'products'
  | 'releases'
  | 'places'
  | 'items'
  | 'order_totals'
  | 'st_distance'
  | 'st_makepoint'
  | 'similarity'
  | 'vector_operators';

export interface ValidEntry {
  readonly sql: string;
  readonly note: string;
  readonly needs: readonly FixtureObject[];
}

const v = (sql: string, note: string, needs: readonly FixtureObject[] = []): ValidEntry => ({
  sql,
  note,
  needs,
});

export const VALID_CORPUS: readonly ValidEntry[] = [
  v('SELECT 1', 'constant'),
  v('SELECT 1;', 'trailing semicolon'),
  v('SELECT * FROM orders; -- trailing comment', 'trailing semicolon and comment', ['orders']),
  v('/* leading comment */ SELECT count(*) FROM customers', 'leading comment', ['customers']),
  v('(SELECT 1) UNION (SELECT 2)', 'parenthesised set operation'),
  v('TABLE customers', 'TABLE', ['customers']),
  v('TABLE order_totals', 'TABLE of a view', ['order_totals']),
  v("VALUES (1, 'a'), (2, 'b') ORDER BY 1 DESC", 'VALUES'),
  v('SHOW work_mem', 'SHOW'),
  v('SHOW ALL', 'SHOW ALL'),
  v('SHOW search_path', 'SHOW search_path'),
  v('EXPLAIN SELECT * FROM orders WHERE total > 100', 'EXPLAIN', ['orders']),
  v('EXPLAIN ANALYZE SELECT count(*) FROM orders', 'EXPLAIN ANALYZE of a read', ['orders']),
  v(
    'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id',
    'EXPLAIN options',
    ['customers', 'orders'],
  ),
  v('EXPLAIN (ANALYZE false, VERBOSE) VALUES (1)', 'EXPLAIN of VALUES'),
  v(
    'SELECT id, customer_id, total, rank() OVER (PARTITION BY customer_id ORDER BY total DESC) FROM orders',
    'window function',
    ['orders'],
  ),
  v(
    'SELECT id, lag(total) OVER w, lead(total) OVER w FROM orders WINDOW w AS (ORDER BY created_at)',
    'named window',
    ['orders'],
  ),
  v(
    'SELECT sum(total) OVER (ORDER BY created_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM orders',
    'window frame',
    ['orders'],
  ),
  v('SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM orders', 'WITHIN GROUP', ['orders']),
  v('SELECT mode() WITHIN GROUP (ORDER BY status) FROM orders', 'mode() WITHIN GROUP', ['orders']),
  v(
    "SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) AS all_orders FROM orders",
    'aggregate FILTER',
    ['orders'],
  ),
  v(
    'SELECT customer_id, status, sum(total) FROM orders GROUP BY GROUPING SETS ((customer_id), (status), ())',
    'GROUPING SETS',
    ['orders'],
  ),
  v('SELECT customer_id, status, sum(total) FROM orders GROUP BY CUBE (customer_id, status)', 'CUBE', [
    'orders',
  ]),
  v('SELECT customer_id, status, sum(total) FROM orders GROUP BY ROLLUP (customer_id, status)', 'ROLLUP', [
    'orders',
  ]),
  v(
    'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT sum(n) FROM t',
    'recursive CTE',
  ),
  v(
    'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SEARCH DEPTH FIRST BY n SET ord SELECT n FROM t ORDER BY ord',
    'recursive CTE with SEARCH',
  ),
  v('WITH a AS (WITH b AS (SELECT 1 AS x) SELECT x FROM b) SELECT * FROM a', 'nested CTE'),
  v(
    'WITH paid AS (SELECT * FROM orders WHERE status = $$paid$$), per_customer AS (SELECT customer_id, sum(total) AS s FROM paid GROUP BY customer_id) SELECT c.name, p.s FROM per_customer p JOIN customers c ON c.id = p.customer_id',
    'chained CTEs',
    ['orders', 'customers'],
  ),
  v(
    'SELECT c.name, o.total FROM customers c CROSS JOIN LATERAL (SELECT total FROM orders o WHERE o.customer_id = c.id ORDER BY created_at DESC LIMIT 1) o',
    'LATERAL',
    ['customers', 'orders'],
  ),
  v(
    "SELECT (profile->>'age')::int AS age FROM customers WHERE profile @> '{\"vip\": true}'",
    'jsonb ->> and @>',
    ['customers'],
  ),
  v(
    "SELECT profile->'langs'->>0, profile #>> '{langs,1}' FROM customers WHERE profile ? 'langs'",
    'jsonb paths',
    ['customers'],
  ),
  v("SELECT jsonb_path_query(items, '$[*].sku') FROM orders", 'jsonb_path_query', ['orders']),
  v('SELECT jsonb_agg(o ORDER BY o.id) FROM orders o', 'jsonb_agg', ['orders']),
  v("SELECT jsonb_build_object('id', id, 'name', name) FROM customers", 'jsonb_build_object', ['customers']),
  v(
    "SELECT tags[1], array_length(tags, 1), cardinality(tags) FROM customers WHERE 'vip' = ANY (tags)",
    'arrays',
    ['customers'],
  ),
  v('SELECT * FROM unnest(ARRAY[1, 2, 3]) WITH ORDINALITY AS u(v, i)', 'unnest WITH ORDINALITY'),
  v('SELECT generate_series(1, 5)', 'generate_series'),
  v(
    "SELECT date_trunc('day', d) FROM generate_series(timestamp '2024-01-01', timestamp '2024-01-07', interval '1 day') AS d",
    'generate_series over time',
  ),
  v("SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) AS r(n, s)", 'ROWS FROM'),
  v(
    "SELECT name FROM customers WHERE name ~* '^a' OR email ~ '^[^@]+@\\w+\\.\\w+$'",
    'regex with backslashes',
    ['customers'],
  ),
  v(
    "SELECT regexp_replace(note, '\\d+', '#', 'g') FROM orders WHERE note SIMILAR TO '%[0-9]%'",
    'regexp_replace, SIMILAR TO',
    ['orders'],
  ),
  v(
    'SELECT DISTINCT ON (customer_id) customer_id, total FROM orders ORDER BY customer_id, total DESC',
    'DISTINCT ON',
    ['orders'],
  ),
  v(
    'SELECT * FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)',
    'EXISTS subquery',
    ['customers', 'orders'],
  ),
  v('SELECT * FROM customers WHERE id IN (SELECT customer_id FROM orders)', 'IN subquery', [
    'customers',
    'orders',
  ]),
  v('SELECT (SELECT max(total) FROM orders) AS max_total', 'scalar subquery', ['orders']),
  v('SELECT * FROM orders ORDER BY id OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY', 'OFFSET … FETCH FIRST', [
    'orders',
  ]),
  v('SELECT * FROM orders ORDER BY status FETCH FIRST 1 ROWS WITH TIES', 'WITH TIES', ['orders']),
  v('SELECT * FROM orders ORDER BY id LIMIT 2 OFFSET 1', 'LIMIT / OFFSET', ['orders']),
  v(
    'SELECT id FROM orders UNION SELECT id FROM customers INTERSECT SELECT 1 EXCEPT SELECT 2',
    'set operations',
    ['orders', 'customers'],
  ),
  v("SELECT '2024-01-01'::date + 1, CAST('42' AS int), 1.5::numeric(10, 2), '1 day'::interval", 'casts'),
  v("SELECT current_setting('work_mem'), current_setting('pgmcp.missing', true)", 'current_setting'),
  v("SELECT pg_size_pretty(pg_relation_size('orders')), pg_total_relation_size('orders')", 'sizes', [
    'orders',
  ]),
  v('SELECT version(), now(), current_user, current_database()', 'server information'),
  v(
    "SELECT 'a;b' AS semi, 'commit' AS c, 'insert into x values (1)' AS i, 'pg_read_file(''/etc/passwd'')' AS p",
    'keywords and a denied name inside literals',
  ),
  v('SELECT $$ ; DROP TABLE orders; $$ AS d, $t$ COMMIT $t$ AS e', 'statements inside dollar quotes'),
  v(
    "SELECT * FROM orders WHERE note LIKE '%; call%' OR note ILIKE '%pg_read_file%'",
    'LIKE patterns with ; and a denied name',
    ['orders'],
  ),
  v("SELECT E'line\\nbreak', E'it\\'s', 'It''s'", 'escape strings and doubled quotes'),
  v("SELECT 'C:\\temp\\file.txt' AS path", 'backslashes that do not precede a quote'),
  v('SELECT "select", "order", "commit" FROM releases ORDER BY "order"', 'keyword column names', [
    'releases',
  ]),
  v(
    'SELECT r."commit", r."select" + 1 FROM releases r WHERE r."commit" <> $$x$$',
    'qualified keyword columns',
    ['releases'],
  ),
  v('SELECT p.lo_price, p.hi_price FROM products p', 'qualified column starting with lo_', ['products']),
  v("SELECT 1 AS nextval, 'x' AS setval, 2 AS pg_read_file", 'aliases named like denied functions'),
  v(
    'SELECT name, st_distance(st_makepoint(0, 0), location) AS d FROM places ORDER BY d LIMIT 2',
    'PostGIS-style calls',
    ['places', 'st_distance', 'st_makepoint'],
  ),
  v("SELECT name, similarity(name, 'alice') FROM customers ORDER BY 2 DESC", 'pg_trgm-style similarity()', [
    'customers',
    'similarity',
  ]),
  v(
    'SELECT id FROM items ORDER BY embedding <-> ARRAY[0.1, 0.2, 0.3]::float8[] LIMIT 2',
    'pgvector-style <->',
    ['items', 'vector_operators'],
  ),
  v('SELECT id, embedding <=> ARRAY[1, 0, 0]::float8[] AS d FROM items', 'pgvector-style <=>', [
    'items',
    'vector_operators',
  ]),
  v("SELECT name FROM places ORDER BY location <-> point '(0,0)' LIMIT 2", 'built-in <-> distance', [
    'places',
  ]),
  v(
    "SELECT to_tsvector('english', note) @@ to_tsquery('english', 'urgent') FROM orders",
    'full-text search',
    ['orders'],
  ),
  v("SELECT ts_rewrite('a & b'::tsquery, 'a'::tsquery, 'c'::tsquery)", 'three-argument ts_rewrite is pure'),
  v('SELECT xmlelement(name customer, xmlattributes(id AS id), name) FROM customers', 'XML constructor', [
    'customers',
  ]),
  v("SELECT to_char(created_at, 'YYYY-MM'), format('%s-%s', id, status) FROM orders", 'formatting', [
    'orders',
  ]),
  v(
    "SELECT CASE WHEN total > 100 THEN 'big' ELSE 'small' END, coalesce(note, ''), nullif(status, ''), greatest(1, 2) FROM orders",
    'CASE and friends',
    ['orders'],
  ),
  v(
    'SELECT array_agg(DISTINCT status ORDER BY status), string_agg(status, $$,$$) FROM orders',
    'ordered aggregates',
    ['orders'],
  ),
  v(
    "SELECT * FROM orders WHERE created_at > timestamptz '2024-03-06' - interval '30 days'",
    'interval arithmetic',
    ['orders'],
  ),
  v('SELECT pg_sleep(0)', 'pg_sleep is bounded by statement_timeout'),
  v('SELECT txid_current_if_assigned(), pg_current_xact_id_if_assigned()', 'xact ids that assign nothing'),
  v('SELECT last_value FROM orders_id_seq', 'reading a sequence', ['orders_id_seq']),
  v('SELECT pid, state FROM pg_stat_activity WHERE pid = pg_backend_pid()', 'pg_stat_activity'),
  v("SELECT name, setting FROM pg_settings WHERE name = 'work_mem'", 'reading pg_settings'),
  v("SELECT relname FROM pg_class WHERE relkind = 'r' ORDER BY relname LIMIT 5", 'catalog query'),
  v(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position",
    'information_schema',
    ['orders'],
  ),
  v('SELECT c.name, t.total FROM customers c LEFT JOIN order_totals t ON t.customer_id = c.id', 'view join', [
    'customers',
    'order_totals',
  ]),
  v("SELECT U&'d\\0061t\\+000061' AS unicode_literal", 'U& literal'),
  v('SELECT "name" AS "pg_ls_dir" FROM customers', 'quoted alias named like a denied function', [
    'customers',
  ]),
];
