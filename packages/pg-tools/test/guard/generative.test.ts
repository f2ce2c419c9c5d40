/**
 * Splices attack fragments into valid queries at random places and checks that whatever the
 * guard lets through is, by an oracle that does not share the guard's code, a single read that
 * calls none of the spliced functions. The oracle looks at libpg-query's raw JSON tree directly.
 */
import fc from 'fast-check';
import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkStatement, checkWhereExpression } from '../../src/guard/index.js';
import { VALID_CORPUS } from './valid-corpus.js';

const SPLICED_FUNCTIONS = [
  'pg_read_file',
  'set_config',
  'nextval',
  'lo_import',
  'dblink_exec',
  'pg_terminate_backend',
  'query_to_xml',
  'pg_ls_dir',
] as const;

const FRAGMENTS = [
  " pg_read_file('/etc/passwd') ",
  ", pg_read_file('/etc/passwd')",
  "pg_catalog.set_config('a.b', 'c', false)",
  '"nextval"(\'orders_id_seq\')',
  ", lo_import('/etc/passwd') AS x",
  ' UNION SELECT pg_terminate_backend(1)',
  "(SELECT query_to_xml('delete from orders', true, true, ''))",
  ' x.pg_ls_dir ',
  "('.'::text).pg_ls_dir",
  "dblink_exec('dbname=postgres', 'DROP TABLE orders')",
  '; DELETE FROM orders',
  '; COMMIT',
  ' FOR UPDATE',
  ' INTO stolen ',
  'WITH d AS (DELETE FROM orders RETURNING *) ',
  '(WITH d AS (DELETE FROM orders RETURNING 1) SELECT 1)',
  ' /* ',
  ' */ ',
  ' -- ',
  '\n',
  "'",
  '"',
  '$$',
  '(',
  ')',
  "E'\\''",
  "\\'",
  ' OR true ',
];

const DML = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const READS = new Set(['SelectStmt', 'VariableShowStmt']);

type Json = unknown;

function entries(value: Json): [string, Json][] {
  return typeof value === 'object' && value !== null ? Object.entries(value) : [];
}

/** Violations an accepted statement must not have, found without the guard's walker. */
function oracleViolations(sql: string): string[] {
  const tree = parseSync(sql) as { stmts: { stmt: Record<string, Json> }[] };
  if (tree.stmts.length !== 1) return [`${tree.stmts.length} statements`];
  const violations: string[] = [];
  let [type, body] = Object.entries(tree.stmts[0]!.stmt)[0]!;
  if (type === 'ExplainStmt') {
    const query = (body as { query: Record<string, Json> }).query;
    [type, body] = Object.entries(query)[0]!;
  }
  if (!READS.has(type)) violations.push(`top-level ${type}`);
  const stack: { value: Json; key: string; parent: Json }[] = [{ value: body, key: '', parent: undefined }];
  while (stack.length > 0) {
    const { value, key, parent } = stack.pop()!;
    if (DML.has(key)) violations.push(`nested ${key}`);
    if (key === 'LockingClause') violations.push('locking clause');
    if (key === 'intoClause') violations.push('INTO');
    if (key === 'String') {
      const name = String((value as { sval?: string }).sval ?? '').toLowerCase();
      // A lone field of a ColumnRef is a column, never a call.
      const loneColumn = Array.isArray(parent) && parent.length === 1;
      if ((SPLICED_FUNCTIONS as readonly string[]).includes(name) && !loneColumn)
        violations.push(`name ${name}`);
    }
    for (const [childKey, child] of entries(value)) {
      if (Array.isArray(child)) {
        for (const item of child) stack.push({ value: item, key: childKey, parent: child });
        for (const item of child)
          for (const [k, v] of entries(item)) stack.push({ value: v, key: k, parent: child });
      } else {
        stack.push({ value: child, key: childKey, parent: value });
      }
    }
  }
  return violations;
}

const bases = VALID_CORPUS.map((entry) => entry.sql).filter((sql) => !sql.startsWith('SHOW'));

const spliced = fc
  .tuple(
    fc.constantFrom(...bases),
    fc.array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.double({ min: 0, max: 1, noNaN: true })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([base, splices]) =>
    splices.reduce((sql, [fragment, at]) => {
      const index = Math.floor(at * sql.length);
      return sql.slice(0, index) + fragment + sql.slice(index);
    }, base),
  );

beforeAll(async () => {
  await loadModule();
});

// Thousands of parses each: CPU-bound, so a busy machine needs more than the default 30 s.
describe('spliced attacks', { timeout: 120_000 }, () => {
  it('never get a write or a spliced denied call past the read-only guard', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(spliced, async (sql) => {
        const verdict = await checkStatement(sql, { allowWrites: false });
        if (!verdict.ok) {
          refused++;
          return;
        }
        accepted++;
        expect(oracleViolations(sql), sql).toEqual([]);
      }),
      { numRuns: 3000, seed: 20_250_701 },
    );
    // Both outcomes must occur, or the property would prove nothing.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(1000);
  });

  it('never lets a where expression become more than one subquery-free expression', async () => {
    const expressions = fc
      .tuple(
        fc.constantFrom("status = 'paid'", 'total > 100', "note LIKE '%x%'", 'id IN (1, 2)'),
        fc.constantFrom(...FRAGMENTS, ') UNION SELECT 1 --', ' AND EXISTS (SELECT 1)', '; DROP TABLE orders'),
        fc.double({ min: 0, max: 1, noNaN: true }),
      )
      .map(([base, fragment, at]) => {
        const index = Math.floor(at * base.length);
        return base.slice(0, index) + fragment + base.slice(index);
      });
    await fc.assert(
      fc.asyncProperty(expressions, async (expression) => {
        const verdict = await checkWhereExpression(expression);
        if (!verdict.ok) return;
        const sql = `SELECT count(*) FROM orders WHERE (\n${expression}\n)`;
        expect(oracleViolations(sql), sql).toEqual([]);
        expect(JSON.stringify(parseSync(sql)), sql).not.toContain('"SubLink"');
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('answers any text with a verdict instead of throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
        const verdict = await checkStatement(text, { allowWrites: false });
        expect(typeof verdict.ok).toBe('boolean');
        const where = await checkWhereExpression(text);
        expect(typeof where.ok).toBe('boolean');
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
