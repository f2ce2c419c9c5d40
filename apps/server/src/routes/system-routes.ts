import { buildOpenApiDocument, type ConnectionHealth, type Health, ROUTES } from '@pgmcp/api-contract';
import type { ConnectionCheck, PoolManager } from '@pgmcp/pool-manager';
import { FAULT_WINDOW_MS, type ProcessFaults } from '../process-faults.js';
import type { RouteHandlers } from './register-routes.js';

/** What `/health` and the OpenAPI document need. */
export interface SystemDeps {
  version: string;
  pools: Pick<PoolManager, 'listConnections' | 'check'>;
  /** Whether the account/conversation store answers. */
  checkStore: () => Promise<NonNullable<Health['store']>>;
  /** Errors nobody caught (when the server survives them): a recent one degrades the status. */
  faults?: ProcessFaults;
}

function toHealth(check: ConnectionCheck): ConnectionHealth {
  return {
    name: check.connection,
    ok: check.ok,
    latency_ms: check.latencyMs,
    ...(check.serverVersion ? { server_version: check.serverVersion } : {}),
    ...(check.error ? { error: check.error } : {}),
  };
}

/** Health probes can be frequent; connection checks are reused for this long. */
const HEALTH_CACHE_MS = 5_000;

/**
 * `GET /health` and `GET /api/v1/openapi.json`. Anonymous callers (load balancers) learn only the
 * overall status; logged-in callers also get the version, the store and the connections they may use.
 */
export function systemRoutes(deps: SystemDeps): RouteHandlers<'health' | 'openapi'> {
  const started = Date.now();
  const openapi = buildOpenApiDocument(Object.values(ROUTES), { version: deps.version });
  let lastChecks:
    | { at: number; checks: Promise<ConnectionCheck[]>; store: Promise<NonNullable<Health['store']>> }
    | undefined;

  return {
    health: async ({ c, caller }) => {
      if (!lastChecks || Date.now() - lastChecks.at > HEALTH_CACHE_MS) {
        lastChecks = {
          at: Date.now(),
          checks: Promise.all(deps.pools.listConnections().map((info) => deps.pools.check(info.name, 2_000))),
          store: deps.checkStore(),
        };
      }
      const [checks, store] = await Promise.all([lastChecks.checks, lastChecks.store]);
      // Without its store the server cannot authenticate anyone: not ready. A database that is
      // down only degrades it (other connections still work), so replicas stay in rotation.
      const faults = deps.faults;
      const recentFault =
        faults?.lastAt !== undefined && Date.now() - faults.lastAt.getTime() < FAULT_WINDOW_MS;
      const status = !store.ok
        ? 'unavailable'
        : checks.every((check) => check.ok) && !recentFault
          ? 'ok'
          : 'degraded';
      const report: Health = caller
        ? {
            status,
            version: deps.version,
            uptime_seconds: Math.round((Date.now() - started) / 1000),
            store,
            connections: checks
              .filter((check) => caller.access.connectionAccess(check.connection))
              .map(toHealth),
            ...(faults && faults.count > 0
              ? { uncaught_errors: { count: faults.count, last_at: faults.lastAt?.toISOString() ?? null } }
              : {}),
          }
        : { status };
      return c.json(report, status === 'unavailable' ? 503 : 200);
    },
    openapi: () => openapi,
  };
}
