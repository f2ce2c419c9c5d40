/** Limits of the per-IP failed-login limiter. */
export interface LoginLimiterConfig {
  /** Failures allowed within the window; 0 switches the limiter off. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Addresses remembered at most; the least recently failing are forgotten first. */
  readonly maxTrackedIps: number;
}

/**
 * Counts failed logins per IP address in memory (so per process: each replica counts its own)
 * over a sliding window.
 */
export class LoginLimiter {
  readonly #config: LoginLimiterConfig;
  readonly #failures = new Map<string, number[]>();

  constructor(config: LoginLimiterConfig) {
    this.#config = config;
  }

  /** Milliseconds until `ip` may try again, or undefined when it may try now. */
  retryAfterMs(ip: string, nowMs: number): number | undefined {
    if (this.#config.maxFailures <= 0) return undefined;
    const recent = this.#recent(ip, nowMs);
    if (recent.length < this.#config.maxFailures) return undefined;
    // Allowed again once enough of the failures have left the window.
    const oldestCounted = recent[recent.length - this.#config.maxFailures] ?? nowMs;
    return Math.max(1, oldestCounted + this.#config.windowMs - nowMs);
  }

  /** Records a failed login from `ip`. */
  recordFailure(ip: string, nowMs: number): void {
    if (this.#config.maxFailures <= 0) return;
    const recent = this.#recent(ip, nowMs);
    recent.push(nowMs);
    // Keep only what can still matter and move the address to the back (most recent).
    this.#failures.delete(ip);
    this.#failures.set(ip, recent.slice(-this.#config.maxFailures));
    while (this.#failures.size > this.#config.maxTrackedIps) {
      const oldest = this.#failures.keys().next();
      if (oldest.done) break;
      this.#failures.delete(oldest.value);
    }
  }

  #recent(ip: string, nowMs: number): number[] {
    const all = this.#failures.get(ip) ?? [];
    return all.filter((at) => at > nowMs - this.#config.windowMs);
  }
}
