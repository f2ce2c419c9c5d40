import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  analyzeStatement,
  checkStatement,
  DENY_CATEGORIES,
  DENY_LIST,
  type AnalyzeResult,
  type StatementAnalysis,
} from '../../src/guard/index.js';
import { ATTACK_CORPUS } from './attack-corpus.js';
import { VALID_CORPUS } from './valid-corpus.js';

const readOnly = { allowWrites: false } as const;
const writable = { allowWrites: true } as const;

function parsed(result: AnalyzeResult): StatementAnalysis {
  if (result.kind === 'error') throw new Error(`expected an analysis, got ${result.code}: ${result.message}`);
  return result;
}

describe('the corpora', () => {
  it('are large enough and free of duplicates', () => {
    expect(ATTACK_CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(VALID_CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ATTACK_CORPUS.map((entry) => entry.sql)).size).toBe(ATTACK_CORPUS.length);
    expect(new Set(VALID_CORPUS.map((entry) => entry.sql)).size).toBe(VALID_CORPUS.length);
  });
});

describe('read-only connection: the attack corpus', () => {
  it.each(ATTACK_CORPUS.map((entry) => [entry.family, entry.sql, entry] as const))(
    '%s: refuses %j',
    async (_family, sql, entry) => {
      const verdict = await checkStatement(sql, readOnly);
      expect(verdict.ok).toBe(false);
      if (verdict.ok) return;
      expect(verdict.code).toBe(entry.code);
      expect(verdict.message.length).toBeGreaterThan(20);
    },
  );
});

describe('write-enabled connection: the attack corpus', () => {
  it.each(ATTACK_CORPUS.map((entry) => [entry.writeMode, entry.sql] as const))(
    '%s: %j',
    async (writeMode, sql) => {
      const verdict = await checkStatement(sql, writable);
      expect(verdict.ok, JSON.stringify(verdict)).toBe(writeMode === 'allowed');
    },
  );
});

describe('the valid corpus', () => {
  it.each(VALID_CORPUS.map((entry) => [entry.note, entry.sql] as const))(
    '%s: accepts %j on both kinds of connection',
    async (_note, sql) => {
      const verdict = await checkStatement(sql, readOnly);
      expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
      expect(await checkStatement(sql, writable)).toMatchObject({ ok: true });
      if (verdict.ok) expect(verdict.analysis.writes).toBe(false);
    },
  );
});

