import { createDatastore, type Datastore, type Sample } from '@pgmcp/datastore';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll } from 'vitest';
import { type AlertEvent, type Alerter, createAlerter } from '../src/index.js';

/** A fake clock the datastore, the collector and the alerter read. */
export class Clock {
  #now: number;
  constructor(start: string) {
    this.#now = Date.parse(start);
  }
  now = (): Date => new Date(this.#now);
  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
  advance(seconds: number): void {
    this.#now += seconds * 1000;
  }
}

/** A datastore and an alerter on a test database, a fake clock, and the alert events told. */
export function useAlerter(label: string, options: { reopenWindowS?: number } = {}) {
  const db = useTestDatabase(label);
  const clock = new Clock('2026-03-10T08:00:00Z');
  const events: AlertEvent[] = [];
  let datastore: Datastore | undefined;
  let alerter: Alerter | undefined;
  beforeAll(async () => {
    datastore = await createDatastore({ url: db.url, now: clock.now });
    alerter = await createAlerter({
      database: datastore.database,
      now: clock.now,
      reopenWindowS: options.reopenWindowS ?? 3600,
      onAlertEvent: (event) => {
        events.push(event);
      },
    });
  });
  afterAll(async () => {
    await datastore?.close();
  });

  /** One probe run at the clock's time: its rows (samples) and its ok status, as the collector writes them. */
  async function collect(
    connectionId: string,
    probe: string,
    rows: readonly { dims?: Sample['dims']; values: Sample['values'] }[],
  ): Promise<void> {
    const time = clock.now();
    await datastore!.insertSamples(rows.map((r) => ({ connectionId, probe, time, ...r })));
    await datastore!.recordStatus({ connectionId, probe, status: 'ok', lastRunAt: time, lastOkAt: time });
  }

  return {
    db,
    clock,
    events,
    collect,
    datastore: () => datastore!,
    alerter: () => alerter!,
  };
}
