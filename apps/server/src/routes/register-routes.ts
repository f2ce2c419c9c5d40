import {
  CLIENT_HEADER,
  type RouteContract,
  type RouteName,
  type RouteParams,
  ROUTES,
  type Routes,
  successStatus,
} from '@pgmcp/api-contract';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { type Caller, unauthorized } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import { toErrorAnswer } from '../errors/to-error-response.js';

/** What a route handler gets: the validated request and the caller the route's rule let through. */
export interface RouteCall<R extends RouteContract> {
  c: Context;
  caller: R['auth'] extends 'public' ? Caller | undefined : Caller;
  params: RouteParams<R>;
  query: R extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;
  body: R extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;
}

/** What a handler returns: the JSON answer (sent with the route's status), nothing (204), or its own Response. */
export type RouteResult<R extends RouteContract> =
  (R extends { response: infer S extends z.ZodType } ? z.input<S> : void) | Response;

/** Serves one route of the table. Throws coded errors; `app.onError` answers them. */
export type RouteHandler<R extends RouteContract> = (
  call: RouteCall<R>,
) => RouteResult<R> | Promise<RouteResult<R>>;

/** Handlers for a set of routes, by route name. */
export type RouteHandlers<N extends RouteName = RouteName> = { [K in N]: RouteHandler<Routes[K]> };

/**
 * Checks a route group runs after the route's access rule and before the body is read (e.g. the
 * LLM proxy's rate limit and size cap, so a refused call costs no JSON parsing).
 */
export type RouteGuards = Partial<
  Record<RouteName, (c: Context, caller: Caller | undefined) => void | Promise<void>>
>;

/** Options of {@link registerRoutes}. */
export interface RegisterRoutesOptions {
  resolveCaller: (request: Request) => Promise<Caller | undefined>;
  guards?: RouteGuards;
  /** Counts a signed-in caller's request (a rate limit); throws RATE_LIMITED to refuse it. */
  limitCaller?: (caller: Caller) => Promise<void>;
  /** Told how every request to a changing (non-GET) route ended, refused ones included (the activity log). */
  onChange?: (event: RouteChangeEvent) => void;
}

/** How a request to a changing route ended. */
export interface RouteChangeEvent {
  name: RouteName;
  route: RouteContract;
  c: Context;
  caller: Caller | undefined;
  params: Record<string, string>;
  /** `refused`: 401/403 (access rules, scopes, CSRF); `error`: any other failure. */
  outcome: 'ok' | 'refused' | 'error';
  reason?: string;
  result?: unknown;
}

type Issue = z.core.$ZodIssue;

/**
 * A union names no field of its own ("Invalid input"); report the issues of the alternative that
 * got furthest into the value instead, e.g. `messages.0.content.1.type`.
 */
function flattenUnions(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const depth = (list: readonly Issue[]) => Math.max(0, ...list.map((i) => i.path.length));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return depth(best) === 0 ? [{ ...issue, path }] : flattenUnions(best, path);
  });
}

/** One readable sentence naming every bad field. */
export function describeIssues(error: z.ZodError, whole = 'body'): string {
  return flattenUnions(error.issues)
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : whole;
      if (issue.code === 'unrecognized_keys')
        return `${path === whole ? '' : `${path}: `}unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/;

function isJson(c: Context): boolean {
  return JSON_TYPE.test((c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase());
}

/** Applies a route's access rule; returns the caller (undefined only on public routes). */
async function authorize(
  route: RouteContract,
  c: Context,
  resolveCaller: RegisterRoutesOptions['resolveCaller'],
): Promise<Caller | undefined> {
  const caller = await resolveCaller(c.req.raw);
  if (route.auth === 'public') return caller;
  if (!caller) throw unauthorized();
  if (route.auth === 'session' && caller.kind === 'api_token') {
    throw new RestError(
      'FORBIDDEN',
      `${route.method.toUpperCase()} ${route.path} needs a login session (the web client or pgmcp chat), not an API token.`,
    );
  }
  if (route.auth !== 'user' && route.auth !== 'session' && !caller.access.hasAdmin(route.auth)) {
    throw new RestError(
      'FORBIDDEN',
      caller.apiScope !== undefined
        ? `This needs the ${route.auth} permission, which this API token's scope does not include.`
        : `This needs the ${route.auth} permission, which you do not have. Ask an administrator.`,
    );
  }
  if (route.scope && caller.apiScope !== undefined && !caller.apiScope.includes(route.scope)) {
    throw new RestError(
      'FORBIDDEN',
      `This API token's scope does not include "${route.scope}" (it allows: ${caller.apiScope.join(', ') || 'no part of the REST API'}). Create a token whose scope names ${route.scope}, or log in.`,
    );
  }
  return caller;
}

