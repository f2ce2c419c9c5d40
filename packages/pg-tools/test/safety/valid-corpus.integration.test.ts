/**
 * The other half of the guarantee: valid reads are never refused. Every query of the guard's valid
 * corpus goes through the real query_database tool on a read-only connection (as the superuser) on
 * test/guard/fixture.sql, and must come back with the same columns and row count PostgreSQL gives
 * when the query runs directly. Reads that EXPLAIN can wrap also go through execute_explain with
 * ANALYZE, which runs them.
 */
import { readFile } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, textOf, type ToolsHarness, toolsHarness } from '../helpers.js';
import { VALID_CORPUS } from '../guard/valid-corpus.js';

const db = useTestDatabase('safety-valid');
let harness: ToolsHarness;
let mcp: Client;
let direct: pg.Client;
const accepted = { query: 0, explain: 0, explainable: 0 };

/** Statements EXPLAIN can wrap: not SHOW, not EXPLAIN itself. */
const explainable = (sql: string) => !/^\s*(SHOW|EXPLAIN)\b/i.test(sql);

beforeAll(async () => {
  await adminQuery(db.url, await readFile(new URL('../guard/fixture.sql', import.meta.url), 'utf8'));
  harness = toolsHarness([{ name: 'ro', url: db.url, statementTimeoutMs: 10_000 }]);
  mcp = await harness.client({ sessionKey: 'reader' });
  direct = new pg.Client({ connectionString: db.url });
  await direct.connect();
});

afterAll(async () => {
  await harness?.close();
  await direct?.end();
  console.info(
    `safety/valid-corpus on PostgreSQL ${db.major}: query_database accepted ${accepted.query}/${VALID_CORPUS.length}; ` +
      `execute_explain (analyze) accepted ${accepted.explain}/${accepted.explainable}`,
  );
});

/** Runs `sql` directly, read-only, for the reference answer. */
async function reference(sql: string): Promise<{ columns: string[]; rows: number }> {
  await direct.query('BEGIN READ ONLY');
  try {
    const result = await direct.query({ text: sql, rowMode: 'array' });
    return { columns: result.fields.map((field) => field.name), rows: result.rows.length };
  } finally {
    await direct.query('ROLLBACK');
  }
}

describe('the valid corpus through the real tools on a read-only superuser connection', () => {
  it.each(VALID_CORPUS.map((entry) => [entry.note, entry.sql] as const))(
    '%s: query_database answers like PostgreSQL',
    async (_note, sql) => {
      const result = await mcp.callTool({ name: 'query_database', arguments: { query: sql, limit: 1000 } });
      expect(result.isError, textOf(result)).toBeFalsy();
      accepted.query++;
      const expected = await reference(sql);
      const structured = result.structuredContent as { columns: { name: string }[]; row_count: number };
      expect(structured.columns.map((column) => column.name)).toEqual(expected.columns);
      expect(structured.row_count).toBe(Math.min(expected.rows, 1000));
      expect(harness.events).toEqual([]);
    },
  );

  it.each(VALID_CORPUS.filter((entry) => explainable(entry.sql)).map((e) => [e.note, e.sql] as const))(
    '%s: execute_explain runs it with ANALYZE',
    async (_note, sql) => {
      accepted.explainable++;
      const result = await mcp.callTool({
        name: 'execute_explain',
        arguments: { query: sql, analyze: true },
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(textOf(result)).toContain('(The query ran in a read-only transaction that was rolled back.)');
      accepted.explain++;
    },
  );
});
