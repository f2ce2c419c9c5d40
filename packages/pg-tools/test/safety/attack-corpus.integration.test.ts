/**
 * End-to-end proof of the read-only guarantee: every statement of the guard's attack corpus, and
 * probes aimed at live objects, go through the real tools (query_database, execute_explain,
 * count_rows, test_query) on a real PostgreSQL, with pgmcp connected as the SUPERUSER — so no
 * database permission helps. After each family a snapshot taken outside pgmcp must equal the
 * baseline: nothing written, no file read or written, no program run, no setting changed, no other
 * backend touched, no notification delivered, no lock or session state left behind.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Client } from '@modelcontextprotocol/client';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../helpers.js';
import { ATTACK_CORPUS } from '../guard/attack-corpus.js';
import {
  type CallOutcome,
  LARGE_OBJECT,
  type Lab,
  openLab,
  quoteLiteral,
  READ_ONLY,
  type StateSnapshot,
  WRITABLE,
} from './lab.js';

const db = useTestDatabase('safety-attacks');
let lab: Lab;
let baseline: StateSnapshot;
let readOnly: Client;
let writable: Client;
/** A caller with only read access to the write-enabled connection (no default_transaction_read_only). */
let reader: Client;
let sessionsBefore: Record<string, Record<string, unknown>>;

/** An attack aimed at the lab's own objects, whose effect the lab can observe. */
interface Probe {
  name: string;
  sql: string;
  /** The same attack as a count_rows `where` expression, where one exists. */
  where?: string;
  /**
   * What PostgreSQL alone does with it (read-only session, BEGIN READ ONLY … ROLLBACK, superuser):
   * true when the attack takes effect, so only the guard stands in the way; 'varies' between
   * versions. Probes without it (attacks on the victims) are not tried without the guard.
   */
  liveWithoutGuard?: boolean | 'varies';
  /**
   * How pgmcp ends it: the guard refuses it; PostgreSQL's READ ONLY transaction refuses it (bodies
   * of user functions, which the guard cannot see); or it runs and is inert.
   */
  verdict: 'guard' | 'database' | 'inert';
  /** Refused on write-enabled connections too. */
  everywhere: boolean;
}

