import type { AuthStore, QueryLibrary } from '@pgmcp/auth-store';
import type { Compactor } from '@pgmcp/compactor';
import type { ConnectionStore, HostGuard } from '@pgmcp/connection-store';
import type { AuthConfig, LlmProviders, OAuthConfig } from '@pgmcp/config';
import type { ConversationStore } from '@pgmcp/conversation-store';
import type { McpHttpHandler, McpRegistry } from '@pgmcp/mcp-core';
import type { CurrentConnectionStore, MonitoringBackend } from '@pgmcp/pg-tools';
import type { PoolManager } from '@pgmcp/pool-manager';
import type { RateLimiter } from '@pgmcp/rate-limiter';
import { Hono } from 'hono';
import { routeAuditKind, routeAuditRecord, type ServerAudit } from './audit.js';
import { type Caller, clientIp } from './auth/caller.js';
import type { ConnectionSync } from './connections/managed-connections.js';
import { createRateLimit } from './auth/rate-limit.js';
import type { CallLimits } from './limits.js';
import { RestError } from './errors/rest-error.js';
import { INTERNAL_ERROR_ANSWER, toErrorAnswer } from './errors/to-error-response.js';
import { lingeringClose, originAndHostGuard, requestBodyLimit, securityHeaders } from './http-edge.js';
import type { Logger } from './logger.js';
import type { MetadataFetch } from './oauth/client-metadata.js';
import { discoveryRoutes } from './oauth/discovery-routes.js';
import { oauthServer } from './oauth/oauth-server.js';
import type { ServerMcpState } from './mcp-state.js';
import type { ProcessFaults } from './process-faults.js';
import { type Alerting, alertRoutes } from './routes/alert-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { chatRoutes } from './routes/chat-routes.js';
import { connectionRoutes } from './routes/connection-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { groupRoutes } from './routes/group-routes.js';
import { llmRoutes } from './routes/llm-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { managedConnectionRoutes } from './routes/managed-connection-routes.js';
import { oauthRoutes } from './routes/oauth-routes.js';
import { queryRoutes } from './routes/query-routes.js';
import { registerRoutes, type RouteChangeEvent } from './routes/register-routes.js';
import { systemRoutes } from './routes/system-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { ssoRoutes } from './sso/sso-routes.js';
import { webStatic } from './web-static.js';

/** Everything the Hono app is composed of; each route group takes only the part it uses. */
export interface AppDeps {
  version: string;
  logger: Logger;
  /** The account store (open even with auth off, for stored conversations). */
  auth: AuthStore;
  /** The activity log; without it nothing is recorded and the audit routes answer empty. */
  audit?: ServerAudit;
  authEnabled: boolean;
  /** `auth:` parts read per request: single sign-on (`auth.oidc`) and the login limit per address. */
  authConfig: Pick<AuthConfig, 'oidc' | 'ip_rate_limit'>;
  resolveCaller: (request: Request) => Promise<Caller | undefined>;
  trustedProxies: ReadonlySet<string>;
  /** Counts in the account store, shared by every replica on it (the LLM rate limit). */
  limiter: RateLimiter;
  /** REST requests per user per minute (`limits:`); none: no limit. */
  limits?: CallLimits;
  /** Whether the account/conversation store answers. */
  checkStore: () => Promise<{ ok: boolean; dialect: string; error?: string }>;
  conversations: ConversationStore;
  /** The SQL console's history and saved queries. */
  queries: QueryLibrary;
  currentConnections: CurrentConnectionStore;
  pools: PoolManager;
  /** Connections managed at runtime, kept in step with the pools, and the SSRF guard they pass. */
  connectionStore: ConnectionStore;
  connectionSync: Pick<ConnectionSync, 'refresh'>;
  hostGuard: HostGuard;
  /** Alerts, rules, blackouts, channels, the timeline; absent without a metrics datastore (503). */
  alerting?: Alerting;
  registry: McpRegistry<ServerMcpState>;
  /** The metrics datastore and probes; absent: monitoring is off and the metrics routes answer 503. */
  monitoring?: MonitoringBackend;
  /** `privacy.hide_other_sessions`: other sessions' statement texts only for administrators. */
  hideOtherSessions: boolean;
  /** The LLM proxy's providers (none configured: the LLM routes answer 503 saying what to set). */
  llm: LlmProviders;
  /** The one compactor: its cache and analytics live as long as the server. */
  compactor: Compactor;
  mcp: McpHttpHandler;
  /** Errors nobody caught, for /health (when the server survives them). */
  faults?: ProcessFaults;
  http: {
    host: string;
    /** TLS in process (http.tls): HSTS on every answer. */
    tls?: boolean;
    allowedOrigins: string[];
    maxBodyBytes: number;
    requestTimeoutMs: number;
  };
  /** The built web client served at `/`. */
  webDir: string;
  /** OAuth 2.1 for MCP clients (`oauth:`); with auth off there is nothing to sign in to. */
  oauth: OAuthConfig;
  /** Fetches OAuth Client ID Metadata Documents (default: the global fetch). */
  oauthFetch?: MetadataFetch;
}

