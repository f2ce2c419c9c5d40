import { describe, expect, it } from 'vitest';
import { formatValue, humanBytes, shortNumber } from './units.js';

describe('units', () => {
  it('humanizes bytes in binary steps', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(1536)).toBe('1.5 KiB');
    expect(humanBytes(5 * 1024 ** 3)).toBe('5 GiB');
  });
  it('shortens counts', () => {
    expect(shortNumber(1250)).toBe('1,250');
    expect(shortNumber(25_000)).toBe('25k');
    expect(shortNumber(3_400_000)).toBe('3.4M');
    expect(shortNumber(0.25)).toBe('0.25');
  });
  it('formats by unit: rates, bytes, percent, durations, and a dash for no value', () => {
    expect(formatValue(2048, 'bytes/s')).toBe('2 KiB/s');
    expect(formatValue(12.5, 'transactions/s')).toBe('12.5/s');
    expect(formatValue(99.456, '%')).toBe('99.5 %');
    expect(formatValue(95, 's')).toBe('95 s');
    expect(formatValue(150, 's')).toBe('2m 30s');
    expect(formatValue(250, 'ms')).toBe('250 ms');
    expect(formatValue(4, 'sessions')).toBe('4');
    expect(formatValue(null, 'bytes')).toBe('–');
  });
});
