import { describe, expect, it } from 'vitest';
import { PrincipalCache } from './principal-cache.js';

describe('PrincipalCache', () => {
  it('keeps entries for the TTL', () => {
    const cache = new PrincipalCache<string>(1000, 10);
    cache.set('k', 'v', 0);
    expect(cache.get('k', 999)).toBe('v');
    expect(cache.get('k', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entries beyond its size', () => {
    const cache = new PrincipalCache<number>(1000, 2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, 2, 3]);
  });

  it('deletes by predicate and clears', () => {
    const cache = new PrincipalCache<{ user: string }>(1000, 10);
    cache.set('a', { user: 'u1' }, 0);
    cache.set('b', { user: 'u2' }, 0);
    cache.deleteWhere((value) => value.user === 'u1');
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('b', 1)).toEqual({ user: 'u2' });
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stores nothing when the TTL is 0', () => {
    const cache = new PrincipalCache<number>(0, 10);
    cache.set('a', 1, 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });
});