function buildProbes(options: { dblink: boolean; adminpack: boolean }): Probe[] {
  const { dir, secretPath, conninfo } = lab;
  const guard = { verdict: 'guard', everywhere: true } as const;
  const probes: Probe[] = [
    {
      ...guard,
      name: 'COPY a table to a server file',
      sql: `COPY canary TO '${dir}/copy.csv'`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'COPY a query to a server file',
      sql: `COPY (SELECT * FROM canary) TO '${dir}/copy-query.csv'`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'COPY TO PROGRAM runs a shell command',
      sql: `COPY (SELECT 1) TO PROGRAM 'cat > ${dir}/program'`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'COPY FROM PROGRAM',
      sql: `COPY canary FROM PROGRAM 'touch ${dir}/program-from'`,
      liveWithoutGuard: false,
    },
    {
      ...guard,
      name: 'COPY FROM a server file',
      sql: `COPY canary FROM '${secretPath}'`,
      liveWithoutGuard: false,
    },
    {
      ...guard,
      name: 'lo_export writes a server file',
      sql: `SELECT lo_export(${LARGE_OBJECT}, '${dir}/lo-export')`,
      where: `lo_export(${LARGE_OBJECT}, '${dir}/lo-export') = 1`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'pg_read_file reads a server file',
      sql: `SELECT pg_read_file('${secretPath}')`,
      where: `pg_read_file('${secretPath}') IS NOT NULL`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'pg_read_binary_file',
      sql: `SELECT convert_from(pg_read_binary_file('${secretPath}'), 'UTF8')`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'pg_read_file by attribute notation',
      sql: `SELECT x.pg_read_file FROM unnest(ARRAY['${secretPath}']) x`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'pg_ls_dir lists a server directory',
      sql: `SELECT string_agg(f, ' ') FROM pg_ls_dir('${dir}') f`,
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'lo_import reads a server file into a large object',
      sql: `SELECT lo_get(lo_import('${secretPath}'))`,
      // PostgreSQL 18 refuses lo_import in a READ ONLY transaction; 15 does not.
      liveWithoutGuard: 'varies',
    },
    {
      ...guard,
      name: 'session-level advisory lock outlives the call',
      sql: 'SELECT pg_advisory_lock(4242)',
      where: 'pg_advisory_lock(4242) IS NOT NULL',
      liveWithoutGuard: true,
    },
    {
      ...guard,
      name: 'replication slot (not transactional)',
      sql: `SELECT pg_create_physical_replication_slot('${lab.objectPrefix}_slot')`,
      liveWithoutGuard: true,
    },
    {
      verdict: 'guard',
      everywhere: false,
      name: 'gin_clean_pending_list (not stopped by READ ONLY, not rolled back)',
      sql: "SELECT gin_clean_pending_list('gin_canary_idx')",
      liveWithoutGuard: true,
    },
    {
      verdict: 'guard',
      everywhere: false,
      name: 'brin_summarize_new_values (not stopped by READ ONLY, not rolled back)',
      sql: "SELECT brin_summarize_new_values('brin_canary_idx')",
    },
    // XML external entities would read a file without any deny-listed call; PostgreSQL never loads them.
    {
      verdict: 'inert',
      everywhere: true,
      name: 'XML external entity in xpath',
      sql: `SELECT xpath('/r/text()', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file://${secretPath}">]><r>&e;</r>'::xml)::text`,
      liveWithoutGuard: false,
    },
    {
      verdict: 'inert',
      everywhere: true,
      name: 'XML external entity in XMLTABLE',
      sql: `SELECT * FROM XMLTABLE('/r' PASSING xmlparse(document '<!DOCTYPE r [<!ENTITY e SYSTEM "${secretPath}">]><r>&e;</r>') COLUMNS v text PATH '.')`,
      liveWithoutGuard: false,
    },
    {
      ...guard,
      name: 'statistics reset (not transactional)',
      sql: 'SELECT pg_stat_reset()',
      liveWithoutGuard: true,
    },
    { ...guard, name: 'configuration reload', sql: 'SELECT pg_reload_conf()' },
    {
      ...guard,
      name: 'set_config for the pooled session',
      sql: "SELECT set_config('search_path', 'pg_temp, public', false)",
      where: "set_config('search_path', 'pg_temp, public', false) IS NOT NULL",
    },
    { ...guard, name: 'ALTER SYSTEM', sql: "ALTER SYSTEM SET work_mem = '1234kB'", liveWithoutGuard: false },
    {
      ...guard,
      name: 'terminate the idle victim',
      sql: `SELECT pg_terminate_backend(${lab.idleVictimPid})`,
      where: `pg_terminate_backend(${lab.idleVictimPid})`,
    },
    {
      ...guard,
      name: 'cancel the busy victim',
      sql: `SELECT pg_cancel_backend(${lab.busyVictimPid})`,
      where: `pg_cancel_backend(${lab.busyVictimPid})`,
    },
    {
      verdict: 'guard',
      everywhere: false,
      name: 'nextval',
      sql: "SELECT nextval('canary_seq')",
      where: "nextval('canary_seq') > 0",
      liveWithoutGuard: false,
    },
    {
      verdict: 'guard',
      everywhere: false,
      name: 'pg_notify',
      sql: "SELECT pg_notify('pgmcp_safety', 'probe')",
      liveWithoutGuard: false,
    },
    // The guard cannot see into user functions: the READ ONLY transaction stops these, on every
    // connection, because a SELECT always runs read-only.
    {
      verdict: 'database',
      everywhere: true,
      name: 'a user function that updates',
      sql: "SELECT canary_write('pwned')",
      where: "canary_write('pwned') > 0",
      liveWithoutGuard: false,
    },
    {
      verdict: 'database',
      everywhere: true,
      name: 'a user function that calls nextval',
      sql: 'SELECT canary_next()',
      liveWithoutGuard: false,
    },
  ];
  if (options.dblink) {
    probes.push(
      {
        ...guard,
        name: 'dblink_exec writes through a second connection',
        sql: `SELECT dblink_exec(${quoteLiteral(conninfo)}, 'UPDATE canary SET note = ''dblink'' WHERE id = 2')`,
        liveWithoutGuard: true,
      },
      {
        ...guard,
        name: 'dblink advances a sequence',
        sql: `SELECT * FROM dblink(${quoteLiteral(conninfo)}, 'SELECT nextval(''canary_seq'')') AS t(v bigint)`,
        liveWithoutGuard: true,
      },
    );
  }
  if (options.adminpack) {
    probes.push({
      ...guard,
      name: 'adminpack pg_file_write',
      sql: `SELECT pg_file_write('${dir}/adminpack', 'pgmcp', false)`,
      liveWithoutGuard: 'varies',
    });
  }
  return probes;
}

