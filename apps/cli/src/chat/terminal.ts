import { decodeKeys, type Key } from './keys.js';

/** The input side of a terminal: stdin, or any readable stream in tests. */
export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The output side: stdout, or any writable stream in tests. */
export interface TerminalOutput extends NodeJS.WritableStream {
  columns?: number;
  isTTY?: boolean;
  on(event: 'resize', listener: () => void): this;
  on(event: string, listener: (...args: unknown[]) => void): this;
  off(event: string, listener: (...args: unknown[]) => void): this;
}

/** A terminal in raw mode whose key presses go to the most recent handler. */
export interface Terminal {
  write(text: string): void;
  /** Terminal width in columns (80 when unknown). */
  columns(): number;
  /** Sends keys to `handler` (and not to earlier handlers) until the returned function is called. */
  onKeys(handler: (key: Key) => void): () => void;
  /** Calls `listener` when the window is resized, until the returned function is called. */
  onResize(listener: () => void): () => void;
  /** Raw mode on, reading input. Calls nest: each start needs its stop. */
  start(): void;
  /** Ends the matching start; the last one turns raw mode off and pauses input, so the process can exit. */
  stop(): void;
}

/**
 * Wraps an input and output stream as a {@link Terminal}. Keys typed while no handler listens are
 * dropped (a turn in progress does not collect type-ahead).
 */
export function createTerminal(input: TerminalInput, output: TerminalOutput): Terminal {
  const handlers: ((key: Key) => void)[] = [];
  let starts = 0;
  const onData = (chunk: Buffer | string) => {
    for (const key of decodeKeys(chunk.toString())) handlers[handlers.length - 1]?.(key);
  };
  return {
    write: (text) => void output.write(text),
    columns: () => (output.columns && output.columns > 0 ? output.columns : 80),
    onKeys(handler) {
      handlers.push(handler);
      return () => {
        const index = handlers.lastIndexOf(handler);
        if (index !== -1) handlers.splice(index, 1);
      };
    },
    onResize(listener) {
      output.on('resize', listener);
      return () => void output.off('resize', listener);
    },
    start() {
      if (starts++ > 0) return;
      input.setRawMode?.(true);
      input.on('data', onData);
      input.resume();
    },
    stop() {
      if (starts === 0 || --starts > 0) return;
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
    },
  };
}
