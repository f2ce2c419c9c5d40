import {
  ACCOUNT_ROUTES,
  buildOpenApiDocument,
  CHAT_ROUTES,
  CONVERSATION_ROUTES,
  LLM_ROUTES,
} from '@pgmcp/api-contract';
import type { McpHttpHandler } from '@pgmcp/mcp-core';
import type { ConnectionCheck } from '@pgmcp/pool-manager';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ServerDeps } from './deps.js';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';
import { errorResponse, originAndHostGuard, requestBodyLimit, securityHeaders } from './http-edge.js';
import { adminRoutes } from './routes/admin-routes.js';
import { callerRoutes } from './routes/auth-routes.js';
import { chatRoutes } from './routes/chat-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { llmRoutes } from './routes/llm-routes.js';
import { webStatic } from './web-static.js';

/** What the Hono app is composed of. */
export interface AppDeps extends ServerDeps {
  mcp: McpHttpHandler;
  http: { host: string; allowedOrigins: string[]; maxBodyBytes: number };
  /** The built web client served at `/` (LoadedConfig.webDir). */
  webDir: string;
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
  /** ok: everything answers; degraded: a database is down; unavailable: the store is down (503). */
  status: 'ok' | 'degraded' | 'unavailable';
  version: string;
  uptime_seconds: number;
  store: { ok: boolean; dialect: string; error?: string };
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
  let lastChecks:
    { at: number; checks: Promise<ConnectionCheck[]>; store: Promise<HealthReport['store']> } | undefined;

  app.use(securityHeaders());
  app.use(originAndHostGuard({ bindHost: deps.http.host, allowedOrigins: deps.http.allowedOrigins }));
  app.use(requestBodyLimit(deps.http.maxBodyBytes));

  app.get('/health', async (c) => {
    if (!lastChecks || Date.now() - lastChecks.at > HEALTH_CACHE_MS) {
      lastChecks = {
        at: Date.now(),
        checks: Promise.all(deps.pools.listConnections().map((info) => deps.pools.check(info.name, 2_000))),
        store: deps.checkStore(),
      };
    }
    const [connections, store] = await Promise.all([lastChecks.checks, lastChecks.store]);
    // Without its store the server cannot authenticate anyone: not ready. A database that is
    // down only degrades it (other connections still work), so replicas stay in rotation.
    const status = !store.ok ? 'unavailable' : connections.every((check) => check.ok) ? 'ok' : 'degraded';
    const report: HealthReport = {
      status,
      version: deps.version,
      uptime_seconds: Math.round((Date.now() - started) / 1000),
      store,
      connections: connections.map(toHealth),
    };
    return c.json(report, status === 'unavailable' ? 503 : 200);
  });

  app.all('/mcp/v1', (c) => deps.mcp.fetch(c.req.raw));

  app.route('/', callerRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', llmRoutes(deps));
  app.route('/', chatRoutes(deps));
  app.route('/', conversationRoutes(deps));
  const openapi = buildOpenApiDocument(
    [...ACCOUNT_ROUTES, ...LLM_ROUTES, ...CHAT_ROUTES, ...CONVERSATION_ROUTES],
    { version: deps.version },
  );
  app.get('/api/v1/openapi.json', (c) => c.json(openapi));
  app.use(webStatic({ dir: deps.webDir }));

  app.notFound((c) =>
    errorResponse(
      c,
      'NOT_FOUND',
      `No route ${c.req.method} ${new URL(c.req.url).pathname}. The MCP endpoint is /mcp/v1.`,
    ),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own refusals (e.g. a body that is not JSON) keep their status, as JSON.
      const code = (Object.entries(ERROR_STATUS).find(([, status]) => status === error.status)?.[0] ??
        'BAD_REQUEST') as ErrorCode;
      const message = /Malformed JSON/i.test(error.message)
        ? 'The request body is not valid JSON.'
        : error.message;
      return c.json(
        { error: { code: code === 'BAD_REQUEST' && /JSON/.test(message) ? 'INVALID_JSON' : code, message } },
        error.status,
      );
    }
    // Details go to the log only; the caller learns nothing about internals.
    deps.logger.error(
      { err: error, method: c.req.method, path: new URL(c.req.url).pathname },
      'request failed',
    );
    return errorResponse(c, 'INTERNAL', 'Internal server error.');
  });
  return app;
}