/** Changes made by the superuser outside pgmcp, each of which the snapshot must notice. */
const DETECTOR_CHECKS: [string, string, string[]][] = [
  ['a same-value UPDATE', 'UPDATE canary SET note = note WHERE id = 3', ['relations.public.canary']],
  ['nextval', "SELECT nextval('canary_seq')", ['relations.public.canary_seq']],
  ['COMMENT ON', "COMMENT ON TABLE canary IS 'noticed'", ['catalogs.pg_description']],
  ['ANALYZE', 'ANALYZE canary', ['catalogs.pg_stat_user_tables']],
  ['VACUUM FULL', 'VACUUM FULL canary', ['catalogs.pg_class']],
  ['a temporary table', 'CREATE TEMP TABLE noticed (x int)', ['catalogs.pg_class']],
];
const detectorEffects = new Map<string, string[]>();

let probes: Probe[] = [];
/** Probe name → the parts of the snapshot it changed (or "output") when run without the guard. */
const controlEffects = new Map<string, string[]>();

function changedParts(before: StateSnapshot, after: StateSnapshot): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(before) as (keyof StateSnapshot)[]) {
    const a = before[key];
    const b = after[key];
    if (isDeepStrictEqual(a, b)) continue;
    if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
      const inner = { ...a, ...(b as object) } as Record<string, unknown>;
      for (const sub of Object.keys(inner)) {
        if (!isDeepStrictEqual((a as Record<string, unknown>)[sub], (b as Record<string, unknown>)[sub]))
          changed.push(`${key}.${sub}`);
      }
    } else changed.push(key);
  }
  return changed;
}

/** Undoes what the live probes did without the guard, before the baseline is taken. */
async function undoControls(): Promise<void> {
  await lab.serverShell(`find ${lab.dir} -type f ! -name secret.txt ! -name ${lab.listingToken} -delete`);
  await adminQuery(
    db.url,
    `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE '${lab.objectPrefix}%';
     SELECT lo_unlink(oid) FROM pg_largeobject_metadata WHERE oid <> ${LARGE_OBJECT};
     UPDATE canary SET note = 'canary ' || id WHERE note <> 'canary ' || id;
     SELECT setval('canary_seq', 42, true);
     COMMENT ON TABLE canary IS NULL;`,
  );
}

const tally = {
  readOnly: { sent: 0, guard: 0, expectedCode: 0, input: 0, otherTools: 0, otherToolsRefused: 0 },
  writable: { sent: 0, guard: 0, otherTools: 0, otherToolsRefused: 0 },
  harmless: [] as string[],
  probes: { sent: 0, refused: 0, inert: 0 },
};

