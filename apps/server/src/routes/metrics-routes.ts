import { METRICS_DEFAULT_MAX_SERIES, type Probe } from '@pgmcp/api-contract';
import { BUILTIN_PROBES, type ProbeDefinition } from '@pgmcp/collector';
import {
  collectionStatus,
  type MonitoringBackend,
  monitoredConnections,
  probeRequirementFields,
  probeRequirements,
  readMetrics,
  topStatements,
} from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { Caller } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import { isAdministrator } from '../mcp-state.js';
import type { RouteHandlers } from './register-routes.js';

/** What the monitoring routes need. */
export interface MetricsRouteDeps {
  pools: Pick<PoolManager, 'listConnections'>;
  /** Absent when there is no metrics datastore: the routes that read it answer 503. */
  monitoring?: MonitoringBackend;
  /** `privacy.hide_other_sessions`: statement texts only for administrators. */
  hideOtherSessions: boolean;
}

function probeJson(probe: ProbeDefinition): Probe {
  return {
    name: probe.name,
    description: probe.description,
    interval_s: probe.intervalS,
    dims: [...probe.dims],
    columns: probe.columns.map((c) => ({
      name: c.name,
      kind: c.kind,
      unit: c.unit,
      description: c.description,
    })),
    requirements: { ...probeRequirementFields(probe), summary: probeRequirements(probe) || null },
  };
}

type MetricsRoutes = 'listProbes' | 'listMetricsConnections' | 'queryMetrics' | 'topQueries';

/**
 * `/api/v1/probes` and `/api/v1/metrics/*`: the probe catalogue, and what the collector gathered on
 * the monitored connections the caller may use. A connection the caller may not use answers the
 * same 404 as one that does not exist or is not monitored, so names of others' connections never
 * leak. Validation, time parsing and the statement-text rule are the MCP tools' own (pg-tools).
 */
export function metricsRoutes(deps: MetricsRouteDeps): RouteHandlers<MetricsRoutes> {
  const probes = deps.monitoring?.probes ?? BUILTIN_PROBES;
  const mine = (caller: Caller) =>
    monitoredConnections(deps.pools, (name) => caller.access.connectionAccess(name));
  const hidesText = (caller: Caller) => deps.hideOtherSessions && !isAdministrator(caller.access);

  function backendOrFail(): MonitoringBackend {
    if (deps.monitoring) return deps.monitoring;
    throw new RestError(
      'UNAVAILABLE',
      'Monitoring is off: the metrics datastore needs PostgreSQL. Set datastore.url (PGMCP_DATASTORE_URL) or use a postgres:// store_url, then restart pgmcp.',
      { bodyCode: 'MONITORING_NOT_CONFIGURED' },
    );
  }

  /** The caller's monitored connection of that name; 404 otherwise (whether it exists or not). */
  function connectionOrFail(caller: Caller, name: string): string {
    if (mine(caller).some((c) => c.name === name)) return name;
    throw new RestError(
      'NOT_FOUND',
      `No monitored connection "${name}" that you may use. GET /api/v1/metrics/connections lists yours.`,
    );
  }

  return {
    listProbes: () => ({ probes: probes.map(probeJson) }),

    listMetricsConnections: async ({ caller }) => {
      const collected = await collectionStatus(backendOrFail(), mine(caller));
      return {
        connections: collected
          .map((c) => ({
            name: c.info.name,
            description: c.info.description ?? null,
            status: c.status,
            message: c.message,
            last_collected_at: c.lastCollectedAt?.toISOString() ?? null,
            probes: { ok: c.probesOk, failing: c.failing.length, skipped: c.skipped.length },
            failing: c.failing,
            skipped: c.skipped,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    },

    queryMetrics: async ({ caller, params, query }) => {
      const backend = backendOrFail();
      const connection = connectionOrFail(caller, params.connection);
      const { result, columns, textHidden } = await readMetrics(backend, {
        probe: params.probe,
        probeField: 'probe',
        connectionId: connection,
        timeStart: query.time_start,
        timeEnd: query.time_end,
        buckets: query.buckets,
        ...(query.metrics !== undefined
          ? {
              metrics: query.metrics
                .split(',')
                .map((m) => m.trim())
                .filter(Boolean),
            }
          : {}),
        filters: {
          database_name: query.database_name,
          schema_name: query.schema_name,
          table_name: query.table_name,
        },
        aggregation: query.aggregation,
        maxSeries: query.max_series ?? METRICS_DEFAULT_MAX_SERIES,
        rankBy: query.rank_by,
        numericByDefault: true,
        hideSessionText: hidesText(caller),
      });
      return {
        connection,
        probe: result.probe,
        time_start: result.timeStart,
        time_end: result.timeEnd,
        bucket_seconds: result.bucketSeconds,
        aggregation: result.aggregation,
        source: result.source,
        metrics: columns.map((c) => ({
          name: c.name,
          kind: c.kind,
          unit: c.unit,
          description: c.description,
        })),
        series: result.series,
        truncated: result.truncated,
        query_text_hidden: textHidden,
      };
    },

    topQueries: async ({ caller, params, query }) => {
      const backend = backendOrFail();
      const connection = connectionOrFail(caller, params.connection);
      const hidden = hidesText(caller);
      const top = await topStatements(backend, {
        connectionId: connection,
        timeStart: query.time_start,
        timeEnd: query.time_end,
        limit: query.limit ?? 10,
        ...(query.database_name !== undefined ? { databaseName: query.database_name } : {}),
        hideSessionText: hidden,
      });
      return {
        connection,
        time_start: top.timeStart.toISOString(),
        time_end: top.timeEnd.toISOString(),
        source: top.source,
        queries: top.statements.map((s) => ({
          queryid: s.queryid,
          database_name: s.databaseName,
          query: s.query,
          calls: s.calls,
          total_time_ms: s.totalTimeMs,
          mean_time_ms: s.meanTimeMs,
          rows: s.rows,
          share: s.share,
        })),
        query_text_hidden: hidden,
      };
    },
  };
}
