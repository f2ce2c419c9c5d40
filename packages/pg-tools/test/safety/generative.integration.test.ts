/**
 * Property test on the real query path: fast-check splices attack fragments (deny-listed calls
 * aimed at the lab's secret file and victims, stacked statements, locking clauses, data-modifying
 * CTEs, COMMIT, comments, dollar quotes, E'' escapes) into valid queries at random places and sends
 * them through query_database, execute_explain and count_rows on a read-only superuser connection.
 * Whatever the guard accepts really runs; after every batch, a snapshot taken outside pgmcp must
 * equal the baseline and no output may contain the secret.
 */
import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers.js';
import { VALID_CORPUS } from '../guard/valid-corpus.js';
import {
  type CallOutcome,
  LARGE_OBJECT,
  type Lab,
  openLab,
  quoteLiteral,
  READ_ONLY,
  type StateSnapshot,
} from './lab.js';

/** Statements per batch, and batches: 800 real round trips, about 10 s alone on two cores. */
const BATCH = 8;
const BATCHES = 100;
const SEED = 20_251_121;

const db = useTestDatabase('safety-generative');
let lab: Lab;
let client: Client;
let baseline: StateSnapshot;
let attacks: string[] = [];
let nearMisses: string[] = [];
const counts = { sent: 0, guard: 0, input: 0, database: 0, ran: 0, batches: 0, ms: 0 };

beforeAll(async () => {
  lab = await openLab(db);
  const [{ dblink } = { dblink: false }] = await adminQuery<{ dblink: boolean }>(
    db.url,
    "SELECT to_regprocedure('dblink_exec(text, text)') IS NOT NULL AS dblink",
  );
  const { dir, secretPath } = lab;
  attacks = [
    ` pg_read_file('${secretPath}') `,
    `, pg_read_file('${secretPath}')`,
    `, (SELECT string_agg(f, ',') FROM pg_ls_dir('${dir}') f)`,
    ' x.pg_read_file ',
    `('${secretPath}'::text).pg_read_file`,
    `, lo_export(${LARGE_OBJECT}, '${dir}/spliced')`,
    ', pg_advisory_lock(77)',
    `, pg_terminate_backend(${lab.idleVictimPid})`,
    `, pg_cancel_backend(${lab.busyVictimPid})`,
    "pg_catalog.set_config('search_path', 'pg_temp', false)",
    '"nextval"(\'canary_seq\')',
    ", setval('canary_seq', 1)",
    ", pg_notify('pgmcp_safety', 'spliced')",
    ' UNION SELECT pg_stat_reset()',
    "(SELECT query_to_xml('DELETE FROM canary', true, true, ''))",
    ...(dblink ? [`dblink_exec(${quoteLiteral(lab.conninfo)}, 'DELETE FROM canary')`] : []),
    ", canary_write('spliced')",
    '; DELETE FROM canary',
    '; COMMIT; DELETE FROM canary',
    `; COPY (SELECT 1) TO PROGRAM 'cat > ${dir}/spliced'`,
    ' FOR UPDATE',
    ' INTO stolen ',
    'WITH d AS (DELETE FROM canary RETURNING *) ',
    '(WITH d AS (DELETE FROM canary RETURNING 1) SELECT 1)',
    "WITH u AS (UPDATE canary SET note = 'spliced' RETURNING 1) ",
    'COMMIT',
    ' /* ',
    ' */ ',
    ' -- ',
    '\n',
    "'",
    '"',
    '$$',
    '$q$',
    '(',
    ')',
    "E'\\''",
    "\\'",
    "E'\\x27; DELETE FROM canary; --'",
    ' OR true ',
  ];
  // Near misses: attack text made inert (in a comment, a literal, an alias). The guard may accept
  // these, and then PostgreSQL really runs them.
  nearMisses = [
    ' ',
    '/* x */',
    ` /* pg_read_file('${secretPath}') */ `,
    ' -- ; DELETE FROM canary\n',
    '\n-- COMMIT\n',
    ' /* ; DROP TABLE canary; */ ',
    ` '; DELETE FROM canary; --' `,
    ' $x$; COMMIT; DELETE FROM canary; $x$ ',
    ` E'\\x27); SELECT pg_read_file(''${secretPath}'') --' `,
    ' AS "pg_read_file" ',
  ];
  client = await lab.client('generative');
  baseline = await lab.snapshot();
}, 120_000);

