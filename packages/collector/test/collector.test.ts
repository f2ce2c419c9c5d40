import { adminQuery } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROBES, createCollector, type Collector } from '../src/index.js';
import { gauge } from '../src/probes/columns.js';
import { targetOf, useCollectorDatabases } from './helpers.js';

const dbs = useCollectorDatabases('collector');
const collectors: Collector[] = [];
afterAll(async () => {
  await Promise.all(collectors.map((c) => c.stop()));
});

async function newCollector(
  options: Partial<Parameters<typeof createCollector>[0]> = {},
): Promise<Collector> {
  const collector = createCollector({ datastore: dbs.store(), schedule: false, ...options });
  collectors.push(collector);
  await collector.setTargets([targetOf('mon', dbs.monitored().url)]);
  return collector;
}

/** The stored values of one metric of the monitored database, oldest first. */
async function stored(probe: string, metric: string) {
  return adminQuery<{ value: number; interval_s: number | null }>(
    dbs.storeDb().url,
    `select ("values"->>$2)::float8 as value, interval_s from metrics_samples
     where connection_id = 'mon' and probe = $1 and database_name = $3 and "values" ? $2 order by ts`,
    [probe, metric, dbs.monitored().name],
  );
}

/** A backend reports its statistics as it exits, which takes a while on a busy machine. */
const STATS_FLUSH = { timeout: 15_000 };

async function commits(): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(
    dbs.monitored().adminUrl,
    'select xact_commit as n from pg_stat_database where datname = $1',
    [dbs.monitored().name],
  );
  return Number(row?.n);
}

/** Runs `n` transactions on a connection of its own, then disconnects (which flushes its statistics). */
async function drive(n: number): Promise<void> {
  const client = new pg.Client({ connectionString: dbs.monitored().url });
  await client.connect();
  try {
    for (let i = 0; i < n; i++) await client.query('select 1');
  } finally {
    await client.end();
  }
}

