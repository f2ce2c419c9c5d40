import { BUILTIN_PROBES } from '@pgmcp/collector';
import { DatastoreError } from '@pgmcp/datastore';
import { describe, expect, it } from 'vitest';
import { findProbe, probeMetrics, probeRequirements, timeRange } from './metrics-read.js';

const now = new Date('2026-12-07T12:00:00Z');

function fieldOf(work: () => unknown): { field: string | undefined; message: string } {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DatastoreError);
    return { field: (error as DatastoreError).field, message: (error as DatastoreError).message };
  }
  throw new Error('expected a DatastoreError');
}

describe('the shared monitoring checks', () => {
  it('finds probes and lists the valid ones for an unknown name, under the field given', () => {
    expect(findProbe(BUILTIN_PROBES, 'database_stats').name).toBe('database_stats');
    const error = fieldOf(() => findProbe(BUILTIN_PROBES, 'nope', 'probe'));
    expect(error.field).toBe('probe');
    expect(error.message).toMatch(/^Unknown probe "nope". The probes are: .*database_stats/);
  });

  it('defaults to every metric, or only the numeric ones for charts, and names unknown metrics', () => {
    const statements = findProbe(BUILTIN_PROBES, 'statements');
    expect(probeMetrics(statements, undefined).map((c) => c.name)).toContain('query');
    const numeric = probeMetrics(statements, undefined, { numericByDefault: true }).map((c) => c.name);
    expect(numeric).not.toContain('query');
    expect(numeric).toContain('calls');
    expect(probeMetrics(statements, ['calls', 'query']).map((c) => c.name)).toEqual(['calls', 'query']);
    const error = fieldOf(() => probeMetrics(statements, ['calls', 'tps', 'qps'], { field: 'rank_by' }));
    expect(error.field).toBe('rank_by');
    expect(error.message).toMatch(
      /^Unknown metric "tps", "qps" of probe statements; its metrics are: query, calls/,
    );
  });

  it('reads time ranges with defaults, and names the field of a bad time', () => {
    expect(timeRange(undefined, undefined, now)).toEqual({
      timeStart: new Date('2026-12-07T11:00:00Z'),
      timeEnd: now,
    });
    expect(timeRange('15m', '2026-12-07T11:50:00Z', now).timeStart.toISOString()).toBe(
      '2026-12-07T11:45:00.000Z',
    );
    expect(fieldOf(() => timeRange('yesterday', undefined, now))).toMatchObject({
      field: 'time_start',
      message: expect.stringMatching(/^time_start: "yesterday" is not a time/) as string,
    });
    expect(fieldOf(() => timeRange('1h', 'soon', now)).field).toBe('time_end');
  });

  it('states what a probe needs in one phrase', () => {
    expect(probeRequirements(findProbe(BUILTIN_PROBES, 'io'))).toBe('PostgreSQL 16+');
    expect(probeRequirements(findProbe(BUILTIN_PROBES, 'statements'))).toBe('extension pg_stat_statements');
    expect(probeRequirements(findProbe(BUILTIN_PROBES, 'hba_rules'))).toMatch(/superuser/);
    expect(probeRequirements(findProbe(BUILTIN_PROBES, 'database_stats'))).toBe('PostgreSQL 14+');
  });
});