afterAll(async () => {
  await lab?.close();
  console.info(
    `safety/generative on PostgreSQL ${db.major}: ${counts.batches} batches, ${counts.sent} spliced statements in ${(counts.ms / 1000).toFixed(1)} s ` +
      `(refused by the guard ${counts.guard}, by argument validation ${counts.input}; accepted ${counts.ran + counts.database}: ${counts.ran} ran, ${counts.database} failed in PostgreSQL); nothing changed`,
  );
});

/** Inserts each fragment at a relative position: anywhere, or (more often valid) at a space. */
function splice(base: string, splices: [string, number, boolean][]): string {
  return splices.reduce((sql, [fragment, at, atSpace]) => {
    const spaces = [...sql.matchAll(/ /g)].map((match) => match.index);
    const index = atSpace
      ? (spaces[Math.floor(at * spaces.length)] ?? sql.length)
      : Math.floor(at * sql.length);
    return sql.slice(0, index) + fragment + sql.slice(index);
  }, base);
}

type Call = { tool: 'query_database' | 'execute_explain' | 'count_rows'; text: string };

function calls(): fc.Arbitrary<Call> {
  const splices = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...attacks), fc.constantFrom(...nearMisses)),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.boolean(),
    ),
    { minLength: 1, maxLength: 3 },
  );
  const statement = fc
    .tuple(fc.constantFrom(...VALID_CORPUS.map((entry) => entry.sql)), splices)
    .map(([base, s]) => splice(base, s));
  const where = fc
    .tuple(fc.constantFrom("status = 'paid'", 'total > 100', "note LIKE '%x%'", 'id IN (1, 2)'), splices)
    .map(([base, s]) => splice(base, s));
  return fc.oneof(
    { weight: 3, arbitrary: statement.map((text): Call => ({ tool: 'query_database', text })) },
    { weight: 1, arbitrary: statement.map((text): Call => ({ tool: 'execute_explain', text })) },
    { weight: 1, arbitrary: where.map((text): Call => ({ tool: 'count_rows', text })) },
  );
}

function argumentsOf(call: Call): Record<string, unknown> {
  switch (call.tool) {
    case 'query_database':
      return { connection_id: READ_ONLY, query: call.text };
    case 'execute_explain':
      return { connection_id: READ_ONLY, query: call.text, analyze: true };
    case 'count_rows':
      return { connection_id: READ_ONLY, table: 'orders', where: call.text };
  }
}

describe('spliced attacks through the real tools on a read-only superuser connection', () => {
  it('never change anything, whatever the guard lets through', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(calls(), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const accepted: string[] = [];
        for (const call of batch) {
          const outcome: CallOutcome = await lab.call(client, call.tool, argumentsOf(call));
          counts.sent++;
          counts[outcome.verdict]++;
          if (outcome.verdict === 'ran' || outcome.verdict === 'database')
            accepted.push(lab.redact(`${call.tool}: ${JSON.stringify(call.text)}`));
        }
        counts.batches++;
        // Refused statements never reached PostgreSQL: if anything changed, one of these did it.
        expect(lab.leaks, accepted.join('\n')).toEqual([]);
        expect(await lab.snapshot(), accepted.join('\n')).toEqual(baseline);
      }),
      // A failing batch leaves the database changed, which would fail every shrunk batch too.
      { numRuns: BATCHES, seed: SEED, endOnFailure: true },
    );
    counts.ms = performance.now() - started;
    // Both outcomes must occur often, or the property would prove nothing.
    expect(counts.ran).toBeGreaterThan(BATCH * BATCHES * 0.05);
    expect(counts.guard).toBeGreaterThan(BATCH * BATCHES * 0.5);
    expect(await lab.sessionState(client, READ_ONLY)).toMatchObject({
      prepared_statements: 0,
      cursors: 0,
      listening_channels: 0,
      advisory_locks: 0,
      search_path: '"$user", public',
      custom_setting: null,
    });
    expect(lab.busyVictimOutcome()).toBeUndefined();
  }, 120_000);
});
