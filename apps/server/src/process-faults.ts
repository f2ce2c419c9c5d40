import type { Logger } from './logger.js';

/** Errors nobody caught, as /health reports them. */
export interface ProcessFaults {
  /** Uncaught exceptions and unhandled rejections since start. */
  readonly count: number;
  readonly lastAt: Date | undefined;
}

/** How long after an uncaught error /health reports the server as degraded. */
export const FAULT_WINDOW_MS = 15 * 60_000;

/**
 * Keeps the server alive through an error nobody caught (a bug in a dependency's callback, a
 * rejected promise nobody awaited): it is logged with its cause and counted, and /health says
 * "degraded" for a while, instead of the process ending for every user. Errors pgmcp expects are
 * handled where they happen; this is the last line. Returns the counts and a function that stops it.
 */
export function surviveUncaughtErrors(logger: Logger): ProcessFaults & { stop(): void } {
  const state = { count: 0, lastAt: undefined as Date | undefined };
  const record = (kind: string) => (error: unknown) => {
    state.count += 1;
    state.lastAt = new Date();
    logger.error({ err: error, kind }, 'an error nobody caught; pgmcp keeps serving (please report it)');
  };
  const onException = record('uncaught_exception');
  const onRejection = record('unhandled_rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    get count() {
      return state.count;
    },
    get lastAt() {
      return state.lastAt;
    },
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
