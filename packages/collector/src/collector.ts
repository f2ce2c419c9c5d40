import type { Datastore, LeaderLocks, MaintenanceReport } from '@pgmcp/datastore';
import { CollectorError } from './errors.js';
import type { ProbeDefinition } from './probe.js';
import { BUILTIN_PROBES } from './probes/index.js';
import { type CollectorTarget, type ProbeOutcome, TargetRunner } from './target-runner.js';

/** Options of {@link createCollector}. */
export interface CollectorConfig {
  readonly datastore: Datastore;
  /** The probes (default: every built-in probe). */
  readonly probes?: readonly ProbeDefinition[];
  /** Per-probe interval overrides in seconds, by probe name. */
  readonly intervals?: Readonly<Record<string, number>>;
  /** Multiplies every interval (e.g. 0.5 collects twice as often). Default 1. */
  readonly intervalScale?: number;
  /** Share of the interval each run moves at random, so probes do not fire together. Default 0.1. */
  readonly jitter?: number;
  /** Probes that are skipped (missing extension, version, privilege) are tried again this often. Default 600 s. */
  readonly skippedRetryS?: number;
  /** Longest wait after repeated failures. Default 300 s (or the interval when longer). */
  readonly maxBackoffS?: number;
  /** How often the datastore's maintenance (partitions, downsampling, retention) runs; 0 = never. Default 300 s. */
  readonly maintenanceIntervalS?: number;
  /**
   * Leader election across replicas (`createLeaderLocks` of @pgmcp/datastore): a connection is
   * collected only by the instance holding its lock; the others try again every `leaderCheckS`
   * and take over when the holder's session ends. Without it this instance collects everything.
   */
  readonly leaderLocks?: LeaderLocks;
  /** How often standby instances try to take a connection's lock. Default 15 s. */
  readonly leaderCheckS?: number;
  /** false: no timers; runs happen only through `collectNow` (tests, one-shot tools). Default true. */
  readonly schedule?: boolean;
  /** Told about failures of the collector itself (not probe failures, which become statuses). */
  readonly onError?: (error: unknown, context: string) => void;
  readonly now?: () => Date;
  readonly random?: () => number;
}

/** The running collector. */
export interface Collector {
  readonly probes: readonly ProbeDefinition[];
  /** The probe with this name, or undefined. */
  findProbe(name: string): ProbeDefinition | undefined;
  /** Replaces the monitored connections: new ones start, removed ones stop, changed ones restart. */
  setTargets(targets: readonly CollectorTarget[]): Promise<void>;
  /** Ids of the monitored connections. */
  targetIds(): string[];
  /** Ids of the connections this instance collects now (all of them without leader locks). */
  leading(): string[];
  /** Runs some or all probes of one target now and waits for them. */
  collectNow(targetId: string, probeNames?: readonly string[]): Promise<ProbeOutcome[]>;
  /** Runs the datastore's maintenance now. */
  maintain(): Promise<MaintenanceReport>;
  /** Stops every timer and closes every pool. */
  stop(): Promise<void>;
}

const MAINTENANCE_LOCK = '*maintenance*';

interface Running {
  runner: TargetRunner;
  fingerprint: string;
  timers: Map<string, NodeJS.Timeout>;
  failures: Map<string, number>;
  stopped: boolean;
  /** This instance holds the connection's leader lock (always true without locks). */
  leading: boolean;
}

/**
 * Creates the collector: each monitored connection gets a small pool of its own and a timer per
 * probe (interval with jitter; exponential backoff after failures; a slow retry when skipped).
 *
 * @example
 *   const collector = createCollector({ datastore });
 *   await collector.setTargets([{ id: 'demo', host: '127.0.0.1', port: 5432, database: 'demo', user: 'pgmcp' }]);
 */
