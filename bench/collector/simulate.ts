/**
 * Simulated collection on a fake clock: the collector runs each probe whenever its default
 * interval has passed on the clock (collectNow, no timers), with a little of the pgbench-like
 * workload between steps so that counters move and statements come and go. The datastore reads
 * the same clock, so partitions and rollups follow the simulated days.
 */
import { type Collector, createCollector } from '@pgmcp/collector';
import { createDatastore, type Datastore } from '@pgmcp/datastore';
import pg from 'pg';
import { initPgbenchTables, targetOf, WORKLOAD_APP } from './setup.js';

/** The simulated clock, in ms. */
export interface FakeClock {
  ms: number;
}

export const TARGET_ID = 'demo';
const STEP_S = 30; // the greatest common divisor of the probes' default intervals

/** The collector and datastore of a simulation, both on `clock`. */
export async function openSimulation(
  datastoreUrl: string,
  monitoredUrl: string,
  clock: FakeClock,
  partitionsAheadDays = 2,
): Promise<{ store: Datastore; collector: Collector; close(): Promise<void> }> {
  const now = () => new Date(clock.ms);
  const store = await createDatastore({ url: datastoreUrl, now, partitionsAheadDays });
  const collector = createCollector({ datastore: store, schedule: false, now });
  await collector.setTargets([targetOf(TARGET_ID, monitoredUrl)]);
  return {
    store,
    collector,
    async close() {
      await collector.stop();
      await store.close();
    },
  };
}

/** A few distinct statements on the demo's schemas, so pg_stat_statements has a realistic mix. */
const DEMO_READS = [
  'select count(*) from sales.orders where customer_id = $1',
  'select count(*) from sales.orders where customer_id = $1 and status = $2',
  'select sum(quantity) from sales.order_items where product_id = $1',
  'select * from sales.customers where customer_id = $1',
  'select * from inventory.products where category_id = $1 limit 20',
  'select * from inventory.stock_levels where product_id = $1',
  'select avg(rating) from sales.product_reviews where product_id = $1',
];

/**
 * Advances `clock` by `hours` in 30 s steps, running every probe that is due at each step, and
 * returns how many probe runs there were.
 */
export async function simulateCollection(
  collector: Collector,
  monitoredUrl: string,
  clock: FakeClock,
  hours: number,
  onProgress: (hoursDone: number) => void = () => undefined,
): Promise<number> {
  await initPgbenchTables(monitoredUrl);
  const client = new pg.Client({ connectionString: monitoredUrl, application_name: WORKLOAD_APP });
  await client.connect();
  let runs = 0;
  try {
    const steps = (hours * 3600) / STEP_S;
    for (let step = 0; step < steps; step++) {
      for (let i = 0; i < 5; i++) {
        const read = DEMO_READS[(step + i) % DEMO_READS.length]!;
        const id = 1 + ((step * 7 + i) % 50);
        await client.query(read, read.includes('$2') ? [id, 'shipped'] : [id]);
        await client.query('update pgbench_accounts set abalance = abalance + 1 where aid = $1', [
          1 + ((step * 13 + i) % 100_000),
        ]);
      }
      const elapsedS = step * STEP_S;
      const due = collector.probes.filter((p) => elapsedS % p.intervalS === 0).map((p) => p.name);
      runs += (await collector.collectNow(TARGET_ID, due)).length;
      clock.ms += STEP_S * 1000;
      if ((elapsedS + STEP_S) % 3600 === 0) onProgress((elapsedS + STEP_S) / 3600);
    }
  } finally {
    await client.end();
  }
  return runs;
}
