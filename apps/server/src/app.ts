import type { McpHttpHandler } from '@pgmcp/mcp-core';
import type { ConnectionCheck, PoolManager } from '@pgmcp/pool-manager';
import { Hono } from 'hono';
import { errorResponse, originAndHostGuard, requestBodyLimit, securityHeaders } from './http-edge.js';
import type { Logger } from './logger.js';

/** What the Hono app is composed of. */
export interface AppDeps {
  version: string;
  logger: Logger;
  mcp: McpHttpHandler;
  pools: PoolManager;
  http: { host: string; allowedOrigins: string[]; maxBodyBytes: number };
}

/** One connection's readiness in `GET /health`. */
export interface ConnectionHealth {
  name: string;
  ok: boolean;
  latency_ms: number;
  server_version?: string;
  error?: { code: string; message: string };
}

/** Answer of `GET /health`. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptime_seconds: number;
  connections: ConnectionHealth[];
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

/** Builds the server's Hono app: the HTTP edge, `/health`, `/mcp/v1`, JSON 404s and errors. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const started = Date.now();
  let lastChecks: { at: number; checks: Promise<ConnectionCheck[]> } | undefined;

  app.use(securityHeaders());
  app.use(originAndHostGuard({ bindHost: deps.http.host, allowedOrigins: deps.http.allowedOrigins }));
  app.use(requestBodyLimit(deps.http.maxBodyBytes));

  app.get('/health', async (c) => {
    if (!lastChecks || Date.now() - lastChecks.at > HEALTH_CACHE_MS) {
      lastChecks = {
        at: Date.now(),
        checks: Promise.all(deps.pools.listConnections().map((info) => deps.pools.check(info.name, 2_000))),
      };
    }
    const connections = await lastChecks.checks;
    const report: HealthReport = {
      status: connections.every((check) => check.ok) ? 'ok' : 'degraded',
      version: deps.version,
      uptime_seconds: Math.round((Date.now() - started) / 1000),
      connections: connections.map(toHealth),
    };
    return c.json(report);
  });

  app.all('/mcp/v1', (c) => deps.mcp.fetch(c.req.raw));

  app.notFound((c) =>
    errorResponse(
      c,
      'NOT_FOUND',
      `No route ${c.req.method} ${new URL(c.req.url).pathname}. The MCP endpoint is /mcp/v1.`,
    ),
  );
  app.onError((error, c) => {
    // Details go to the log only; the caller learns nothing about internals.
    deps.logger.error(
      { err: error, method: c.req.method, path: new URL(c.req.url).pathname },
      'request failed',
    );
    return errorResponse(c, 'INTERNAL', 'Internal server error.');
  });
  return app;
}