beforeAll(async () => {
  lab = await openLab(db);
  const functions = await adminQuery<{ dblink: boolean; adminpack: boolean }>(
    db.url,
    `SELECT to_regprocedure('dblink_exec(text, text)') IS NOT NULL AS dblink,
            to_regprocedure('pg_file_write(text, text, boolean)') IS NOT NULL AS adminpack`,
  );
  probes = buildProbes(functions[0]!);
  for (const [name, sql] of DETECTOR_CHECKS) {
    const before = await lab.snapshot();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(sql);
      detectorEffects.set(name, changedParts(before, await lab.snapshot()));
    } finally {
      await client.end();
    }
  }
  await undoControls();
  for (const probe of probes.filter((p) => p.liveWithoutGuard !== undefined)) {
    const before = await lab.snapshot();
    const effects = await lab.unguarded(probe.sql, async (outcome) => {
      const changed = changedParts(before, await lab.snapshot());
      if (outcome.text.includes(lab.secretToken) || outcome.text.includes(lab.listingToken))
        changed.push('output');
      return changed;
    });
    controlEffects.set(probe.name, effects);
    if (effects.length > 0) await undoControls();
  }
  readOnly = await lab.client('attacker-read-only');
  writable = await lab.client('attacker-writable');
  reader = await lab.client('attacker-reader', { [READ_ONLY]: 'read', [WRITABLE]: 'read' });
  sessionsBefore = {
    [READ_ONLY]: await lab.sessionState(readOnly, READ_ONLY),
    [WRITABLE]: await lab.sessionState(writable, WRITABLE),
  };
  baseline = await lab.snapshot();
}, 120_000);

afterAll(async () => {
  await lab?.close();
  const { readOnly: ro, writable: rw } = tally;
  console.info(
    [
      `safety/attack-corpus on PostgreSQL ${db.major}:`,
      `  read-only: query_database refused ${ro.guard + ro.input}/${ro.sent} (${ro.guard} by the guard, ${ro.expectedCode} with the corpus' code; ${ro.input} by argument validation)`,
      `  read-only: execute_explain/count_rows/test_query refused ${ro.otherToolsRefused}/${ro.otherTools}`,
      `  write-enabled: query_database refused ${rw.guard}/${rw.sent} by the guard (the statements refused on every connection)`,
      `  write-enabled: execute_explain/count_rows/test_query refused ${rw.otherToolsRefused}/${rw.otherTools}`,
      `  allowed but harmless: ${tally.harmless.length} plain EXPLAINs (they plan, never execute) of user functions and of writes the write-enabled connection allows`,
      `  probes: ${tally.probes.sent} sent, ${tally.probes.refused} refused, ${tally.probes.inert} ran and were inert`,
      `  live without the guard, so refused by the guard alone: ${[...controlEffects]
        .filter(([, e]) => e.length > 0)
        .map(([name]) => name)
        .join('; ')}`,
    ].join('\n'),
  );
});

const FAMILIES = [...new Set(ATTACK_CORPUS.map((entry) => entry.family))];

function describeOutcome(tool: string, entry: { sql: string }, outcome: CallOutcome): string {
  const text = `${tool}: ${JSON.stringify(entry.sql)} → ${outcome.verdict}${outcome.code ? ` ${outcome.code}` : ''}: ${outcome.text.slice(0, 200)}`;
  return lab.redact(text);
}

/**
 * What the three tools besides query_database may do with a statement: nothing; plan it (a plain
 * EXPLAIN executes nothing, and test_query answers "allowed"); or run it (inert statements).
 */
type OtherToolsPolicy = 'nothing' | 'plan' | 'run';

/**
 * Sends a statement through execute_explain (analyze on and off), count_rows' `where` and
 * test_query, and returns what the policy does not allow. test_query never executes anything; its
 * verdict must be the connection's.
 */
