/** How many hits a key may have, and for how long. */
export interface RateLimitRule {
  /** Hits allowed per window, at least 1. */
  readonly limit: number;
  /** Length of a window, in ms. A window starts at a key's first hit; when it ends the count starts afresh. */
  readonly windowMs: number;
  /**
   * Once a hit fills the limit, the key stays refused at least this long from that hit (the window
   * is stretched), e.g. an account lockout. Default 0: refused until the window ends.
   */
  readonly blockMs?: number;
}

/** Where a key stands. */
export interface RateLimitStatus {
  /** Hits counted in the current window (0 when none runs). */
  readonly count: number;
  /** Hits still allowed in the current window. */
  readonly remaining: number;
  /** When the current window ends; undefined when none runs. */
  readonly resetAt: Date | undefined;
  /** How long until a hit can be allowed: 0 while under the limit. */
  readonly retryAfterMs: number;
}

/** The outcome of {@link RateLimiter.hit}. */
export interface RateLimitHit extends RateLimitStatus {
  /** Whether the hit was allowed (and counted). A refused hit is not counted. */
  readonly allowed: boolean;
  /**
   * Takes an allowed hit back, for "count before, settle after" (e.g. a login that turned out to be
   * right). Idempotent; does nothing for a refused hit or once the window it counted in has ended.
   */
  release(): Promise<void>;
}

/** Counts hits per key in fixed windows; shared by every instance on the same store. */
export interface RateLimiter {
  /** Where the counts live: in this process, or in the store (shared by replicas). */
  readonly backend: 'memory' | 'sqlite' | 'postgres';
  /** Counts a hit unless the key is at its limit, atomically: concurrent hits never overshoot it. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitHit>;
  /** Where a key stands, without counting anything. */
  peek(key: string, rule: RateLimitRule): Promise<RateLimitStatus>;
  /** Where several keys stand (keys never hit are absent). */
  peekMany(keys: readonly string[], rule: RateLimitRule): Promise<Map<string, RateLimitStatus>>;
  /** Forgets a key's count (e.g. an administrator unlocks an account). */
  reset(key: string): Promise<void>;
  /** Deletes counters whose window has ended; returns how many. Also runs by itself every `sweepIntervalMs`. */
  sweep(now?: Date): Promise<number>;
  /** Stops the limiter; the store's database stays open (it belongs to the caller). */
  close(): Promise<void>;
}
