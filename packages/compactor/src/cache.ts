import type { CompactResult } from './types.js';

/** Settings of the compaction cache. */
export interface CompactionCacheConfig {
  /** Default lifetime of an entry in milliseconds. Default 3600000 (one hour). */
  ttlMs?: number;
  /** Most entries held (each a whole compacted conversation); least recently used go first. Default 100. */
  maxEntries?: number;
  /** How often expired entries are swept in the background, in milliseconds. Default 60000. */
  cleanupIntervalMs?: number;
}

interface Entry {
  result: CompactResult;
  expiresAt: number;
}

/** An LRU map of compaction results with per-entry expiry; results are copied in and out. */
export class CompactionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(maxEntries: number, now: () => number) {
    this.#maxEntries = maxEntries;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CompactResult | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, entry);
    return structuredClone(entry.result);
  }

  set(key: string, result: CompactResult, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { result: structuredClone(result), expiresAt: this.#now() + ttlMs });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Removes expired entries; returns how many. */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.#entries.clear();
  }
}