export function createCollector(config: CollectorConfig): Collector {
  const probes = config.probes ?? BUILTIN_PROBES;
  const byName = new Map(probes.map((p) => [p.name, p]));
  if (byName.size !== probes.length)
    throw new CollectorError('INVALID_CONFIG', 'Two probes have the same name.');
  for (const name of Object.keys(config.intervals ?? {})) {
    if (!byName.has(name))
      throw new CollectorError(
        'INVALID_CONFIG',
        `collector.intervals: unknown probe "${name}"; known: ${[...byName.keys()].join(', ')}.`,
      );
  }
  const now = config.now ?? (() => new Date());
  const random = config.random ?? Math.random;
  const jitter = config.jitter ?? 0.1;
  const scale = config.intervalScale ?? 1;
  const onError = config.onError ?? (() => undefined);
  const schedule = config.schedule ?? true;
  const running = new Map<string, Running>();

  const intervalOf = (probe: ProbeDefinition) => (config.intervals?.[probe.name] ?? probe.intervalS) * scale;

  function delayAfter(probe: ProbeDefinition, outcome: ProbeOutcome | undefined, failures: number): number {
    const interval = intervalOf(probe);
    let seconds: number;
    if (!outcome)
      seconds = random() * Math.min(interval, 5); // first run soon, spread out
    else if (outcome.status === 'skipped') seconds = Math.max(interval, config.skippedRetryS ?? 600);
    else if (outcome.status === 'error')
      seconds = Math.min(interval * 2 ** failures, Math.max(interval, config.maxBackoffS ?? 300));
    else seconds = interval;
    const spread = outcome ? 1 + jitter * (2 * random() - 1) : 1;
    return Math.max(100, seconds * spread * 1000);
  }

  function plan(entry: Running, probe: ProbeDefinition, outcome: ProbeOutcome | undefined): void {
    if (entry.stopped) return;
    const failures = entry.failures.get(probe.name) ?? 0;
    const timer = setTimeout(
      () => {
        void entry.runner.run(probe).then(
          (result) => {
            entry.failures.set(probe.name, result.status === 'error' ? failures + 1 : 0);
            plan(entry, probe, result);
          },
          (error: unknown) => onError(error, `probe ${probe.name}`),
        );
      },
      delayAfter(probe, outcome, failures),
    );
    timer.unref();
    entry.timers.set(probe.name, timer);
  }

  async function stopEntry(entry: Running): Promise<void> {
    entry.stopped = true;
    for (const timer of entry.timers.values()) clearTimeout(timer);
    await entry.runner.close();
    await locks?.release(entry.runner.target.id);
  }

  const locks = config.leaderLocks;
  async function elect(entry: Running): Promise<void> {
    if (!locks || entry.stopped) return;
    entry.leading = await locks.tryAcquire(entry.runner.target.id);
  }
  let election: NodeJS.Timeout | undefined;
  if (locks && schedule) {
    election = setInterval(
      () => {
        for (const entry of running.values())
          void elect(entry).catch((error: unknown) => onError(error, 'leader election'));
      },
      (config.leaderCheckS ?? 15) * 1000,
    );
    election.unref();
  }

  let maintenance: NodeJS.Timeout | undefined;
  const maintenanceS = config.maintenanceIntervalS ?? 300;
  if (schedule && maintenanceS > 0) {
    maintenance = setInterval(() => {
      // With several instances, one maintains the datastore (the one holding the maintenance lock).
      void (async () => {
        if (locks && !(await locks.tryAcquire(MAINTENANCE_LOCK))) return;
        await config.datastore.runMaintenance();
      })().catch((error: unknown) => onError(error, 'datastore maintenance'));
    }, maintenanceS * 1000);
    maintenance.unref();
  }

  return {
    probes,
    findProbe: (name) => byName.get(name),
    async setTargets(targets) {
      const wanted = new Map(targets.map((t) => [t.id, t]));
      for (const [id, entry] of running) {
        const target = wanted.get(id);
        if (target && JSON.stringify(target) === entry.fingerprint) continue;
        running.delete(id);
        await stopEntry(entry);
      }
      for (const target of targets) {
        if (running.has(target.id)) continue;
        const entry: Running = {
          runner: new TargetRunner(target, config.datastore, now),
          fingerprint: JSON.stringify(target),
          timers: new Map(),
          failures: new Map(),
          stopped: false,
          leading: !locks,
        };
        running.set(target.id, entry);
        await elect(entry);
        if (schedule) for (const probe of probes) plan(entry, probe, undefined);
      }
    },
    targetIds: () => [...running.keys()],
    leading: () => [...running.values()].filter((e) => e.leading).map((e) => e.runner.target.id),
    async collectNow(targetId, probeNames) {
      const entry = running.get(targetId);
      if (!entry) throw new CollectorError('INVALID_CONFIG', `"${targetId}" is not a monitored connection.`);
      const chosen = probeNames
        ? probeNames.map((name) => byName.get(name)).filter((p) => p !== undefined)
        : probes;
      const outcomes: ProbeOutcome[] = [];
      // One after the other: the monitored server sees at most one collector query at a time.
      for (const probe of chosen) outcomes.push(await entry.runner.run(probe));
      return outcomes;
    },
    maintain: () => config.datastore.runMaintenance(),
    async stop() {
      if (maintenance) clearInterval(maintenance);
      if (election) clearInterval(election);
      const entries = [...running.values()];
      running.clear();
      await Promise.all(entries.map(stopEntry));
      await locks?.close();
    },
  };
}
