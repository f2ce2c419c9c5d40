import type { Counter, CounterBackend } from './counter-backend.js';
import { applyHit } from './window.js';

/**
 * Counters in a Map: one process only. JavaScript runs one hit at a time, so each is atomic. At most
 * `maxKeys` keys are kept; ended windows go first, then the oldest keys.
 */
export function createMemoryCounters(maxKeys: number): CounterBackend {
  const counters = new Map<string, Counter>();

  function trim(nowMs: number): void {
    if (counters.size <= maxKeys) return;
    for (const [key, counter] of counters) if (counter.resetAtMs <= nowMs) counters.delete(key);
    for (const key of counters.keys()) {
      if (counters.size <= maxKeys) break;
      counters.delete(key);
    }
  }

  return {
    kind: 'memory',
    async hit(key, rule, nowMs, windowId) {
      const current = counters.get(key);
      const next = applyHit(current, rule, nowMs, windowId);
      if (!next) return { allowed: false, counter: current };
      if (next.windowId !== current?.windowId) counters.delete(key); // a new window counts as newest
      counters.set(key, next);
      trim(nowMs);
      return { allowed: true, counter: next };
    },
    async release(key, windowId) {
      const counter = counters.get(key);
      if (counter?.windowId === windowId && counter.hits > 0) {
        counters.set(key, { ...counter, hits: counter.hits - 1 });
      }
    },
    async read(keys) {
      const found = new Map<string, Counter>();
      for (const key of keys) {
        const counter = counters.get(key);
        if (counter) found.set(key, counter);
      }
      return found;
    },
    async remove(key) {
      counters.delete(key);
    },
    async removeEnded(nowMs) {
      let removed = 0;
      for (const [key, counter] of counters) {
        if (counter.resetAtMs <= nowMs) {
          counters.delete(key);
          removed += 1;
        }
      }
      return removed;
    },
  };
}