/**
 * A browser sends cookies with cross-site requests it may make without asking (forms, simple
 * fetches): a state-changing request must carry JSON or pgmcp's client header, which a page on
 * another origin cannot send without a CORS preflight that pgmcp never grants. Routes with a body
 * already insist on JSON (415); bearer-token callers are not at risk (a browser never adds that
 * header by itself).
 */
function refuseCrossSiteWrites(route: RouteContract, c: Context): void {
  if (route.method === 'get' || route.body) return;
  if (c.req.header('authorization') !== undefined) return;
  if (isJson(c) || c.req.header(CLIENT_HEADER) !== undefined) return;
  throw new RestError(
    'FORBIDDEN',
    `Requests that change something must send a JSON body (Content-Type: application/json) or the ${CLIENT_HEADER} header.`,
  );
}

async function readBody(schema: z.ZodType, c: Context): Promise<unknown> {
  if (!isJson(c)) {
    throw new RestError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the request body as JSON with Content-Type: application/json.',
    );
  }
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RestError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new RestError('BAD_REQUEST', `Invalid request: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}

function readQuery(schema: z.ZodType, c: Context): unknown {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success)
    throw new RestError('BAD_REQUEST', `Invalid query: ${describeIssues(parsed.error, 'query')}.`);
  return parsed.data;
}

/** `/api/v1/tokens/{id}` → `/api/v1/tokens/:id` */
function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Registers every route of the table with its handler: the access rule (public, logged in, session
 * only, admin permission, token scope), the cross-site write check, the query and body schemas,
 * then the handler, whose result is answered with the route's success status.
 */
export function registerRoutes(app: Hono, handlers: RouteHandlers, options: RegisterRoutesOptions): void {
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const route: RouteContract = ROUTES[name];
    const handler = handlers[name] as unknown as (call: RouteCall<RouteContract>) => unknown;
    const guard = options.guards?.[name];
    const serve = async (c: Context) => {
      const caller = await authorize(route, c, options.resolveCaller);
      if (caller && route.auth !== 'public') await options.limitCaller?.(caller);
      refuseCrossSiteWrites(route, c);
      await guard?.(c, caller);
      const query = route.query ? readQuery(route.query, c) : undefined;
      const body = route.body ? await readBody(route.body, c) : undefined;
      const result = await handler({
        c,
        caller,
        params: c.req.param(),
        query,
        body,
      } as RouteCall<RouteContract>);
      return { caller, result };
    };
    const answer = (c: Context, result: unknown) => {
      if (result instanceof Response) return result;
      const status = successStatus(route);
      return status === 204 ? c.body(null, 204) : c.json(result, status as 200);
    };
    const onChange = route.method === 'get' ? undefined : options.onChange;
    app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
      if (!onChange) return answer(c, (await serve(c)).result);
      let served: Awaited<ReturnType<typeof serve>>;
      try {
        served = await serve(c);
      } catch (error) {
        const known = toErrorAnswer(error);
        const refused = known !== undefined && (known.status === 401 || known.status === 403);
        onChange({
          name,
          route,
          c,
          caller: await options.resolveCaller(c.req.raw).catch(() => undefined),
          params: c.req.param(),
          outcome: refused ? 'refused' : 'error',
          ...(known ? { reason: known.body.error.message } : {}),
        });
        throw error;
      }
      onChange({
        name,
        route,
        c,
        caller: served.caller,
        params: c.req.param(),
        outcome: 'ok',
        result: served.result,
      });
      return answer(c, served.result);
    });
  }
}
