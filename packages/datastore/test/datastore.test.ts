import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatastore, type Datastore, DatastoreError, type Sample } from '../src/index.js';

const db = useTestDatabase('datastore');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// The fake clock: tests move it; the datastore reads it on every call.
let clock = new Date('2026-03-10T12:30:00Z');
let store: Datastore;

beforeAll(async () => {
  store = await createDatastore({ url: db.url, now: () => clock });
});
afterAll(async () => {
  await store.close();
});

function sample(time: Date, values: Sample['values'], dims: Sample['dims'] = {}): Sample {
  return { connectionId: 'c1', probe: 'database_stats', time, dims, values };
}

async function partitions(table: string): Promise<string[]> {
  const rows = await adminQuery<{ name: string }>(
    db.url,
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     join pg_class p on p.oid = i.inhparent where p.relname = $1 order by 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

describe('datastore', () => {
  it('creates day partitions ahead of the clock', async () => {
    expect(await partitions('metrics_samples')).toEqual(
      expect.arrayContaining([
        'metrics_samples_p20260310',
        'metrics_samples_p20260311',
        'metrics_samples_p20260312',
      ]),
    );
  });

  it('buckets on the server with each aggregation, per dimension set, with filters', async () => {
    const base = new Date('2026-03-10T10:00:00Z').getTime();
    const rows: Sample[] = [];
    for (let minute = 0; minute < 60; minute++) {
      const time = new Date(base + minute * 60_000);
      rows.push(sample(time, { tps: minute, label: 'x' }, { database_name: 'a' }));
      rows.push(sample(time, { tps: 100 }, { database_name: 'b' }));
    }
    expect(await store.insertSamples(rows)).toBe(120);
    const query = {
      probe: 'database_stats',
      connectionId: 'c1',
      timeStart: new Date(base),
      timeEnd: new Date(base + HOUR),
      buckets: 6,
      metrics: ['tps'],
    };
    const avg = await store.queryMetrics(query);
    expect(avg.source).toBe('raw');
    expect(avg.bucketSeconds).toBe(600);
    expect(avg.series.map((s) => s.dims.database_name)).toEqual(['a', 'b']);
    expect(avg.series[0]?.points.map((p) => p.values.tps)).toEqual([4.5, 14.5, 24.5, 34.5, 44.5, 54.5]);
    // Text metrics come as their last value whatever the aggregation.
    const withText = await store.queryMetrics({ ...query, buckets: 1, metrics: ['tps', 'label'] });
    expect(withText.series[0]?.points[0]?.values).toEqual({ tps: 29.5, label: 'x' });
    const sum = await store.queryMetrics({ ...query, aggregation: 'sum', filters: { database_name: 'a' } });
    expect(sum.series).toHaveLength(1);
    expect(sum.series[0]?.points[0]?.values.tps).toBe(45);
    const last = await store.queryMetrics({
      ...query,
      aggregation: 'last',
      buckets: 1,
      metrics: ['tps', 'label'],
    });
    expect(last.series[0]?.points[0]?.values).toEqual({ tps: 59, label: 'x' });
    const max = await store.queryMetrics({ ...query, aggregation: 'max', buckets: 1 });
    expect(max.series[0]?.points[0]?.values.tps).toBe(59);
  });

  it('ranks series by the average of a metric and keeps the best max_series (the largest tables)', async () => {
    const base = new Date('2026-03-10T08:00:00Z').getTime();
    const sizes: Record<string, number> = { alpha: 10, zulu: 1000, mike: 100, bravo: 1 };
    const rows: Sample[] = [];
    for (let minute = 0; minute < 10; minute++)
      for (const [table, size] of Object.entries(sizes))
        rows.push({
          connectionId: 'c1',
          probe: 'table_sizes',
          time: new Date(base + minute * 60_000),
          dims: { database_name: 'a', schema_name: 'public', table_name: table },
          values: { total_bytes: size + minute },
        });
    await store.insertSamples(rows);
    const query = {
      probe: 'table_sizes',
      connectionId: 'c1',
      timeStart: new Date(base),
      timeEnd: new Date(base + HOUR),
      buckets: 2,
      metrics: ['total_bytes'],
      aggregation: 'last' as const,
    };
    const top = await store.queryMetrics({ ...query, rankBy: 'total_bytes', maxSeries: 2 });
    expect(top.series.map((s) => s.dims.table_name)).toEqual(['zulu', 'mike']);
    expect(top.truncated).toBe(true);
    expect(top.series[0]?.points.at(-1)?.values.total_bytes).toBe(1009);
    // Without ranking, series come in dimension order.
    const first = await store.queryMetrics({ ...query, maxSeries: 2 });
    expect(first.series.map((s) => s.dims.table_name)).toEqual(['alpha', 'bravo']);
    const all = await store.queryMetrics({ ...query, rankBy: 'total_bytes', maxSeries: 4 });
    expect(all.series.map((s) => s.dims.table_name)).toEqual(['zulu', 'mike', 'alpha', 'bravo']);
    expect(all.truncated).toBe(false);
  });

  it('sums counters over a range per object as rate × seconds, ranked, with the latest text', async () => {
    const base = new Date('2026-03-10T07:00:00Z').getTime();
    const rows: Sample[] = [];
    for (let minute = 1; minute <= 5; minute++) {
      const time = new Date(base + minute * 60_000);
      const statement = (id: string, query: string, calls: number, time_ms: number): Sample => ({
        connectionId: 'c1',
        probe: 'statements',
        time,
        dims: { database_name: 'a', object_name: id },
        values: { query, calls, total_exec_time: time_ms },
        intervalS: 60,
      });
      rows.push(statement('1', 'select $1', 10, 1), statement('2', `update t set x = $${minute}`, 1, 5));
    }
    // A statement in another database, and one outside the range: neither counts.
    rows.push({
      connectionId: 'c1',
      probe: 'statements',
      time: new Date(base + 60_000),
      dims: { database_name: 'b', object_name: '3' },
      values: { query: 'vacuum', calls: 1, total_exec_time: 2 },
      intervalS: 60,
    });
    await store.insertSamples(rows);
    const result = await store.queryTotals({
      probe: 'statements',
      connectionId: 'c1',
      timeStart: new Date(base),
      timeEnd: new Date(base + HOUR),
      counters: ['calls', 'total_exec_time'],
      texts: ['query'],
      orderBy: 'total_exec_time',
      limit: 1,
      filters: { database_name: 'a' },
      intervalS: 60,
    });
    expect(result.source).toBe('raw');
    // Statement 2: 5 ms/s over 5 minutes = 1500 ms; statement 1: 300 ms. Only the first is kept.
    expect(result.rows).toEqual([
      {
        dims: { database_name: 'a', schema_name: '', table_name: '', object_name: '2' },
        totals: { calls: 300, total_exec_time: 1500 },
        texts: { query: 'update t set x = $5' },
      },
    ]);
    expect(result.grandTotal).toBe(1800);
    const error = await store
      .queryTotals({
        probe: 'statements',
        connectionId: 'c1',
        timeStart: new Date(base + HOUR),
        timeEnd: new Date(base),
        counters: ['calls'],
        orderBy: 'calls',
        limit: 1,
        intervalS: 60,
      })
      .catch((e: unknown) => e);
    expect((error as DatastoreError).field).toBe('time_start');
  });

  it('refuses bad arguments naming the field and what is valid', async () => {
    const query = {
      probe: 'p',
      connectionId: 'c1',
      timeStart: new Date(clock.getTime() - HOUR),
      timeEnd: clock,
      metrics: ['x'],
    };
    for (const [patch, field, text] of [
      [{ buckets: 0 }, 'buckets', 'from 1 to 500'],
      [{ buckets: 501 }, 'buckets', 'from 1 to 500'],
      [{ timeStart: clock, timeEnd: new Date(clock.getTime() - HOUR) }, 'time_start', 'must be before'],
      [{ metrics: [] }, 'metrics', 'at least one'],
      [{ aggregation: 'median' }, 'aggregation', 'avg, sum, min, max, last'],
    ] as const) {
      const error = await store.queryMetrics({ ...query, ...(patch as object) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatastoreError);
      expect((error as DatastoreError).field).toBe(field);
      expect((error as DatastoreError).message).toContain(text);
    }
  });

  it('downsamples complete hours into rollups and drops partitions past retention on a fake clock', async () => {
    // Raw samples 10 days ago (two per hour over 3 hours) and now.
    const old = new Date('2026-02-28T00:00:00Z').getTime();
    const rows: Sample[] = [];
    for (let i = 0; i < 6; i++) rows.push(sample(new Date(old + i * 30 * 60_000), { tps: i }));
    await store.insertSamples(rows);
    expect(await partitions('metrics_samples')).toContain('metrics_samples_p20260228');

    const report = await store.runMaintenance();
    expect(report.hourlyRowsWritten).toBeGreaterThanOrEqual(3);
    // Ten days back is past the 7 days of raw retention: the partition is gone, the rollup stays.
    expect(report.droppedPartitions).toContain('metrics_samples_p20260228');
    expect(await partitions('metrics_samples')).not.toContain('metrics_samples_p20260228');
    expect(await partitions('metrics_hourly')).toContain('metrics_hourly_p20260228');

    const hourly = await store.queryMetrics({
      probe: 'database_stats',
      connectionId: 'c1',
      timeStart: new Date(old),
      timeEnd: new Date(old + 3 * HOUR),
      buckets: 3,
      metrics: ['tps'],
    });
    expect(hourly.source).toBe('hourly');
    expect(hourly.series[0]?.points.map((p) => p.values.tps)).toEqual([0.5, 2.5, 4.5]);
    const hourlyMax = await store.queryMetrics({
      probe: 'database_stats',
      connectionId: 'c1',
      timeStart: new Date(old),
      timeEnd: new Date(old + 3 * HOUR),
      buckets: 1,
      metrics: ['tps'],
      aggregation: 'max',
    });
    expect(hourlyMax.series[0]?.points[0]?.values.tps).toBe(5);

    // 91 days later the rollups expire too.
    clock = new Date(old + 91 * DAY);
    const later = await store.runMaintenance();
    expect(later.droppedPartitions).toContain('metrics_hourly_p20260228');
    expect(await partitions('metrics_hourly')).not.toContain('metrics_hourly_p20260228');
    expect(await partitions('metrics_samples')).toContain(
      `metrics_samples_p${clock.toISOString().slice(0, 10).replaceAll('-', '')}`,
    );
  });

  it('records and lists collection status', async () => {
    await store.recordStatus({
      connectionId: 'c1',
      probe: '*',
      status: 'ok',
      lastRunAt: clock,
      lastOkAt: clock,
    });
    await store.recordStatus({
      connectionId: 'c1',
      probe: '*',
      status: 'error',
      message: 'down',
      lastRunAt: clock,
    });
    const [status] = await store.listStatus(['c1']);
    expect(status).toMatchObject({ status: 'error', message: 'down', lastOkAt: clock });
    expect((await store.lastCollectionTimes()).get('c1')).toEqual(clock);
  });

  it('lets two writers create the same new day partition at once (replicas sharing a datastore)', async () => {
    const other = await createDatastore({ url: db.url, now: () => clock });
    try {
      const day = new Date('2026-01-15T08:00:00Z');
      const writes = await Promise.all([
        store.insertSamples([sample(day, { tps: 1 })]),
        other.insertSamples([sample(day, { tps: 2 })]),
      ]);
      expect(writes).toEqual([1, 1]);
      expect(await partitions('metrics_samples')).toContain('metrics_samples_p20260115');
    } finally {
      await other.close();
    }
  });

  it('refuses a SQLite URL', async () => {
    await expect(createDatastore({ url: '/tmp/x.db' })).rejects.toMatchObject({ code: 'NOT_POSTGRES' });
  });
});