describe('analyzeStatement', () => {
  it('classifies reads', async () => {
    expect(parsed(await analyzeStatement('SELECT 1'))).toMatchObject({
      kind: 'select',
      statementType: 'SelectStmt',
      command: 'SELECT',
      access: 'read',
      writes: false,
      findings: [],
    });
    expect(parsed(await analyzeStatement('TABLE orders'))).toMatchObject({ kind: 'table', command: 'TABLE' });
    expect(parsed(await analyzeStatement('SELECT * FROM orders'))).toMatchObject({ kind: 'select' });
    expect(parsed(await analyzeStatement('VALUES (1), (2)'))).toMatchObject({ kind: 'values' });
    expect(parsed(await analyzeStatement('SHOW work_mem'))).toMatchObject({
      kind: 'show',
      statementType: 'VariableShowStmt',
      command: 'SHOW work_mem',
    });
  });

  it('classifies writes and other statements', async () => {
    expect(parsed(await analyzeStatement('INSERT INTO t VALUES (1) RETURNING *'))).toMatchObject({
      kind: 'insert',
      access: 'write',
      writes: true,
    });
    expect(parsed(await analyzeStatement('CREATE INDEX ON t (a)'))).toMatchObject({
      kind: 'ddl',
      command: 'CREATE INDEX',
      statementType: 'IndexStmt',
      writes: true,
    });
    expect(parsed(await analyzeStatement('END'))).toMatchObject({
      kind: 'transaction',
      command: 'COMMIT',
      access: 'never',
    });
    expect(parsed(await analyzeStatement('SET LOCAL work_mem = 1'))).toMatchObject({
      kind: 'session',
      command: 'SET LOCAL work_mem',
    });
  });

  it('reports what would write inside a SELECT', async () => {
    const analysis = parsed(
      await analyzeStatement('WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d FOR UPDATE'),
    );
    expect(analysis.access).toBe('read');
    expect(analysis.writes).toBe(true);
    expect(analysis.findings.map((finding) => finding.code)).toEqual([
      'DATA_MODIFYING_CTE',
      'LOCKING_CLAUSE',
    ]);
  });

  it('describes EXPLAIN and the statement it explains', async () => {
    const plain = parsed(await analyzeStatement('EXPLAIN DELETE FROM t'));
    expect(plain).toMatchObject({ kind: 'explain', explainAnalyze: false, writes: false, access: 'write' });
    expect(plain.explained).toMatchObject({ kind: 'delete', writes: true });
    const analyzed = parsed(await analyzeStatement('EXPLAIN (ANALYZE on, BUFFERS) DELETE FROM t'));
    expect(analyzed).toMatchObject({ command: 'EXPLAIN ANALYZE', explainAnalyze: true, writes: true });
    for (const off of ['false', 'off', '0', 'no']) {
      expect(parsed(await analyzeStatement(`EXPLAIN (ANALYZE ${off}) SELECT 1`)).explainAnalyze).toBe(false);
    }
    expect(parsed(await analyzeStatement('EXPLAIN ANALYZE VERBOSE SELECT 1')).explainAnalyze).toBe(true);
  });

  it('locates findings by character, like psql', async () => {
    const analysis = parsed(await analyzeStatement("SELECT 'é', pg_read_file('x')"));
    expect(analysis.findings).toHaveLength(1);
    expect(analysis.findings[0]).toMatchObject({
      code: 'DENIED_FUNCTION',
      construct: 'pg_read_file()',
      location: 13,
    });
  });

  it('reports syntax errors with psql’s 1-based character position', async () => {
    expect(await analyzeStatement('SELECT * FORM orders')).toEqual({
      kind: 'error',
      code: 'SYNTAX_ERROR',
      message: 'syntax error at or near "FORM"',
      position: 10,
    });
    expect(await analyzeStatement("SELECT 'é' fro x")).toMatchObject({ code: 'SYNTAX_ERROR', position: 16 });
  });

  it('refuses empty input and several statements', async () => {
    for (const sql of ['', '   ', ';', '-- nothing\n']) {
      expect(await analyzeStatement(sql)).toMatchObject({ kind: 'error', code: 'EMPTY_STATEMENT' });
    }
    expect(await analyzeStatement('SELECT 1; SELECT 2')).toMatchObject({
      kind: 'error',
      code: 'MULTIPLE_STATEMENTS',
      position: 11,
    });
    expect(parsed(await analyzeStatement('SELECT 1; -- done'))).toMatchObject({ kind: 'select' });
  });

  it('refuses statements too deeply nested for the parser, and keeps working', async () => {
    const deep = await analyzeStatement(`SELECT 1${' + 1'.repeat(20_000)}`);
    expect(deep).toMatchObject({ kind: 'error', code: 'STATEMENT_TOO_COMPLEX' });
    expect(parsed(await analyzeStatement('SELECT 2'))).toMatchObject({ kind: 'select' });
  });
});

describe('checkStatement messages', () => {
  it('names the construct and says what to do instead', async () => {
    const verdict = await checkStatement("SELECT pg_read_file('/etc/passwd')", readOnly);
    expect(verdict).toMatchObject({
      ok: false,
      code: 'DENIED_FUNCTION',
      construct: 'pg_read_file()',
      position: 8,
    });
    if (verdict.ok) return;
    expect(verdict.message).toMatch(/^pg_read_file\(\) reads or writes files on the database server/);
    expect(verdict.message).toMatch(/instead/i);
  });

  it('explains attribute notation', async () => {
    const verdict = await checkStatement("SELECT x.pg_ls_dir FROM unnest(ARRAY['.']) x", readOnly);
    expect(verdict).toMatchObject({ ok: false, construct: 'x.pg_ls_dir' });
    if (!verdict.ok) expect(verdict.message).toContain('attribute notation');
  });

  it('adds the position to syntax errors', async () => {
    const verdict = await checkStatement('SELECT * FORM orders', readOnly);
    expect(verdict).toMatchObject({
      ok: false,
      code: 'SYNTAX_ERROR',
      position: 10,
      construct: 'FORM orders',
    });
    if (!verdict.ok) expect(verdict.message).toBe('syntax error at or near "FORM" (at character 10)');
  });

  it('tells a read-only connection how to get a write through', async () => {
    const verdict = await checkStatement('UPDATE orders SET total = 0', readOnly);
    expect(verdict).toMatchObject({ ok: false, code: 'WRITE_NOT_ALLOWED', construct: 'UPDATE' });
    if (!verdict.ok) expect(verdict.message).toContain('allow_writes');
  });
});