describe('collector on a real PostgreSQL', () => {
  it(`has at least 30 probes, each collected or skipped with a reason (${BUILTIN_PROBES.length} probes)`, async () => {
    expect(BUILTIN_PROBES.length).toBeGreaterThanOrEqual(30);
    const collector = await newCollector();
    const outcomes = await collector.collectNow('mon');
    expect(outcomes).toHaveLength(BUILTIN_PROBES.length);
    for (const outcome of outcomes) {
      expect.soft(outcome.status, `${outcome.probe}: ${outcome.message ?? ''}`).not.toBe('error');
      if (outcome.status === 'skipped') expect.soft(outcome.message, outcome.probe).toMatch(/.{20}/);
    }
    const ok = new Set(outcomes.filter((o) => o.status === 'ok').map((o) => o.probe));
    // A superuser on a local server: only what the version lacks is skipped (pg_stat_io before 16).
    const skipped = outcomes
      .filter((o) => o.status === 'skipped')
      .map((o) => `${o.probe}: ${o.message ?? ''}`);
    expect(skipped).toEqual(
      dbs.monitored().major >= 16 ? [] : [expect.stringMatching(/^io: needs PostgreSQL 16/)],
    );
    // The harness's server preloads pg_stat_statements and runs locally as superuser.
    for (const name of [
      'database_stats',
      'activity_by_state',
      'statements',
      'table_stats',
      'checkpointer',
      'os_load',
      'xid_age',
    ])
      expect(ok, name).toContain(name);
    if (dbs.monitored().major >= 16) expect(ok).toContain('io');
    const statuses = await dbs.store().listStatus(['mon']);
    expect(statuses.map((s) => s.probe)).toEqual(
      expect.arrayContaining(['*', ...BUILTIN_PROBES.map((p) => p.name)]),
    );
  });

  it('says how to enable pg_stat_statements where it is not installed', async () => {
    await adminQuery(dbs.monitored().url, 'drop extension pg_stat_statements');
    try {
      const collector = await newCollector();
      const [outcome] = await collector.collectNow('mon', ['statements']);
      expect(outcome?.status).toBe('skipped');
      expect(outcome?.message).toMatch(/shared_preload_libraries.*CREATE EXTENSION pg_stat_statements/);
    } finally {
      await adminQuery(dbs.monitored().url, 'create extension pg_stat_statements');
    }
  });

  it('stores xact_commit as a rate whose rate × interval matches pg_stat_database over a driven workload', async () => {
    const collector = await newCollector();
    await collector.collectNow('mon', ['database_stats']);
    const before = await commits();
    const N = 400;
    await drive(N);
    await expect.poll(commits, STATS_FLUSH).toBeGreaterThanOrEqual(before + N);
    const after = await commits();
    await collector.collectNow('mon', ['database_stats']);
    const last = (await stored('database_stats', 'xact_commit')).at(-1);
    expect(last?.interval_s).toBeGreaterThan(0);
    const delta = (last?.value ?? 0) * (last?.interval_s ?? 0);
    // The collector's own few transactions may land on either side of the external reads.
    expect(Math.abs(delta - (after - before))).toBeLessThanOrEqual(Math.max(10, 0.02 * N));
    expect(last?.value).toBeGreaterThan(0);
  });

  it('records no negative rate across a statistics reset, and rates resume after it', async () => {
    const collector = await newCollector();
    await collector.collectNow('mon', ['database_stats']);
    await drive(50);
    await expect.poll(commits, STATS_FLUSH).toBeGreaterThanOrEqual(50);
    await adminQuery(dbs.monitored().url, 'select pg_stat_reset()');
    await expect.poll(commits, STATS_FLUSH).toBeLessThan(50);
    const countBefore = (await stored('database_stats', 'xact_commit')).length;
    await collector.collectNow('mon', ['database_stats']);
    // The counter went down: no rate for that interval.
    expect(await stored('database_stats', 'xact_commit')).toHaveLength(countBefore);
    await drive(20);
    await expect.poll(commits, STATS_FLUSH).toBeGreaterThanOrEqual(20);
    await collector.collectNow('mon', ['database_stats']);
    const rows = await stored('database_stats', 'xact_commit');
    expect(rows).toHaveLength(countBefore + 1);
    const negatives = await adminQuery(
      dbs.storeDb().url,
      `select 1 from metrics_samples s, jsonb_each(s."values") m
       where case when jsonb_typeof(m.value) = 'number' then (m.value)::float8 < 0 else false end`,
    );
    expect(negatives).toEqual([]);
  });

  it('collects on its own schedule and stops when the connection is no longer monitored', async () => {
    const collector = createCollector({
      datastore: dbs.store(),
      probes: BUILTIN_PROBES.filter((p) => p.name === 'connection_usage'),
      intervalScale: 0.005,
      maintenanceIntervalS: 0,
    });
    collectors.push(collector);
    await collector.setTargets([targetOf('sched', dbs.monitored().url)]);
    const count = async () =>
      (await adminQuery(dbs.storeDb().url, `select 1 from metrics_samples where connection_id = 'sched'`))
        .length;
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await collector.setTargets([]);
    expect(collector.targetIds()).toEqual([]);
  });

  it('reads again on a fresh snapshot when an object vanishes mid-statement (a database dropped meanwhile)', async () => {
    // Fails the first call of the session as pg_database_size does for a database dropped between the
    // catalog scan and the size: the advisory lock outlives the rolled-back transaction, the error does not.
    await adminQuery(
      dbs.monitored().url,
      `create or replace function vanishing_once() returns int language plpgsql as $$
       begin
         if not exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and objid = 4242) then
           perform pg_advisory_lock(4242);
           raise exception using errcode = '3D000', message = 'database with OID 1 does not exist';
         end if;
         return 7;
       end $$`,
    );
    const collector = await newCollector({
      probes: [
        {
          name: 'vanishing',
          description: 'a probe whose object is dropped while it reads',
          intervalS: 60,
          timeoutMs: 5000,
          dims: [],
          columns: [gauge('n', 'n', 'a value')],
          sql: [{ sql: 'select vanishing_once() as n' }],
        },
      ],
    });
    const [outcome] = await collector.collectNow('mon', ['vanishing']);
    expect(outcome).toMatchObject({ status: 'ok', rows: 1 });
  });

  it('reports a database that stops accepting connections as an error, not a crash, and resumes', async () => {
    const collector = await newCollector();
    expect((await collector.collectNow('mon', ['server_info']))[0]?.status).toBe('ok');
    const { name, adminUrl } = dbs.monitored();
    await adminQuery(adminUrl, `alter database "${name}" allow_connections false`);
    try {
      await adminQuery(
        adminUrl,
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`,
        [name],
      );
      const [down] = await collector.collectNow('mon', ['server_info']);
      expect(down?.status).toBe('error');
      expect(down?.message).toMatch(/cannot connect/);
      const status = (await dbs.store().listStatus(['mon'])).find((s) => s.probe === '*');
      expect(status).toMatchObject({ status: 'error' });
    } finally {
      await adminQuery(adminUrl, `alter database "${name}" allow_connections true`);
    }
    expect((await collector.collectNow('mon', ['server_info']))[0]?.status).toBe('ok');
    expect((await dbs.store().listStatus(['mon'])).find((s) => s.probe === '*')?.status).toBe('ok');
  });
});
