import type { RateLimiter, RateLimitRule } from './types.js';

/** One key's stored state. */
export interface Counter {
  /** Names the window, so a release cannot take a hit back from a later window. */
  readonly windowId: string;
  readonly hits: number;
  /** Epoch ms when the window ends. */
  readonly resetAtMs: number;
}

/** The storage primitives a backend provides; the limiter adds the rules around them. */
export interface CounterBackend {
  readonly kind: RateLimiter['backend'];
  /** Applies a hit atomically; `counter` is the new one when allowed, else the current one (if any). */
  hit(
    key: string,
    rule: RateLimitRule,
    nowMs: number,
    windowId: string,
  ): Promise<{ allowed: boolean; counter: Counter | undefined }>;
  /** Takes one hit back from the named window, if it still runs. */
  release(key: string, windowId: string): Promise<void>;
  read(keys: readonly string[]): Promise<Map<string, Counter>>;
  remove(key: string): Promise<void>;
  removeEnded(nowMs: number): Promise<number>;
}