describe('write-mode policy', () => {
  it.each([
    'INSERT INTO orders (customer_id, total, status, created_at) VALUES (1, 1, $$x$$, now()) RETURNING id',
    'UPDATE orders SET status = $$paid$$ WHERE id = 1 RETURNING *',
    'DELETE FROM orders WHERE id = 1',
    'MERGE INTO products p USING (VALUES (1, 2.0)) v(id, price) ON p.id = v.id WHEN MATCHED THEN UPDATE SET lo_price = v.price',
    'WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d',
    'SELECT * FROM orders FOR UPDATE SKIP LOCKED',
    'CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY, at timestamptz DEFAULT now())',
    'CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status)',
    'ALTER TABLE orders ADD COLUMN shipped_at timestamptz',
    'ALTER TABLE orders RENAME COLUMN note TO remark',
    'CREATE VIEW paid AS SELECT * FROM orders WHERE status = $$paid$$',
    'CREATE MATERIALIZED VIEW m AS SELECT 1',
    'DROP INDEX IF EXISTS orders_status_idx',
    'DROP FUNCTION IF EXISTS old_helper(int)',
    'TRUNCATE audit',
    'CREATE SCHEMA reporting',
    'CREATE TYPE mood AS ENUM ($$ok$$, $$sad$$)',
    'CREATE SEQUENCE s; -- trailing comment',
    "SELECT nextval('orders_id_seq')",
    'VACUUM ANALYZE orders',
    'CALL refresh_stats()',
    "NOTIFY jobs, 'x'",
    'EXPLAIN ANALYZE UPDATE orders SET total = total',
    "COMMENT ON TABLE orders IS 'sales orders'",
  ])('allows %j', async (sql) => {
    expect(await checkStatement(sql, writable)).toMatchObject({ ok: true });
    expect(await checkStatement(sql, readOnly)).toMatchObject({ ok: false });
  });

  it.each([
    ['BEGIN', 'STATEMENT_NOT_ALLOWED'],
    ['COMMIT', 'STATEMENT_NOT_ALLOWED'],
    ['SET ROLE postgres', 'STATEMENT_NOT_ALLOWED'],
    ['SET SESSION AUTHORIZATION postgres', 'STATEMENT_NOT_ALLOWED'],
    ['ALTER SYSTEM SET fsync = off', 'STATEMENT_NOT_ALLOWED'],
    ["COPY orders FROM PROGRAM 'id'", 'STATEMENT_NOT_ALLOWED'],
    ["COPY orders TO '/tmp/x'", 'STATEMENT_NOT_ALLOWED'],
    ['DO $$ BEGIN END $$', 'STATEMENT_NOT_ALLOWED'],
    ['CREATE EXTENSION adminpack', 'STATEMENT_NOT_ALLOWED'],
    ["LOAD 'plpgsql'", 'STATEMENT_NOT_ALLOWED'],
    ['CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN 1', 'STATEMENT_NOT_ALLOWED'],
    ['GRANT SELECT ON orders TO PUBLIC', 'STATEMENT_NOT_ALLOWED'],
    ['ALTER TABLE orders OWNER TO postgres', 'STATEMENT_NOT_ALLOWED'],
    ['DROP EXTENSION plpgsql', 'STATEMENT_NOT_ALLOWED'],
    ['DROP ROLE someone', 'STATEMENT_NOT_ALLOWED'],
    ["UPDATE pg_settings SET setting = 'on' WHERE name = 'x'", 'SYSTEM_CATALOG_WRITE'],
    ['WITH x AS (DELETE FROM pg_catalog.pg_class RETURNING 1) SELECT 1', 'SYSTEM_CATALOG_WRITE'],
    ["INSERT INTO t SELECT pg_read_file('/etc/passwd')", 'DENIED_FUNCTION'],
    ['CREATE TABLE t (d text DEFAULT set_config($$a.b$$, $$c$$, false))', 'DENIED_FUNCTION'],
    ["ALTER TABLE t ALTER c SET DEFAULT dblink_exec('x')", 'DENIED_FUNCTION'],
    [
      'CREATE TRIGGER t AFTER INSERT ON orders EXECUTE FUNCTION pg_catalog.pg_reload_conf()',
      'DENIED_FUNCTION',
    ],
    ['COMMIT; INSERT INTO t VALUES (1)', 'MULTIPLE_STATEMENTS'],
  ])('refuses %j with %s', async (sql, code) => {
    expect(await checkStatement(sql, writable)).toMatchObject({ ok: false, code });
  });
});

