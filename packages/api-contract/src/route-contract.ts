import type { z } from 'zod';
import type { ApiScope } from './api-scopes.js';
import type { AdminPermission } from './auth.js';

/**
 * Who may call a route:
 * - `public`: anyone (a credential, when sent, is still resolved, e.g. for /health's details);
 * - `user`: any logged-in caller (a session, an API token within its scope, the local user);
 * - `session`: a person logged in with a session (web, CLI) — never an API token;
 * - an admin permission: callers holding it (a scoped token only when its scope names it).
 */
export type RouteAuth = 'public' | 'user' | 'session' | AdminPermission;

/** HTTP statuses a route documents as errors besides those its rule and shape imply. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 423 | 429 | 502 | 503 | 504;

/** One REST route: the single source for registration, access, validation, the client and OpenAPI. */
export interface RouteContract {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path, e.g. /api/v1/tokens/{id}. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: RouteAuth;
  /** For `user` and `session` routes: the part of the API a scoped token must name. */
  readonly scope?: ApiScope;
  /** JSON request body (strict: unknown fields are refused). */
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** JSON answer; routes without one answer 204 (or stream). */
  readonly response?: z.ZodType;
  /** The answer is a server-sent event stream (text/event-stream) of these events. */
  readonly stream?: z.ZodType;
  /** Success status (default 200, or 204 without a response). */
  readonly status?: number;
  /** Error statuses beyond those implied (400/415 with a body, 401/403 by the rule, 404 by a path id). */
  readonly errors?: readonly ErrorStatus[];
}

/** The success status of a route. */
export function successStatus(route: RouteContract): number {
  return route.status ?? (route.response || route.stream ? 200 : 204);
}

/** Every error status a route may answer: implied by its rule and shape, plus its own. */
export function errorStatuses(route: RouteContract): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(route.errors ?? []);
  if (route.body) {
    statuses.add(400);
    statuses.add(415);
  }
  if (route.query) statuses.add(400);
  if (route.auth !== 'public') statuses.add(401);
  if (route.auth !== 'public' && (route.auth !== 'user' || route.scope)) statuses.add(403);
  if (/\{\w+\}/.test(route.path)) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

/** The path parameters of a route path, e.g. `{id}` → "id". */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
