import type { ApiClient } from '@pgmcp/api-contract';
import { useMemo } from 'react';
import { createMonitorSource } from './monitor-api.js';
import type { MonitorFocus } from './monitor-source.js';
import { MonitorView } from './monitor-view.js';

/** The Monitor view over the REST routes: the workspace's lazy chunk (uPlot comes with it). */
export function MonitorArea({
  api,
  preferred,
  theme,
  focus,
}: {
  api: ApiClient;
  preferred?: string | undefined;
  theme: string;
  focus?: MonitorFocus | undefined;
}) {
  const source = useMemo(() => createMonitorSource(api), [api]);
  return <MonitorView source={source} preferred={preferred} theme={theme} focus={focus} />;
}
