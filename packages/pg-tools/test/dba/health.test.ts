import type { Client } from '@modelcontextprotocol/client';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminQuery } from '../helpers.js';
import { type DbaHarness, dbaHarness, text } from './harness.js';

const db = useTestDatabase('dba-health');
let healthy: TestDatabase;
let harness: DbaHarness;
let client: Client;

interface Finding {
  check: string;
  severity: string;
  object: string;
  message: string;
  evidence: Record<string, unknown>;
  fix_sql: string;
}
interface Report {
  findings: Finding[];
  counts: { critical: number; warning: number; info: number };
  checks_run: string[];
  skipped: { check: string; reason: string }[];
}

beforeAll(async () => {
  // Each problem made on purpose.
  await adminQuery(
    db.url,
    `CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL);
     INSERT INTO public.orders SELECT g, g % 500, 'open' FROM generate_series(1, 20000) g;
     CREATE INDEX orders_customer_idx ON public.orders (customer_id);
     CREATE INDEX orders_customer_idx_dup ON public.orders (customer_id);
     CREATE INDEX orders_customer_status_idx ON public.orders (customer_id, status);
     ALTER TABLE public.orders ADD CONSTRAINT orders_status_check CHECK (status <> '') NOT VALID;
     CREATE TABLE public.dupes (v int); INSERT INTO public.dupes VALUES (1), (1);
     CREATE SEQUENCE public.near_max AS integer; SELECT setval('public.near_max', 2100000000);
     CREATE TABLE public.tickets (id integer NOT NULL);
     CREATE SEQUENCE public.tickets_id_seq AS bigint OWNED BY public.tickets.id;
     SELECT setval('public.tickets_id_seq', 1900000000);
     ANALYZE public.orders;
     CREATE TABLE public.churn (id int, pad text) WITH (autovacuum_enabled = false);
     INSERT INTO public.churn SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g;
     DELETE FROM public.churn WHERE id % 2 = 0;`,
  );
  // A failed concurrent build leaves its index behind, invalid.
  await expect(
    adminQuery(db.url, 'CREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON public.dupes (v)'),
  ).rejects.toThrow(/could not create unique index/);
  // Statistics reach the shared counters when the deleting backend flushes them.
  await vi.waitFor(
    async () => {
      const [row] = await adminQuery<{ n: string }>(
        db.url,
        "SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'churn'",
      );
      if (Number(row?.n) !== 10000) throw new Error('dead tuples not counted yet');
    },
    { timeout: 10_000, interval: 50 },
  );

  healthy = await createTestDatabase('dba-healthy');
  await adminQuery(
    healthy.url,
    `CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL);
     INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;
     CREATE SEQUENCE public.items_seq; SELECT setval('public.items_seq', 1000);`,
  );
  await adminQuery(healthy.url, 'VACUUM ANALYZE public.items');
  harness = dbaHarness([
    { name: 'main', url: db.url },
    { name: 'healthy', url: healthy.url },
    { name: 'slow', url: db.url, statementTimeoutMs: 500 },
  ]);
  client = await harness.client();
});

afterAll(async () => {
  await harness?.close();
  await healthy?.drop();
});

async function health(args: Record<string, unknown> = {}): Promise<Report> {
  const result = await harness.call(client, 'analyze_db_health', args);
  expect(result.isError, text(result)).toBeFalsy();
  return result.structuredContent as unknown as Report;
}

const about = (report: Report, check: string, object: string) =>
  report.findings.find((f) => f.check === check && f.object === object);

