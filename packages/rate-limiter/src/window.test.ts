import { describe, expect, it } from 'vitest';
import { applyHit, statusOf } from './window.js';

describe('applyHit', () => {
  const rule = { limit: 2, windowMs: 100 };

  it('starts a window at the first hit and counts up to the limit', () => {
    const first = applyHit(undefined, rule, 1000, 'w1');
    expect(first).toEqual({ windowId: 'w1', hits: 1, resetAtMs: 1100 });
    const second = applyHit(first, rule, 1050, 'w2');
    expect(second).toEqual({ windowId: 'w1', hits: 2, resetAtMs: 1100 });
    expect(applyHit(second, rule, 1099, 'w3')).toBeUndefined();
    expect(applyHit(second, rule, 1100, 'w4')).toEqual({ windowId: 'w4', hits: 1, resetAtMs: 1200 });
  });

  it('stretches the window by blockMs only at the hit that fills the limit', () => {
    const blocking = { ...rule, blockMs: 500 };
    const first = applyHit(undefined, blocking, 0, 'w');
    expect(first?.resetAtMs).toBe(100);
    expect(applyHit(first, blocking, 10, 'x')?.resetAtMs).toBe(510);
  });
});

describe('statusOf', () => {
  it('reads an ended window as no window', () => {
    const rule = { limit: 1, windowMs: 100 };
    const counter = { windowId: 'w', hits: 1, resetAtMs: 100 };
    expect(statusOf(counter, rule, 50)).toEqual({
      count: 1,
      remaining: 0,
      resetAt: new Date(100),
      retryAfterMs: 50,
    });
    expect(statusOf(counter, rule, 100)).toEqual({
      count: 0,
      remaining: 1,
      resetAt: undefined,
      retryAfterMs: 0,
    });
  });
});
