import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatastore, type Datastore } from '@pgmcp/datastore';
import { type LocalPostgres, startLocalPostgres } from '@pgmcp/pg-embedded';
import { adminQuery, createTestDatabase, type TestDatabase } from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROBES, type Collector, createCollector } from '../src/index.js';
import { targetOf } from './helpers.js';

// The monitored server is a cluster of this file's own: stopping the harness's server would take
// every other test file down with it. The datastore stays on the harness's server.
const ID = 'restarted';
const PROBES = ['database_stats', 'activity_by_state', 'connection_usage', 'wal'];
const POLL = { timeout: 30_000, interval: 50 };

let root: string;
let dataDir: string;
let port: number;
let server: LocalPostgres;
let storeDb: TestDatabase;
let store: Datastore;
let collector: Collector;
const collectorErrors: unknown[] = [];

/** Starts the cluster in `dataDir` (initdb on first start), on the same port every time. */
async function startServer(): Promise<LocalPostgres> {
  return startLocalPostgres({
    dataDir,
    ...(port ? { port } : {}),
    binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
    // Not `ephemeral`: that removes the data directory on stop, and this cluster must come back.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pgmcp-restart-'));
  dataDir = path.join(root, 'data');
  server = await startServer();
  port = server.port;
  storeDb = await createTestDatabase('restart_store');
  store = await createDatastore({ url: storeDb.url });
  collector = createCollector({
    datastore: store,
    probes: BUILTIN_PROBES.filter((p) => PROBES.includes(p.name)),
    // 30–60 s intervals become 150–300 ms; the backoff after failures stays as short.
    intervalScale: 0.005,
    maxBackoffS: 0.3,
    maintenanceIntervalS: 0,
    onError: (error) => collectorErrors.push(error),
  });
  await collector.setTargets([targetOf(ID, server.url('postgres'))]);
});

afterAll(async () => {
  await collector?.stop();
  await store?.close();
  await storeDb?.drop();
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function samplesBetween(from: Date, to: Date): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(
    storeDb.url,
    'select count(*) as n from metrics_samples where connection_id = $1 and ts >= $2 and ts <= $3',
    [ID, from.toISOString(), to.toISOString()],
  );
  return Number(row?.n);
}

/** How many xact_commit rates of the monitored server's `postgres` database were stored after `from`. */
async function commitRatesSince(from: Date): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(
    storeDb.url,
    `select count(*) as n from metrics_samples where connection_id = $1 and probe = 'database_stats'
       and database_name = 'postgres' and "values" ? 'xact_commit' and ts > $2`,
    [ID, from.toISOString()],
  );
  return Number(row?.n);
}

async function connectionStatus() {
  return (await store.listStatus([ID])).find((s) => s.probe === '*');
}

async function negativeValues(): Promise<string[]> {
  const rows = await adminQuery<{ found: string }>(
    storeDb.url,
    `select s.probe || '.' || m.key || ' = ' || m.value as found
     from metrics_samples s cross join lateral jsonb_each(s."values") m
     where s.connection_id = $1 and jsonb_typeof(m.value) = 'number' and (m.value)::float8 < 0`,
    [ID],
  );
  return rows.map((r) => r.found);
}

async function xactCommit(): Promise<number> {
  const [row] = await adminQuery<{ n: string }>(
    server.url('postgres'),
    `select xact_commit as n from pg_stat_database where datname = 'postgres'`,
  );
  return Number(row?.n);
}

/** Runs `n` transactions on a connection of its own (its statistics are flushed when it ends). */
async function drive(n: number): Promise<void> {
  const client = new pg.Client({ connectionString: server.url('postgres') });
  await client.connect();
  try {
    for (let i = 0; i < n; i++) await client.query('select 1');
  } finally {
    await client.end();
  }
}

/**
 * Stops the server, checks the collector reports it down and writes nothing meanwhile, starts it
 * again and waits until collection resumed by itself. `stop` is how the server goes down.
 */
async function restartMidCollection(stop: () => Promise<void>): Promise<{ restartedAt: Date }> {
  // Collecting: the connection is ok and samples arrive.
  const before = new Date();
  await expect.poll(() => commitRatesSince(before), POLL).toBeGreaterThanOrEqual(2);
  expect((await connectionStatus())?.status).toBe('ok');

  await stop();
  const downFrom = new Date();
  await expect
    .poll(async () => {
      const status = await connectionStatus();
      return status && status.lastRunAt > downFrom ? status : undefined;
    }, POLL)
    .toMatchObject({ status: 'error', message: expect.stringMatching(/^cannot connect: /) });
  const firstFailure = (await connectionStatus())!.lastRunAt;
  // It keeps trying (with backoff), without crashing.
  await expect
    .poll(async () => (await connectionStatus())!.lastRunAt.getTime(), POLL)
    .toBeGreaterThan(firstFailure.getTime());
  expect((await connectionStatus())?.status).toBe('error');
  const downUntil = new Date();

  server = await startServer();
  const restartedAt = new Date();
  // A gap: nothing was written while the server was down.
  expect(await samplesBetween(downFrom, downUntil)).toBe(0);
  // Resumed by itself: new rates (two snapshots after the restart) and the connection ok again.
  await expect.poll(() => commitRatesSince(restartedAt), POLL).toBeGreaterThanOrEqual(1);
  await expect.poll(async () => (await connectionStatus())?.status, POLL).toBe('ok');
  // Every probe runs again on its own timer (backoff included) and turns ok.
  const failing = async () =>
    (await store.listStatus([ID])).filter((s) => s.status !== 'ok').map((s) => `${s.probe}: ${s.status}`);
  await expect.poll(failing, POLL).toEqual([]);
  expect(collectorErrors).toEqual([]);
  return { restartedAt };
}

describe('a monitored database restarted mid-collection', () => {
  it('fast shutdown (pg_ctl stop -m fast): an error status and a gap, then collection resumes by itself', async () => {
    await restartMidCollection(() => server.stop());
    expect(await negativeValues()).toEqual([]);
  });

  it('crash (immediate shutdown, statistics reset): no negative rate across the restart', async () => {
    await drive(500);
    await expect.poll(xactCommit, POLL).toBeGreaterThan(500);
    const commitsBefore = await xactCommit();
    const { restartedAt } = await restartMidCollection(async () => {
      // What `pg_ctl stop -m immediate` does (pg_ctl refuses to run as root): SIGQUIT to the postmaster.
      const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      await server.stop();
    });
    // Crash recovery discarded the statistics: the counters really went down across the restart.
    const [afterRestart] = await adminQuery<{ n: string }>(
      storeDb.url,
      `select count(*) as n from metrics_samples where connection_id = $1 and ts > $2`,
      [ID, restartedAt.toISOString()],
    );
    expect(Number(afterRestart?.n)).toBeGreaterThan(0);
    expect(await xactCommit()).toBeLessThan(commitsBefore);
    expect(await negativeValues()).toEqual([]);
  });

  it('does not crash when the server goes away while the collector holds a session between queries', async () => {
    // The real datastore, held at insertSamples until the server is down: the probe's session is
    // still checked out there (read done, rows being written) when its connection ends.
    let entered!: () => void;
    const writing = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: Datastore = {
      ...store,
      async insertSamples(samples) {
        entered();
        await released;
        return store.insertSamples(samples);
      },
    };
    const oneShot = createCollector({ datastore: held, schedule: false });
    try {
      await oneShot.setTargets([targetOf('held', server.url('postgres'))]);
      const outcome = oneShot.collectNow('held', ['database_stats']);
      await writing;
      await server.stop();
      release();
      // The rows read before the shutdown are still written; the dead session is dropped.
      expect((await outcome)[0]?.status).toBe('ok');
      const [down] = await oneShot.collectNow('held', ['database_stats']);
      expect(down?.message).toMatch(/^cannot connect: /);
      server = await startServer();
      expect((await oneShot.collectNow('held', ['database_stats']))[0]?.status).toBe('ok');
    } finally {
      await oneShot.stop();
    }
  });
});
