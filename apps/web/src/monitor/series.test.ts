import { describe, expect, it } from 'vitest';
import { bucketsFor, gapSecondsFor } from './panels.js';
import { chartLines, lastValue, latestBy, type MetricSeriesInput } from './series.js';

const dims = (over: Partial<MetricSeriesInput['dims']> = {}) => ({
  database_name: '',
  schema_name: '',
  table_name: '',
  object_name: '',
  ...over,
});
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
const t = (minute: number) => Date.UTC(2026, 0, 1, 0, minute) / 1000;

describe('chartLines', () => {
  it('sums a metric over databases, one line per metric', () => {
    const series: MetricSeriesInput[] = [
      {
        dims: dims({ database_name: 'a' }),
        points: [{ time: at(0), values: { xact_commit: 2, xact_rollback: 1 } }],
      },
      { dims: dims({ database_name: 'b' }), points: [{ time: at(0), values: { xact_commit: 3 } }] },
    ];
    const lines = chartLines(
      series,
      ['xact_commit', 'xact_rollback'],
      {
        kind: 'metrics',
        labels: { xact_commit: 'commits', xact_rollback: 'rollbacks' },
      },
      { gapSeconds: 150 },
    );
    expect(lines).toEqual({
      xs: [t(0)],
      lines: [
        { label: 'commits', values: [5] },
        { label: 'rollbacks', values: [1] },
      ],
    });
  });

  it('puts a null between points further apart than the gap, so the outage is not drawn over', () => {
    const series: MetricSeriesInput[] = [
      {
        dims: dims(),
        points: [0, 1, 2, 10, 11].map((m) => ({ time: at(m), values: { wal_bytes: m * 100 } })),
      },
    ];
    const { xs, lines } = chartLines(
      series,
      ['wal_bytes'],
      { kind: 'metrics', labels: {} },
      {
        gapSeconds: gapSecondsFor(60, 60),
      },
    );
    expect(xs).toEqual([t(0), t(1), t(2), t(6), t(10), t(11)]);
    expect(lines[0]!.values).toEqual([0, 100, 200, null, 1000, 1100]);
  });

  it('draws one line per state, the busiest first, and counts an absent state as 0 sessions', () => {
    const series: MetricSeriesInput[] = [
      {
        dims: dims({ object_name: 'idle' }),
        points: [0, 1].map((m) => ({ time: at(m), values: { sessions: 4 } })),
      },
      { dims: dims({ object_name: 'active' }), points: [{ time: at(1), values: { sessions: 1 } }] },
    ];
    const { lines } = chartLines(
      series,
      ['sessions'],
      { kind: 'dims', dim: 'object_name', zeroWhenAbsent: true },
      {
        gapSeconds: 150,
      },
    );
    expect(lines).toEqual([
      { label: 'idle', values: [4, 4] },
      { label: 'active', values: [0, 1] },
    ]);
  });

  it('keeps the largest lines when capped', () => {
    const series: MetricSeriesInput[] = ['s', 'm', 'l'].map((name, i) => ({
      dims: dims({ database_name: name }),
      points: [{ time: at(0), values: { size_bytes: (i + 1) * 10 } }],
    }));
    const { lines } = chartLines(
      series,
      ['size_bytes'],
      { kind: 'dims', dim: 'database_name', max: 2 },
      {
        gapSeconds: 150,
      },
    );
    expect(lines.map((l) => l.label)).toEqual(['l', 'm']);
  });

  it('computes the cache hit ratio over all databases, and none without reads', () => {
    const series: MetricSeriesInput[] = [
      {
        dims: dims({ database_name: 'a' }),
        points: [
          { time: at(0), values: { blks_hit: 90, blks_read: 5 } },
          { time: at(1), values: { blks_hit: 0, blks_read: 0 } },
        ],
      },
      {
        dims: dims({ database_name: 'b' }),
        points: [{ time: at(0), values: { blks_hit: 5, blks_read: 0 } }],
      },
    ];
    const { lines } = chartLines(
      series,
      ['blks_hit', 'blks_read'],
      {
        kind: 'hit_ratio',
        hit: 'blks_hit',
        read: 'blks_read',
        label: 'hit ratio',
      },
      { gapSeconds: 150 },
    );
    expect(lines).toEqual([{ label: 'hit ratio', values: [95, null] }]);
  });

  it('scales rates (checkpoints per second to per hour)', () => {
    const series: MetricSeriesInput[] = [{ dims: dims(), points: [{ time: at(0), values: { n: 0.001 } }] }];
    const { lines } = chartLines(
      series,
      ['n'],
      { kind: 'metrics', labels: {} },
      { gapSeconds: 150, scale: 3600 },
    );
    expect(lines[0]!.values[0]).toBeCloseTo(3.6);
  });
});

describe('helpers', () => {
  it('lastValue skips trailing gaps', () => {
    expect(lastValue([1, 2, null])).toBe(2);
    expect(lastValue([null])).toBeNull();
  });
  it('latestBy ranks objects by their latest value', () => {
    const series: MetricSeriesInput[] = [
      { dims: dims({ table_name: 'small' }), points: [{ time: at(0), values: { total_bytes: 1 } }] },
      { dims: dims({ table_name: 'big' }), points: [{ time: at(0), values: { total_bytes: 9 } }] },
      { dims: dims({ table_name: 'none' }), points: [] },
    ];
    expect(latestBy(series, 'total_bytes').map((r) => r.dims.table_name)).toEqual(['big', 'small']);
  });
  it('bucketsFor never makes buckets narrower than the probe interval, and at most 150', () => {
    expect(bucketsFor(900, 60)).toBe(15);
    expect(bucketsFor(30 * 86_400, 60)).toBe(150);
    expect(bucketsFor(10, 60)).toBe(1);
  });
});
