import { AuthStoreError } from './errors.js';

/** Runs tasks one at a time per key, in arrival order. */
export interface KeyedSerializer {
  /**
   * Queues `task` behind the other tasks of `key` — synchronously, so the order of calls is the order
   * of turns — and resolves with its result. BUSY when `maxWaiting` tasks already wait for that key.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with a task running or waiting. */
  readonly activeKeys: number;
}

/** A serializer that lets at most `maxWaiting` tasks wait per key. */
export function createKeyedSerializer(maxWaiting: number): KeyedSerializer {
  const lines = new Map<string, { tail: Promise<unknown>; queued: number }>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const line = lines.get(key) ?? { tail: Promise.resolve(), queued: 0 };
      // `queued` counts the running task too.
      if (line.queued > maxWaiting) {
        return Promise.reject(
          new AuthStoreError(
            'BUSY',
            'Too many logins for this username are waiting to be checked; try again in 1 s.',
            { retryAfterSeconds: 1 },
          ),
        );
      }
      line.queued += 1;
      lines.set(key, line);
      const result = line.tail.then(task);
      line.tail = result.then(
        () => undefined,
        () => undefined,
      );
      void line.tail.then(() => {
        line.queued -= 1;
        if (line.queued === 0 && lines.get(key) === line) lines.delete(key);
      });
      return result;
    },
    get activeKeys() {
      return lines.size;
    },
  };
}
