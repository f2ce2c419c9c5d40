import type { Alerter } from './alerter.js';

/** Options of {@link startAlertSchedule}. */
export interface AlertScheduleConfig {
  readonly alerter: Alerter;
  /** The connections this instance evaluates now: the ones whose collector leader it is. */
  readonly connections: () => readonly string[];
  /** Seconds between evaluations of each connection (default 30). */
  readonly evaluateEveryS?: number;
  /** Seconds between baseline recomputations (default 3600). */
  readonly baselinesEveryS?: number;
  /** Seconds between retention runs (default 3600). */
  readonly maintainEveryS?: number;
  /** Told when an evaluation, baseline run or retention fails (collection goes on regardless). */
  readonly onError?: (error: unknown, context: string) => void;
}

/** A running schedule. */
export interface AlertSchedule {
  /** Evaluates every led connection now (what the timer does), waiting for it. */
  tick(): Promise<void>;
  stop(): void;
}

/**
 * Runs the alerter on timers: every connection this instance leads is evaluated in turn; baselines
 * and retention on slower timers. A failure is reported and never stops the timers.
 */
export function startAlertSchedule(config: AlertScheduleConfig): AlertSchedule {
  const onError = config.onError ?? (() => undefined);
  let running: Promise<void> | undefined;

  async function each(what: string, run: (id: string) => Promise<unknown>): Promise<void> {
    for (const id of config.connections()) {
      try {
        await run(id);
      } catch (error) {
        onError(error, `${what} of ${id}`);
      }
    }
  }

  function tick(): Promise<void> {
    // One evaluation round at a time: a slow round is not stacked on by the next timer.
    running ??= each('alert evaluation', (id) => config.alerter.evaluate(id)).finally(() => {
      running = undefined;
    });
    return running;
  }

  const timers = [
    setInterval(() => void tick(), (config.evaluateEveryS ?? 30) * 1000),
    setInterval(
      () => void each('baseline computation', (id) => config.alerter.recomputeBaselines(id)),
      (config.baselinesEveryS ?? 3600) * 1000,
    ),
    setInterval(
      () => void config.alerter.maintain().catch((error: unknown) => onError(error, 'alert retention')),
      (config.maintainEveryS ?? 3600) * 1000,
    ),
  ];
  for (const timer of timers) timer.unref();
  return {
    tick,
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
