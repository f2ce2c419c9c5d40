import { describe, expect, it } from 'vitest';
import { parseTimeArg } from './time-range.js';

const now = new Date('2026-12-07T12:00:00Z');

describe('parseTimeArg', () => {
  it('reads relative spans, now and ISO times', () => {
    expect(parseTimeArg('1h', now)?.toISOString()).toBe('2026-12-07T11:00:00.000Z');
    expect(parseTimeArg('15m', now)?.toISOString()).toBe('2026-12-07T11:45:00.000Z');
    expect(parseTimeArg('7d', now)?.toISOString()).toBe('2026-11-30T12:00:00.000Z');
    expect(parseTimeArg('now', now)).toBe(now);
    expect(parseTimeArg('2026-12-01T03:00:00Z', now)?.toISOString()).toBe('2026-12-01T03:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['yesterday', '1 hour', '-1h', '2026-13-45', ''])
      expect(parseTimeArg(bad, now)).toBeUndefined();
  });
});
