import { describe, expect, it } from 'vitest';
import {
  fromDbBool,
  fromDbJson,
  fromDbTime,
  fromDbTimeOrUndefined,
  toDbBool,
  toDbJson,
  toDbTime,
} from './values.js';

describe('column values', () => {
  it('stores times as epoch milliseconds and reads them back', () => {
    const date = new Date('2026-11-21T10:59:25.123Z');
    expect(toDbTime(date)).toBe(date.getTime());
    expect(fromDbTime(toDbTime(date))).toEqual(date);
    expect(fromDbTime(String(date.getTime()))).toEqual(date);
    expect(fromDbTimeOrUndefined(null)).toBeUndefined();
  });

  it('refuses to store an invalid Date', () => {
    expect(() => toDbTime(new Date('nope'))).toThrow(RangeError);
  });

  it('stores booleans as 0/1', () => {
    expect([toDbBool(true), toDbBool(false)]).toEqual([1, 0]);
    expect([fromDbBool(1), fromDbBool(0), fromDbBool(true), fromDbBool(false)]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('stores JSON as text', () => {
    const value = { a: [1, 'two', null], b: { c: true } };
    expect(fromDbJson<typeof value>(toDbJson(value))).toEqual(value);
  });
});