describe('the README', () => {
  it('documents every deny-list entry and every code', async () => {
    const readme = await readFile(new URL('../../src/guard/README.md', import.meta.url), 'utf8');
    for (const entry of DENY_LIST) {
      expect(readme).toContain(`\`${entry.name}${entry.match === 'prefix' ? '*' : ''}\``);
    }
    const codes = (await readFile(new URL('../../src/guard/types.ts', import.meta.url), 'utf8')).match(
      /'[A-Z_]+'/g,
    );
    expect(codes?.length).toBeGreaterThan(10);
    for (const code of new Set(codes))
      expect(readme).toMatch(new RegExp(`\\| \`${code.slice(1, -1)}\` +\\|`));
  });
});

describe('the deny list', () => {
  it('is frozen, lower-case, explained and free of duplicates', () => {
    expect(Object.isFrozen(DENY_LIST)).toBe(true);
    const keys = DENY_LIST.map((entry) => `${entry.object}:${entry.match}:${entry.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of DENY_LIST) {
      expect(entry.name).toBe(entry.name.toLowerCase());
      expect(entry.why.length).toBeGreaterThan(5);
      expect(DENY_CATEGORIES[entry.category]).toBeDefined();
    }
  });

  it.each(DENY_LIST.map((entry) => [entry.category, entry.name, entry] as const))(
    '%s: %s is refused wherever it is named',
    async (_category, name, entry) => {
      const call = entry.match === 'prefix' ? `${name}x` : name;
      const args = Array.from({ length: entry.argCounts?.[0] ?? 1 }, () => "'a'").join(', ');
      const sql =
        entry.object === 'relation'
          ? `SELECT * FROM pg_catalog.${call}`
          : `SELECT 1 FROM t WHERE ${call}(${args}) IS NULL`;
      const expected = entry.object === 'relation' ? 'DENIED_RELATION' : 'DENIED_FUNCTION';
      expect(await checkStatement(sql, readOnly)).toMatchObject({ ok: false, code: expected });
      const inWriteMode = await checkStatement(sql, writable);
      expect(inWriteMode.ok).toBe(DENY_CATEGORIES[entry.category].refusedOn === 'read-only');
    },
  );

  it('matches arity-limited entries only at that arity', async () => {
    expect(await checkStatement("SELECT ts_rewrite('a'::tsquery, 'SELECT 1')", readOnly)).toMatchObject({
      ok: false,
    });
    expect(
      await checkStatement("SELECT ts_rewrite('a'::tsquery, 'a'::tsquery, 'b'::tsquery)", readOnly),
    ).toMatchObject({ ok: true });
  });
});

describe('string literals that depend on standard_conforming_strings', () => {
  it.each([
    "SELECT 'C:\\'",
    "SELECT '\\'' || pg_ls_dir($$.$$) || ' --'",
    "SELECT 'a'\n'\\'' || 1 || ' --'",
    "SELECT N'\\'' || 1 || ' --'",
  ])('refuses %j', async (sql) => {
    expect(await checkStatement(sql, readOnly)).toMatchObject({
      ok: false,
      code: 'AMBIGUOUS_STRING_LITERAL',
    });
  });

  it.each([
    "SELECT E'it\\'s'",
    "SELECT 'C:\\temp'",
    "SELECT '\\\\'",
    "SELECT $$\\'$$",
    "SELECT $t$ it\\'s $t$",
    'SELECT 1 AS "a\\"',
    "SELECT 1 -- it\\'s\n",
    "SELECT 1 /* it\\'s /* nested \\' */ */",
    "SELECT U&'\\0041'",
    "SELECT B'01', X'1F'",
  ])('accepts %j', async (sql) => {
    expect(await checkStatement(sql, readOnly)).toMatchObject({ ok: true });
  });
});
