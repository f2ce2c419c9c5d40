import type { ApiClient } from '@pgmcp/api-contract';
import { useMemo } from 'react';
import { createMonitorSource } from './monitor-api.js';
import { MonitorView } from './monitor-view.js';

/** The Monitor view over the REST routes: the workspace's lazy chunk (uPlot comes with it). */
export function MonitorArea({
  api,
  preferred,
  theme,
}: {
  api: ApiClient;
  preferred?: string | undefined;
  theme: string;
}) {
  const source = useMemo(() => createMonitorSource(api), [api]);
  return <MonitorView source={source} preferred={preferred} theme={theme} />;
}
