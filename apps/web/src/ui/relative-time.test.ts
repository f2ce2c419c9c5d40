import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time.js';

describe('relativeTime', () => {
  const now = Date.parse('2025-06-15T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('says how long ago, in the largest fitting unit', () => {
    expect(relativeTime(ago(10_000), now, 'en')).toBe('just now');
    expect(relativeTime(ago(5 * 60_000), now, 'en')).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * 3_600_000), now, 'en')).toBe('3 hours ago');
    expect(relativeTime(ago(86_400_000), now, 'en')).toBe('yesterday');
    expect(relativeTime(ago(15 * 86_400_000), now, 'en')).toBe('2 weeks ago');
    expect(relativeTime(ago(400 * 86_400_000), now, 'en')).toBe('last year');
  });

  it('gives nothing for a time it cannot read', () => {
    expect(relativeTime('not a date', now)).toBe('');
  });
});