async function throughOtherTools(
  client: Client,
  connection: string,
  statement: { sql: string; where?: string },
  policy: OtherToolsPolicy,
  counter: { otherTools: number; otherToolsRefused: number },
): Promise<string[]> {
  const problems: string[] = [];
  const calls: [string, Record<string, unknown>][] = [
    ['execute_explain(analyze=true)', { query: statement.sql, analyze: true }],
    ['execute_explain(analyze=false)', { query: statement.sql, analyze: false }],
    ['count_rows', { table: 'orders', where: statement.where ?? statement.sql }],
    ['test_query', { query: statement.sql }],
  ];
  for (const [label, args] of calls) {
    const tool = label.replace(/\(.*/, '');
    const outcome = await lab.call(client, tool, { connection_id: connection, ...args });
    counter.otherTools++;
    const ran = tool === 'test_query' ? outcome.structured?.allowed === true : outcome.verdict === 'ran';
    if (!ran) counter.otherToolsRefused++;
    const allowed =
      policy === 'run' ||
      (policy === 'plan' && (tool === 'test_query' || label === 'execute_explain(analyze=false)'));
    if (tool === 'test_query' ? ran !== allowed : ran && !allowed) {
      problems.push(describeOutcome(label, statement, outcome));
    } else if (ran && policy === 'plan' && tool === 'execute_explain') {
      tally.harmless.push(`plain EXPLAIN on "${connection}": ${statement.sql}`);
    }
  }
  return problems;
}

describe('the probes', () => {
  it('take effect without the guard wherever PostgreSQL alone lets them (so refusing them is the guard’s doing)', () => {
    const observed = probes
      .filter((p) => p.liveWithoutGuard !== undefined)
      .map((p) => ({
        name: p.name,
        live: p.liveWithoutGuard === 'varies' ? 'varies' : (controlEffects.get(p.name) ?? []).length > 0,
      }));
    expect(observed).toEqual(
      probes
        .filter((p) => p.liveWithoutGuard !== undefined)
        .map((p) => ({ name: p.name, live: p.liveWithoutGuard })),
    );
    // The detectors themselves: each live probe was seen by the part of the snapshot meant for it.
    expect(controlEffects.get('COPY TO PROGRAM runs a shell command')).toEqual(['labFiles']);
    expect(controlEffects.get('pg_read_file reads a server file')).toEqual(['output']);
    expect(controlEffects.get('pg_ls_dir lists a server directory')).toEqual(['output']);
    expect(controlEffects.get('session-level advisory lock outlives the call')).toEqual(['advisoryLocks']);
    expect(controlEffects.get('replication slot (not transactional)')).toEqual(['replicationSlots']);
    expect(controlEffects.get('COPY a table to a server file')).toEqual(['labFiles']);
    expect(controlEffects.get('lo_export writes a server file')).toEqual(['labFiles']);
    expect(controlEffects.get('statistics reset (not transactional)')).toContain('statsReset.database');
    expect(controlEffects.get('gin_clean_pending_list (not stopped by READ ONLY, not rolled back)')).toEqual([
      'catalogs.relation_sizes',
    ]);
    if (controlEffects.has('dblink_exec writes through a second connection')) {
      expect(controlEffects.get('dblink_exec writes through a second connection')).toEqual([
        'relations.public.canary',
      ]);
      expect(controlEffects.get('dblink advances a sequence')).toEqual(['relations.public.canary_seq']);
    }
  });

  it.each(DETECTOR_CHECKS)('the snapshot notices %s', (name, _sql, parts) => {
    expect(detectorEffects.get(name)).toEqual(expect.arrayContaining(parts));
  });

  it('the baseline sees the objects it guards', () => {
    expect(baseline.relations).toMatchObject({
      'public.canary': expect.stringMatching(/^50 rows, md5 [0-9a-f]{32}$/) as unknown,
      'public.canary_seq': 'last_value 42, is_called true',
      'public.orders': expect.stringMatching(/^4 rows/) as unknown,
      'public.order_summary': expect.stringMatching(/^3 rows/) as unknown,
    });
    for (const [catalog, state] of Object.entries(baseline.catalogs)) {
      expect(state, catalog).toMatch(/^\d+ rows, md5 [0-9a-f]{32}$/);
    }
    expect(baseline.catalogs.pg_class).not.toMatch(/^0 rows/);
    expect(baseline.labFiles).toEqual([`${lab.listingToken} 0`, `secret.txt ${lab.secretToken.length}`]);
    expect(baseline.victims).toHaveLength(2);
    expect(baseline.advisoryLocks).toEqual([]);
    expect(baseline.pgmcpBackends).toEqual({ allIdle: true, locks: 0 });
  });

  it.each([READ_ONLY, WRITABLE])(
    'are refused through every tool on the "%s" connection',
    async (connection) => {
      const client = connection === READ_ONLY ? readOnly : writable;
      const problems: string[] = [];
      for (const probe of probes) {
        if (connection === WRITABLE && !probe.everywhere) continue;
        const outcome = await lab.call(client, 'query_database', {
          connection_id: connection,
          query: probe.sql,
        });
        tally.probes.sent++;
        const expected = probe.verdict === 'inert' ? ['ran', 'database'] : [probe.verdict];
        if (!expected.includes(outcome.verdict))
          problems.push(describeOutcome('query_database', probe, outcome));
        else if (probe.verdict === 'inert') tally.probes.inert++;
        else tally.probes.refused++;
        // What the guard cannot see into (a user function's body) may be planned, but not run.
        const policy = { guard: 'nothing', database: 'plan', inert: 'run' } as const;
        problems.push(
          ...(await throughOtherTools(client, connection, probe, policy[probe.verdict], {
            otherTools: 0,
            otherToolsRefused: 0,
          })),
        );
      }
      expect(problems).toEqual([]);
      expect(lab.leaks).toEqual([]);
      expect(await lab.snapshot()).toEqual(baseline);
    },
  );
});

describe('count_rows’ table and schema arguments', () => {
  it.each([
    ['pg_catalog', 'pg_authid', 'guard'],
    ['pg_catalog', 'pg_shadow', 'guard'],
    ['pg_catalog', 'pg_file_settings', 'guard'],
    ['pg_catalog', 'pg_hba_file_rules', 'guard'],
    ['pg_catalog', 'pg_user_mappings', 'guard'],
    ['public', `orders" WHERE pg_read_file('/etc/passwd') IS NOT NULL --`, 'database'],
    [`public"."orders" WHERE canary_write('pwned') > 0 --`, 'orders', 'database'],
  ] as const)('%s.%s: refused (%s)', async (schema, table, refusedBy) => {
    for (const [client, connection] of [
      [readOnly, READ_ONLY],
      [writable, WRITABLE],
    ] as const) {
      const outcome = await lab.call(client, 'count_rows', { connection_id: connection, schema, table });
      expect(outcome.verdict, outcome.text).toBe(refusedBy);
    }
    expect(await lab.snapshot()).toEqual(baseline);
  });
});

describe('the attack corpus on a read-only connection (superuser)', () => {
  it.each(FAMILIES)('%s: refused by the guard with the expected code; nothing changed', async (family) => {
    const problems: string[] = [];
    for (const entry of ATTACK_CORPUS.filter((e) => e.family === family)) {
      const outcome = await lab.call(readOnly, 'query_database', { query: entry.sql });
      tally.readOnly.sent++;
      if (outcome.verdict === 'guard') {
        tally.readOnly.guard++;
        if (outcome.code === entry.code) tally.readOnly.expectedCode++;
        else problems.push(`expected ${entry.code}: ${describeOutcome('query_database', entry, outcome)}`);
      } else if (outcome.verdict === 'input' && entry.sql.trim() === '') {
        // An empty string never reaches the guard: the tool's argument schema refuses it.
        tally.readOnly.input++;
      } else {
        problems.push(describeOutcome('query_database', entry, outcome));
      }
      problems.push(...(await throughOtherTools(readOnly, READ_ONLY, entry, 'nothing', tally.readOnly)));
    }
    expect(problems).toEqual([]);
    expect(lab.leaks).toEqual([]);
    expect(await lab.snapshot()).toEqual(baseline);
  });
});

describe('the attack corpus on a write-enabled connection (superuser)', () => {
  it.each(FAMILIES)(
    '%s: what is refused everywhere is refused; EXPLAIN ANALYZE, count_rows and test_query never write',
    async (family) => {
      const problems: string[] = [];
      for (const entry of ATTACK_CORPUS.filter((e) => e.family === family)) {
        if (entry.writeMode === 'refused' && entry.sql.trim() !== '') {
          const outcome = await lab.call(writable, 'query_database', {
            connection_id: WRITABLE,
            query: entry.sql,
          });
          tally.writable.sent++;
          if (outcome.verdict === 'guard') tally.writable.guard++;
          else problems.push(describeOutcome('query_database', entry, outcome));
        }
        // What a write-enabled connection allows may be planned by a plain EXPLAIN, which executes nothing.
        const policy = entry.writeMode === 'allowed' ? 'plan' : 'nothing';
        problems.push(...(await throughOtherTools(writable, WRITABLE, entry, policy, tally.writable)));
      }
      expect(problems).toEqual([]);
      expect(lab.leaks).toEqual([]);
      expect(await lab.snapshot()).toEqual(baseline);
    },
  );
});

describe('a caller with read access to the write-enabled connection', () => {
  // Its pooled sessions lack default_transaction_read_only (layer 4): layers 1 and 3 must suffice.
  it('gets the read-only refusal for every corpus statement and every probe; nothing changed', async () => {
    const problems: string[] = [];
    for (const entry of ATTACK_CORPUS.filter((e) => e.sql.trim() !== '')) {
      const outcome = await lab.call(reader, 'query_database', { connection_id: WRITABLE, query: entry.sql });
      if (outcome.verdict !== 'guard' || outcome.code !== entry.code)
        problems.push(`expected ${entry.code}: ${describeOutcome('query_database', entry, outcome)}`);
    }
    for (const probe of probes) {
      const outcome = await lab.call(reader, 'query_database', { connection_id: WRITABLE, query: probe.sql });
      const expected = probe.verdict === 'inert' ? ['ran', 'database'] : [probe.verdict];
      if (!expected.includes(outcome.verdict))
        problems.push(describeOutcome('query_database', probe, outcome));
    }
    expect(problems).toEqual([]);
    expect(lab.leaks).toEqual([]);
    expect(await lab.snapshot()).toEqual(baseline);
  });
});

describe('another database on the same server', () => {
  it('is read-only through a read-only connection as well', async () => {
    const other = new URL(db.adminUrl).pathname.slice(1);
    const call = (query: string) =>
      lab.call(readOnly, 'query_database', { connection_id: READ_ONLY, database_name: other, query });
    expect(
      await call("SELECT current_database(), current_setting('default_transaction_read_only')"),
    ).toMatchObject({
      verdict: 'ran',
      structured: { rows: [[other, 'on']] },
    });
    for (const sql of ['CREATE TABLE pgmcp_safety_other (x int)', "SELECT pg_read_file('postgresql.conf')"]) {
      expect(await call(sql)).toMatchObject({ verdict: 'guard' });
    }
    expect(
      await adminQuery(db.adminUrl, "SELECT to_regclass('pgmcp_safety_other') IS NULL AS absent"),
    ).toEqual([{ absent: true }]);
  });
});

describe('afterwards', () => {
  it('pgmcp’s pooled sessions hold no prepared statement, cursor, LISTEN, temp schema, lock or changed setting', async () => {
    expect(sessionsBefore[READ_ONLY]).toMatchObject({
      prepared_statements: 0,
      cursors: 0,
      listening_channels: 0,
      advisory_locks: 0,
      default_transaction_read_only: 'on',
      standard_conforming_strings: 'on',
      custom_setting: null,
    });
    expect(await lab.sessionState(readOnly, READ_ONLY)).toEqual(sessionsBefore[READ_ONLY]);
    expect(await lab.sessionState(writable, WRITABLE)).toEqual(sessionsBefore[WRITABLE]);
    // A caller with read access on a write-enabled connection gets read-only sessions (layer 4).
    expect(await lab.sessionState(reader, WRITABLE)).toMatchObject({
      prepared_statements: 0,
      cursors: 0,
      listening_channels: 0,
      advisory_locks: 0,
      default_transaction_read_only: 'on',
      custom_setting: null,
    });
  });

  it('the victims are alive and untouched, and no notification arrived', async () => {
    expect(lab.busyVictimOutcome()).toBeUndefined();
    const snapshot = await lab.snapshot();
    expect(snapshot.victims).toHaveLength(2);
    expect(snapshot.victims.find((v) => v.startsWith(String(lab.busyVictimPid)))).toMatch(
      / active .*pg_sleep/,
    );
    expect(snapshot.notifications).toEqual([]);
    expect(snapshot).toEqual(baseline);
  });
});