/**
 * Builds the server's Hono app: the HTTP edge, `/mcp/v1`, every REST route of the api-contract
 * table, the web client, and the one place where errors become responses (`onError`).
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { logger } = deps;

  // Outermost: it acts once every other layer (errors included) has answered.
  // It waits at most half the request time limit, so the answer is never the server's own 408.
  app.use(
    lingeringClose({ maxBytes: 64 * 1024 * 1024, maxMs: Math.min(10_000, deps.http.requestTimeoutMs / 2) }),
  );
  app.use(securityHeaders({ hsts: deps.http.tls ?? false }));
  app.use(originAndHostGuard({ bindHost: deps.http.host, allowedOrigins: deps.http.allowedOrigins }));
  app.use(requestBodyLimit(deps.http.maxBodyBytes));

  app.all('/mcp/v1', (c) => deps.mcp.fetch(c.req.raw));
  if (deps.authEnabled && deps.oauth.enabled) {
    app.route('/', discoveryRoutes({ issuer: deps.oauth.issuer }));
    app.route(
      '/',
      oauthServer({
        auth: deps.auth,
        config: deps.oauth,
        trustedProxies: deps.trustedProxies,
        limiter: deps.limiter,
        ...(deps.oauthFetch ? { fetchMetadata: deps.oauthFetch } : {}),
      }),
    );
  }

  const llmRateLimit = createRateLimit({
    limiter: deps.limiter,
    prefix: 'llm:user',
    perMinute: deps.llm.settings.requests_per_minute,
    message: (wait) =>
      `You have made more than ${deps.llm.settings.requests_per_minute} model calls in a minute (llm.requests_per_minute). Try again in ${wait} s.`,
  });
  const llm = llmRoutes({ llm: deps.llm, logger, llmRateLimit });
  registerRoutes(
    app,
    {
      ...systemRoutes(deps),
      ...authRoutes({ ...deps, oidc: deps.authEnabled ? deps.authConfig.oidc : undefined }),
      ...ssoRoutes({ ...deps, publicUrl: deps.oauth.issuer }),
      ...tokenRoutes(deps),
      ...connectionRoutes(deps),
      ...managedConnectionRoutes(deps),
      ...userRoutes(deps),
      ...groupRoutes(deps),
      ...llm.handlers,
      ...chatRoutes({
        compactor: deps.compactor,
        llmSummaries: deps.llm.defaultProvider !== undefined,
        llmRateLimit,
      }),
      ...conversationRoutes(deps),
      ...oauthRoutes(deps),
      ...auditRoutes(deps),
      ...queryRoutes(deps),
      ...metricsRoutes(deps),
      ...alertRoutes(deps),
    },
    {
      // OAuth access tokens are for the MCP endpoint (their audience), not for the REST API.
      resolveCaller: async (request) => {
        const caller = await deps.resolveCaller(request);
        return caller?.oauth ? undefined : caller;
      },
      guards: llm.guards,
      ...(deps.limits ? { limitCaller: deps.limits.restRequest } : {}),
      ...(deps.audit ? { onChange: auditChanges(deps.audit, deps.trustedProxies) } : {}),
    },
  );
  app.use(webStatic({ dir: deps.webDir }));

  app.notFound((c) => {
    throw new RestError(
      'NOT_FOUND',
      `No route ${c.req.method} ${new URL(c.req.url).pathname}. The MCP endpoint is /mcp/v1.`,
    );
  });
  app.onError((error, c) => {
    let answer = toErrorAnswer(error);
    if (!answer) {
      // Details go to the log only; the caller learns nothing about internals.
      logger.error({ err: error, method: c.req.method, path: new URL(c.req.url).pathname }, 'request failed');
      answer = INTERNAL_ERROR_ANSWER;
    }
    return c.json(answer.body, answer.status as 500, answer.headers);
  });
  return app;
}

/** Records token, password and admin changes made through the REST API, refused ones included. */
function auditChanges(audit: ServerAudit, trustedProxies: ReadonlySet<string>) {
  return (event: RouteChangeEvent): void => {
    const kind = routeAuditKind(event.name, event.route);
    if (!kind) return;
    const ip = clientIp(event.c, trustedProxies);
    audit.write(routeAuditRecord({ ...event, kind, ...(ip ? { ip } : {}) }));
  };
}
