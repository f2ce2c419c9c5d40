import { useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import type {
  ChartEvent,
  MetricsAnswer,
  MonitorSource,
  ProbeInfo,
  TimeWindow,
  TopQuery,
} from './monitor-source.js';
import { bucketsFor, PANELS } from './panels.js';

/** The sizes table: the largest tables at the end of the range. */
export const TABLE_SIZE_PROBE = 'table_sizes';
const TABLE_SIZE_METRICS = ['total_bytes', 'heap_bytes', 'index_bytes', 'toast_bytes'] as const;
const TOP_QUERIES = 10;

/** What one load of the Monitor view read: per probe its series or why it failed. */
export interface MonitorData {
  window: TimeWindow;
  probes: ReadonlyMap<string, { answer?: MetricsAnswer; error?: string; intervalS: number }>;
  tableSizes: { answer?: MetricsAnswer; error?: string };
  topQueries: { rows?: TopQuery[]; error?: string };
  /** Alerts and timeline events to mark on the charts. */
  events: { rows?: ChartEvent[]; error?: string };
}

/** Each probe the panels read, once, with the union of their metrics. */
export function probeRequests(): Map<string, string[]> {
  const requests = new Map<string, string[]>();
  for (const panel of PANELS) {
    const metrics = requests.get(panel.probe) ?? [];
    for (const m of panel.metrics) if (!metrics.includes(m)) metrics.push(m);
    requests.set(panel.probe, metrics);
  }
  return requests;
}

async function settle<T>(work: Promise<T>): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await work };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/** Loads every chart's and table's data for one window, all requests in parallel. */
export async function loadMonitorData(
  source: MonitorSource,
  connection: string,
  window: TimeWindow,
  probes: readonly ProbeInfo[],
): Promise<MonitorData> {
  const span = (window.end.getTime() - window.start.getTime()) / 1000;
  const intervalOf = (name: string) => probes.find((p) => p.name === name)?.intervalS ?? 60;
  const entries = await Promise.all(
    [...probeRequests()].map(async ([probe, metrics]) => {
      const intervalS = intervalOf(probe);
      const { value, error } = await settle(
        source.metrics(connection, probe, { window, buckets: bucketsFor(span, intervalS), metrics }),
      );
      return [
        probe,
        { ...(value ? { answer: value } : {}), ...(error ? { error } : {}), intervalS },
      ] as const;
    }),
  );
  const [sizes, top, events] = await Promise.all([
    settle(
      source.metrics(connection, TABLE_SIZE_PROBE, {
        window,
        buckets: 1,
        metrics: TABLE_SIZE_METRICS,
        aggregation: 'last',
        rankBy: 'total_bytes',
        maxSeries: 10,
      }),
    ),
    settle(source.topQueries(connection, { window, limit: TOP_QUERIES })),
    settle(source.events(connection, window)),
  ]);
  return {
    window,
    probes: new Map(entries),
    tableSizes: {
      ...(sizes.value ? { answer: sizes.value } : {}),
      ...(sizes.error ? { error: sizes.error } : {}),
    },
    topQueries: { ...(top.value ? { rows: top.value } : {}), ...(top.error ? { error: top.error } : {}) },
    events: {
      ...(events.value ? { rows: events.value } : {}),
      ...(events.error ? { error: events.error } : {}),
    },
  };
}

/**
 * The Monitor view's data for a connection and range, reloaded whenever `tick` changes; a load
 * that finishes after a newer one started is dropped.
 */
export function useMonitorData(
  source: MonitorSource,
  connection: string | undefined,
  /** A span back from now (re-read at each load), or a fixed window. */
  range: { seconds: number } | TimeWindow | undefined,
  probes: readonly ProbeInfo[] | undefined,
  tick: number,
): { data?: MonitorData; loading: boolean } {
  const [data, setData] = useState<MonitorData>();
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!connection || !probes || !range) return;
    let current = true;
    const end = new Date();
    const window =
      'seconds' in range ? { start: new Date(end.getTime() - range.seconds * 1000), end } : range;
    setLoading(true);
    void loadMonitorData(source, connection, window, probes).then((loaded) => {
      if (!current) return;
      setData(loaded);
      setLoading(false);
    });
    return () => {
      current = false;
    };
  }, [source, connection, range, probes, tick]);
  return { ...(data ? { data } : {}), loading };
}

/** Calls `onTick` every `seconds` (0 = never) while the tab is visible, and at once when it shows again late. */
export function useAutoRefresh(seconds: number, onTick: () => void): void {
  useEffect(() => {
    if (seconds <= 0) return;
    let last = Date.now();
    const fire = () => {
      last = Date.now();
      onTick();
    };
    const timer = setInterval(() => {
      if (!document.hidden) fire();
    }, seconds * 1000);
    const onVisible = () => {
      if (!document.hidden && Date.now() - last >= seconds * 1000) fire();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [seconds, onTick]);
}
