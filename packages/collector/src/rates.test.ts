import { describe, expect, it } from 'vitest';
import type { ProbeDefinition } from './probe.js';
import { convertRows } from './rates.js';

const probe: ProbeDefinition = {
  name: 'p',
  description: 'test',
  intervalS: 60,
  timeoutMs: 1000,
  dims: ['database_name'],
  columns: [
    { name: 'commits', unit: 'transactions/s', kind: 'counter', description: '' },
    { name: 'backends', unit: 'connections', kind: 'gauge', description: '' },
  ],
};

describe('convertRows', () => {
  it('stores gauges at once and counters as per-second rates from the second snapshot on', () => {
    const first = convertRows(probe, [{ database_name: 'a', commits: '100', backends: 3 }], 0, undefined);
    expect(first.rows).toEqual([{ dims: { database_name: 'a' }, values: { backends: 3 } }]);
    const second = convertRows(
      probe,
      [{ database_name: 'a', commits: '400', backends: 4 }],
      60_000,
      first.snapshot,
    );
    expect(second.rows).toEqual([
      { dims: { database_name: 'a' }, values: { commits: 5, backends: 4 }, intervalS: 60 },
    ]);
  });

  it('yields no rate when a counter went down (statistics reset or restart), then resumes from the new value', () => {
    const first = convertRows(probe, [{ database_name: 'a', commits: 1000 }], 0, undefined);
    const reset = convertRows(probe, [{ database_name: 'a', commits: 10 }], 10_000, first.snapshot);
    expect(reset.rows).toEqual([]);
    const after = convertRows(probe, [{ database_name: 'a', commits: 30 }], 20_000, reset.snapshot);
    expect(after.rows[0]?.values.commits).toBe(2);
  });

  it('keeps objects apart by their dimensions', () => {
    const first = convertRows(
      probe,
      [
        { database_name: 'a', commits: 10 },
        { database_name: 'b', commits: 50 },
      ],
      0,
      undefined,
    );
    const second = convertRows(
      probe,
      [
        { database_name: 'a', commits: 20 },
        { database_name: 'b', commits: 50 },
      ],
      1000,
      first.snapshot,
    );
    expect(second.rows.map((r) => r.values.commits)).toEqual([10, 0]);
  });

  it('leaves out rows whose counters did not move when the probe omits idle rows', () => {
    const idle: ProbeDefinition = { ...probe, omitIdleRows: true };
    const rows = [
      { database_name: 'a', commits: 10, backends: 1 },
      { database_name: 'b', commits: 50, backends: 2 },
    ];
    const first = convertRows(idle, rows, 0, undefined);
    // No rate yet: the gauges are stored for both.
    expect(first.rows).toHaveLength(2);
    const second = convertRows(
      idle,
      [
        { database_name: 'a', commits: 20, backends: 1 },
        { database_name: 'b', commits: 50, backends: 2 },
      ],
      1000,
      first.snapshot,
    );
    expect(second.rows.map((r) => [r.dims.database_name, r.values.commits])).toEqual([['a', 10]]);
    // The idle object's snapshot is kept: its next change is a rate over the whole time.
    const third = convertRows(idle, [{ database_name: 'b', commits: 80 }], 3000, second.snapshot);
    expect(third.rows[0]?.values.commits).toBe(15);
  });
});
