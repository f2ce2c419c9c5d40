import { ACCOUNT_ROUTES } from './account-routes.js';
import { ALERT_ROUTES } from './alerts.js';
import { AUDIT_ROUTES } from './audit.js';
import { CHAT_ROUTES } from './chat.js';
import { CONNECTION_ROUTES } from './connections.js';
import { CONVERSATION_ROUTES } from './conversations.js';
import { LLM_ROUTES } from './llm.js';
import { METRICS_ROUTES } from './metrics.js';
import { OAUTH_ROUTES } from './oauth.js';
import { QUERY_ROUTES } from './queries.js';
import type { RouteContract } from './route-contract.js';
import { SSO_ROUTES } from './sso.js';

/**
 * Every REST route of pgmcp by name: the server registers its handlers and access rules from it,
 * the typed client calls it, and the OpenAPI document describes it. A new area adds its own
 * `*_ROUTES` object here.
 */
export const ROUTES = {
  ...ACCOUNT_ROUTES,
  ...SSO_ROUTES,
  // After ACCOUNT_ROUTES: /api/v1/connections/current must be registered before /{id}.
  ...CONNECTION_ROUTES,
  ...LLM_ROUTES,
  ...CHAT_ROUTES,
  ...CONVERSATION_ROUTES,
  ...OAUTH_ROUTES,
  ...AUDIT_ROUTES,
  ...QUERY_ROUTES,
  ...METRICS_ROUTES,
  ...ALERT_ROUTES,
} as const satisfies Record<string, RouteContract>;

/** The routes, by name. */
export type Routes = typeof ROUTES;
/** The name of a route, e.g. "createToken". */
export type RouteName = keyof Routes;
