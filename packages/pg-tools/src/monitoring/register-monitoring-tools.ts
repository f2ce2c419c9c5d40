import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PgToolsRuntime, PgToolsState } from '../context.js';
import { registerAlertTools } from './alert-tools.js';
import { registerMetricsTools } from './metrics-tools.js';
import type { MonitoringBackend } from './monitoring-backend.js';
import { registerProbeTools } from './probe-tools.js';

/** Registers the datastore tools and, with an alerter, the alert tools (group `monitoring`). */
export function registerMonitoringTools<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  backend: MonitoringBackend,
): void {
  registerProbeTools(registry, backend);
  registerMetricsTools(registry, runtime, backend);
  if (backend.alerter) registerAlertTools(registry, runtime, backend, backend.alerter);
}
