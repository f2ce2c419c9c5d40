import { createLeaderLocks } from '@pgmcp/datastore';
import { adminQuery } from '@pgmcp/vitest-config/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_PROBES, createCollector, type Collector } from '../src/index.js';
import { targetOf, useCollectorDatabases } from './helpers.js';

const dbs = useCollectorDatabases('leader');
const collectors: Collector[] = [];
afterAll(async () => {
  await Promise.all(collectors.map((c) => c.stop()));
});

function instance(): { collector: Collector; locks: ReturnType<typeof createLeaderLocks> } {
  const locks = createLeaderLocks({ url: dbs.storeDb().url });
  const collector = createCollector({
    datastore: dbs.store(),
    probes: BUILTIN_PROBES.filter((p) => p.name === 'connection_usage'),
    intervalScale: 0.005,
    maintenanceIntervalS: 0,
    leaderLocks: locks,
    leaderCheckS: 0.2,
  });
  collectors.push(collector);
  return { collector, locks };
}

const samples = async () =>
  Number(
    (
      await adminQuery<{ n: string }>(
        dbs.storeDb().url,
        `select count(*) as n from metrics_samples where connection_id = 'shared'`,
      )
    )[0]?.n,
  );

describe('leader election between two collector instances', () => {
  it('lets one instance collect a connection and fails over when that instance dies', async () => {
    const a = instance();
    const b = instance();
    await a.collector.setTargets([targetOf('shared', dbs.monitored().url)]);
    await b.collector.setTargets([targetOf('shared', dbs.monitored().url)]);
    expect(a.collector.leading()).toEqual(['shared']);
    expect(b.collector.leading()).toEqual([]);
    await expect.poll(samples, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    // The standby keeps trying and keeps losing while the leader lives.
    await expect.poll(() => b.locks.held()).toEqual([]);

    // The leader dies: its datastore session is cut (as when its process or host goes away) and it runs no more.
    const pid = a.locks.sessionPid();
    expect(pid).toBeDefined();
    await adminQuery(dbs.storeDb().adminUrl, 'select pg_terminate_backend($1)', [pid]);
    await a.collector.stop();

    await expect.poll(() => b.collector.leading(), { timeout: 10_000 }).toEqual(['shared']);
    const atTakeover = await samples();
    await expect.poll(samples, { timeout: 10_000 }).toBeGreaterThan(atTakeover);
  });
});
