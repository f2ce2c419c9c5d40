import { describe, expect, it } from 'vitest';
import {
  collect,
  parseAccess,
  parseAdminPermissions,
  parseConnectionScopes,
  parseExpires,
  parseList,
} from './parse-values.js';

const NOW = new Date(2026, 10, 21, 12, 0, 0);

describe('parseExpires', () => {
  it('reads durations from now', () => {
    expect(parseExpires('90min', NOW)).toEqual(new Date(NOW.getTime() + 90 * 60_000));
    expect(parseExpires('12h', NOW)).toEqual(new Date(NOW.getTime() + 12 * 3_600_000));
    expect(parseExpires('30d', NOW)).toEqual(new Date(NOW.getTime() + 30 * 86_400_000));
    expect(parseExpires('2w', NOW)).toEqual(new Date(NOW.getTime() + 14 * 86_400_000));
    expect(parseExpires('1Y', NOW)).toEqual(new Date(NOW.getTime() + 365 * 86_400_000));
  });

  it('reads a date as valid through that day (local time), an ISO time as given, and never', () => {
    expect(parseExpires('2026-12-31', NOW)).toEqual(new Date(2027, 0, 1));
    expect(parseExpires('2026-12-31T18:00:00Z', NOW)).toEqual(new Date(Date.UTC(2026, 11, 31, 18)));
    expect(parseExpires('never', NOW)).toBe('never');
  });

  it('refuses the past, impossible dates and unknown forms with a message saying what works', () => {
    expect(() => parseExpires('2026-11-20', NOW)).toThrow('2026-11-20 is not in the future.');
    expect(() => parseExpires('0d', NOW)).toThrow('The expiry must be in the future.');
    expect(() => parseExpires('2026-02-30', NOW)).toThrow('2026-02-30 is not a date.');
    expect(() => parseExpires('2026-12-31Tnoon', NOW)).toThrow('is not a valid ISO time');
    expect(() => parseExpires('30m', NOW)).toThrow('Use a duration (90min, 12h, 30d, 8w, 1y)');
    expect(() => parseExpires('tomorrow', NOW)).toThrow('Use a duration');
  });
});

describe('scope lists', () => {
  it('splits comma lists; none is the empty list', () => {
    expect(parseList(' query_database, get_schema_info ,')).toEqual(['query_database', 'get_schema_info']);
    expect(parseList('none')).toEqual([]);
    expect(() => parseList(' , ')).toThrow('comma-separated list');
  });

  it('reads connection scopes; a bare name means read; the last colon splits (names may not hold one)', () => {
    expect(parseConnectionScopes('demo:read,prod:read_write,logs')).toEqual([
      { name: 'demo', access: 'read' },
      { name: 'prod', access: 'read_write' },
      { name: 'logs', access: 'read' },
    ]);
    expect(parseConnectionScopes('none')).toEqual([]);
    expect(() => parseConnectionScopes('demo:write-all')).toThrow("Unknown access 'write-all'");
    expect(() => parseConnectionScopes(':read')).toThrow('names no connection');
  });

  it('reads access words and admin permissions', () => {
    expect(parseAccess('rw')).toBe('read_write');
    expect(parseAccess('read-write')).toBe('read_write');
    expect(parseAccess('READ')).toBe('read');
    expect(parseAdminPermissions('manage_users,manage-tokens')).toEqual(['manage_users', 'manage_tokens']);
    expect(parseAdminPermissions('none')).toEqual([]);
    expect(() => parseAdminPermissions('manage_everything')).toThrow(
      "Unknown admin permission 'manage_everything': use manage_users, manage_groups",
    );
  });

  it('collects repeated options', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
  });
});
