import type { ChildProcess } from 'node:child_process';

/** One streamed answer the fake provider plays; the bench sends it as the user message, as JSON. */
export interface Scenario {
  name: string;
  /** Characters of the answer. */
  chars: number;
  /** Characters per text delta on the wire. */
  chunk: number;
  /** Pause between chunks, in milliseconds (0: as fast as the fake can write). */
  delayMs: number;
  /** Wait before the first byte, as a model thinking. */
  firstTokenDelayMs: number;
}

/** What a child process reports once it is ready. */
export type Ready = { url: string; token?: string };

/** Resolves with the first message a forked child sends. */
export function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`the child process exited with code ${code}`)));
  });
}
