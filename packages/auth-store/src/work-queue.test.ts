import { describe, expect, it } from 'vitest';
import { AuthStoreError } from './errors.js';
import { createWorkQueue } from './work-queue.js';

/** A task the test finishes by hand, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: () => (started.push(name), done.then(() => name)), finish };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createWorkQueue', () => {
  it('runs at most maxConcurrent tasks, queues maxWaiting in order, and refuses the rest with BUSY', async () => {
    const queue = createWorkQueue({ maxConcurrent: 2, maxWaiting: 2 });
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = gates.map((g) => queue.run(g.task));
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 2, waiting: 2 });

    const refused = await queue.run(() => Promise.resolve('e')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthStoreError);
    expect(refused).toMatchObject({ code: 'BUSY', message: expect.stringMatching(/try again in \d+ s/) });
    expect((refused as AuthStoreError).retryAfterSeconds).toBeGreaterThanOrEqual(1);

    gates[1]!.finish();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]!.finish();
    gates[2]!.finish();
    gates[3]!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a task fails', async () => {
    const queue = createWorkQueue({ maxConcurrent: 1, maxWaiting: 0 });
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve(1))).resolves.toBe(1);
    expect(queue.running).toBe(0);
  });
});
