import { describe, expect, it } from 'vitest';
import { createKeyedSerializer } from './keyed-serializer.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createKeyedSerializer', () => {
  it('runs one task per key at a time, in call order, and different keys side by side', async () => {
    const line = createKeyedSerializer(10);
    const events: string[] = [];
    const releases = new Map<string, () => void>();
    const task = (name: string) => () =>
      new Promise<string>((resolve) => {
        events.push(`start ${name}`);
        releases.set(name, () => {
          events.push(`end ${name}`);
          resolve(name);
        });
      });
    const results = [line.run('ann', task('a1')), line.run('ann', task('a2')), line.run('bob', task('b1'))];
    await tick();
    expect(events).toEqual(['start a1', 'start b1']);
    releases.get('a1')!();
    await tick();
    expect(events).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    releases.get('a2')!();
    releases.get('b1')!();
    expect(await Promise.all(results)).toEqual(['a1', 'a2', 'b1']);
    expect(line.activeKeys).toBe(0);
  });

  it('carries on after a failing task and refuses a key with too many waiting', async () => {
    const line = createKeyedSerializer(1);
    let release!: () => void;
    const first = line.run('k', () => new Promise<void>((resolve) => (release = resolve)));
    const failing = line.run('k', () => Promise.reject(new Error('wrong')));
    await expect(line.run('k', () => Promise.resolve())).rejects.toMatchObject({ code: 'BUSY' });
    await expect(line.run('other', () => Promise.resolve('fine'))).resolves.toBe('fine');
    release();
    await first;
    await expect(failing).rejects.toThrow('wrong');
    await expect(line.run('k', () => Promise.resolve('after'))).resolves.toBe('after');
  });
});