describe('analyze_db_health finds each problem made on purpose', () => {
  let report: Report;
  beforeAll(async () => {
    report = await health();
  });

  it('a duplicate index, and the index that is a prefix of a wider one', () => {
    const dup = about(report, 'duplicate_indexes', 'index public.orders_customer_idx_dup');
    expect(dup).toMatchObject({
      severity: 'warning',
      fix_sql: 'DROP INDEX CONCURRENTLY "public"."orders_customer_idx_dup";',
    });
    expect(dup!.evidence).toMatchObject({ duplicate_of: 'public.orders_customer_idx', exact: true });
    const prefix = about(report, 'duplicate_indexes', 'index public.orders_customer_idx');
    expect(prefix!.evidence).toMatchObject({
      duplicate_of: 'public.orders_customer_status_idx',
      exact: false,
    });
    // The wider index and the primary key are kept.
    expect(about(report, 'duplicate_indexes', 'index public.orders_customer_status_idx')).toBeUndefined();
    expect(about(report, 'duplicate_indexes', 'index public.orders_pkey')).toBeUndefined();
  });

  it('the invalid index a failed CREATE INDEX CONCURRENTLY left', () => {
    const invalid = about(report, 'invalid_indexes', 'index public.dupes_v_key');
    expect(invalid?.fix_sql).toBe(
      'DROP INDEX CONCURRENTLY "public"."dupes_v_key";\nCREATE UNIQUE INDEX CONCURRENTLY dupes_v_key ON public.dupes USING btree (v);',
    );
  });

  it('a sequence near its maximum, and a bigint sequence feeding an integer column', () => {
    const seq = about(report, 'sequences', 'sequence public.near_max');
    expect(seq).toMatchObject({ severity: 'critical' });
    expect(seq!.evidence).toMatchObject({ last_value: 2100000000, limit: 2147483647 });
    const ticket = about(report, 'sequences', 'sequence public.tickets_id_seq');
    expect(ticket).toMatchObject({ severity: 'warning' });
    expect(ticket!.message).toMatch(/limited by the integer column public\.tickets\.id/);
    expect(ticket!.fix_sql).toMatch(/^ALTER TABLE "public"\."tickets" ALTER COLUMN "id" TYPE bigint;/);
  });

  it('dead rows past the autovacuum trigger, and statistics never gathered', () => {
    const vacuum = about(report, 'vacuum', 'table public.churn');
    expect(vacuum).toMatchObject({
      severity: 'warning',
      fix_sql: expect.stringMatching(
        /^VACUUM \(VERBOSE, ANALYZE\) "public"\."churn";\nALTER TABLE "public"\."churn" RESET \(autovacuum_enabled\);$/,
      ),
    });
    expect(vacuum!.evidence).toMatchObject({ dead_rows: 10000, autovacuum_enabled: false });
    const analyze = about(report, 'analyze', 'table public.churn');
    expect(analyze).toMatchObject({ severity: 'warning', fix_sql: 'ANALYZE "public"."churn";' });
  });

  it('a constraint added NOT VALID', () => {
    const constraint = about(report, 'constraints', 'constraint orders_status_check on public.orders');
    expect(constraint?.fix_sql).toBe(
      'ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_status_check";',
    );
  });

  it('renders severity, evidence and fix for each finding, worst first', async () => {
    const result = await harness.call(client, 'analyze_db_health');
    const body = text(result);
    expect(body).toMatch(/^\d+ findings from 13 checks: [1-9]\d* critical/);
    expect(body.indexOf('[CRITICAL]')).toBeLessThan(body.indexOf('[WARNING]'));
    expect(body).toContain('fix: DROP INDEX CONCURRENTLY "public"."orders_customer_idx_dup";');
    expect(body).toContain('pgmcp ran none of it');
  });

  it('changes nothing: the problems are still there afterwards', async () => {
    const [row] = await adminQuery<{ n: number }>(
      db.url,
      "SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname IN ('orders_customer_idx_dup', 'dupes_v_key')",
    );
    expect(row?.n).toBe(2);
  });
});

describe('analyze_db_health arguments', () => {
  it('runs only the checks asked for', async () => {
    const report = await health({ checks: ['sequences'] });
    expect(report.checks_run).toEqual(['sequences']);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(new Set(report.findings.map((f) => f.check))).toEqual(new Set(['sequences']));
  });

  it('filters by severity', async () => {
    const report = await health({ min_severity: 'critical' });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => f.severity === 'critical')).toBe(true);
  });

  it('names the valid checks for an unknown one', async () => {
    const result = await harness.call(client, 'analyze_db_health', { checks: ['bloat'] });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/checks\.0/);
    expect(text(result)).toMatch(/duplicate_indexes/);
  });

  it('reports a check stopped by the statement timeout as skipped and still runs the others', async () => {
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      // An uncommitted DROP INDEX holds the index's lock: sizing it waits until the timeout.
      await blocker.query('BEGIN; DROP INDEX public.orders_customer_idx_dup');
      const result = await harness.call(client, 'analyze_db_health', {
        connection_id: 'slow',
        checks: ['duplicate_indexes', 'invalid_indexes'],
      });
      const report = result.structuredContent as unknown as Report;
      expect(report.skipped).toEqual([
        {
          check: 'duplicate_indexes',
          reason: expect.stringMatching(/stopped after 0\.5 s \(the statement timeout\)/),
        },
      ]);
      expect(about(report, 'invalid_indexes', 'index public.dupes_v_key')).toBeDefined();
      expect(text(result)).toMatch(/\[SKIPPED\] duplicate_indexes/);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });
});

describe('analyze_db_health on a healthy database', () => {
  it('reports nothing alarming', async () => {
    const result = await harness.call(client, 'analyze_db_health', { connection_id: 'healthy' });
    const report = result.structuredContent as unknown as Report;
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.checks_run).toHaveLength(13);
  });
});
