import { AuthStoreError } from './errors.js';

/** Limits of a {@link WorkQueue}. */
export interface WorkQueueLimits {
  /** Tasks running at once, at least 1. */
  readonly maxConcurrent: number;
  /** Tasks waiting for a turn at most; one more is refused with BUSY. */
  readonly maxWaiting: number;
}

/** Runs expensive tasks (bcrypt) a few at a time; refuses work when too much is waiting. */
export interface WorkQueue {
  /** Runs `task` when a slot is free; BUSY with `retryAfterSeconds` when the waiting line is full. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now and waiting now. */
  readonly running: number;
  readonly waiting: number;
}

// Until a task has been timed, the estimate for Retry-After assumes a cost-12 bcrypt on a slow core.
const INITIAL_TASK_MS = 250;

/**
 * A bounded queue: at most `maxConcurrent` tasks run at once and at most `maxWaiting` wait, in
 * arrival order. bcrypt runs on libuv's small thread pool, which file reads share: without a cap a
 * burst of logins queues every static-file read behind seconds of hashing.
 */
export function createWorkQueue(limits: WorkQueueLimits): WorkQueue {
  const waiters: (() => void)[] = [];
  let running = 0;
  let averageMs = INITIAL_TASK_MS;

  function busy(): AuthStoreError {
    const ahead = running + waiters.length;
    const retryAfterSeconds = Math.max(1, Math.ceil((ahead * averageMs) / limits.maxConcurrent / 1000));
    return new AuthStoreError(
      'BUSY',
      `The server is busy checking other passwords; try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }

  async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limits.maxConcurrent) {
      if (waiters.length >= limits.maxWaiting) throw busy();
      await new Promise<void>((resolve) => waiters.push(resolve));
    } else {
      running += 1;
    }
    const started = performance.now();
    try {
      return await task();
    } finally {
      // A moving average, so Retry-After follows the machine's real bcrypt speed.
      averageMs = averageMs * 0.8 + (performance.now() - started) * 0.2;
      const next = waiters.shift();
      // The slot passes straight to the next waiter, so `running` stays counted for it.
      if (next) next();
      else running -= 1;
    }
  }

  return {
    run,
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
