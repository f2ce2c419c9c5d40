import type { z } from 'zod';
import { ApiError } from './api-error.js';
import { ErrorBodySchema } from './errors.js';
import type { RouteContract } from './route-contract.js';
import { ROUTES, type RouteName, type Routes } from './route-table.js';

type Empty = Record<never, never>;
type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}`
  ? N | ParamNames<Rest>
  : never;

/** The path parameters of a route, e.g. `{ id: string }` for /api/v1/tokens/{id}. */
export type RouteParams<R extends RouteContract> = Record<ParamNames<R['path']>, string>;

/** What a call of a route takes: path parameters, query and body, each only when the route has them. */
export type RouteInput<R extends RouteContract> = ([ParamNames<R['path']>] extends [never]
  ? Empty
  : { params: RouteParams<R> }) &
  (R extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : Empty) &
  (R extends { query: infer Q extends z.ZodType } ? { query?: z.input<Q> } : Empty);

/** What a call of a route resolves to: the parsed JSON answer, the raw Response of a stream, or nothing (204). */
export type RouteOutput<R extends RouteContract> = R extends { response: infer S extends z.ZodType }
  ? z.output<S>
  : R extends { stream: z.ZodType }
    ? Response
    : void;

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

type CallArgs<R extends RouteContract> =
  Empty extends RouteInput<R>
    ? [input?: RouteInput<R>, options?: CallOptions]
    : [input: RouteInput<R>, options?: CallOptions];

/** One method per route of the table, named like it: `api.login({ body })`, `api.getConversation({ params: { id } })`. */
export type ApiClient = {
  readonly [N in RouteName]: (...args: CallArgs<Routes[N]>) => Promise<RouteOutput<Routes[N]>>;
} & {
  /** The server's base URL ('' for the page's own origin). */
  readonly baseUrl: string;
};

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The server, e.g. `http://127.0.0.1:8080`; '' (default) for the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Headers added to every request, read per call (e.g. `Authorization: Bearer …` for a token that can change). */
  headers?: () => Record<string, string>;
  /** `same-origin` (default) lets a browser send the httpOnly session cookie; scripts never see it. */
  credentials?: 'same-origin' | 'include' | 'omit';
  /** Time limit of one request in ms (default: none). Streams are limited until their headers arrive. */
  timeoutMs?: number;
  /** Called when the server answers 401 (the session ended), with the route that got it. */
  onUnauthorized?: (route: RouteName) => void;
}

/** Marks every request as a pgmcp client's: a page on another origin cannot send it without a CORS preflight. */
export const CLIENT_HEADER = 'X-Requested-With';
export const CLIENT_HEADER_VALUE = 'pgmcp';

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}

function urlOf(base: string, route: RouteContract, input: Record<string, unknown>): string {
  const params = (input.params ?? {}) as Record<string, string>;
  let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const query = Object.entries((input.query ?? {}) as Record<string, unknown>).filter(
    ([, value]) => value !== undefined,
  );
  if (query.length > 0)
    path += `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
  return `${base}${path}`;
}

/**
 * The typed REST client of a pgmcp server, built from the route table: every answer is parsed with
 * the route's schema, every failure is an {@link ApiError}. Browser-safe (fetch only).
 *
 * @example
 *   const api = createApiClient({ baseUrl: 'http://127.0.0.1:8080', headers: () => ({ authorization: `Bearer ${token}` }) });
 *   const { connections } = await api.listConnections();
 *   await api.renameConversation({ params: { id }, body: { title: 'Q3 revenue' } });
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call(name: RouteName, input: Record<string, unknown> = {}, callOptions: CallOptions = {}) {
    const route: RouteContract = ROUTES[name];
    const method = route.method.toUpperCase();
    const url = urlOf(base, route, input);
    const where = `${method} ${route.path}`;
    const timeout = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
    const signals = [callOptions.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        credentials: options.credentials ?? 'same-origin',
        headers: {
          accept: route.stream ? 'text/event-stream' : 'application/json',
          [CLIENT_HEADER]: CLIENT_HEADER_VALUE,
          ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers?.(),
        },
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
        ...(signals.length > 0
          ? { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }
          : {}),
      });
    } catch (error) {
      if (callOptions.signal?.aborted)
        throw new ApiError('CANCELLED', 'Cancelled.', 0, undefined, { cause: error });
      if (timeout?.aborted) {
        throw new ApiError(
          'TIMEOUT',
          `The pgmcp server${base ? ` at ${base}` : ''} did not answer ${where} within ${Math.round(options.timeoutMs! / 1000)} s.`,
          0,
          undefined,
          { cause: error },
        );
      }
      throw new ApiError(
        'NETWORK',
        `The pgmcp server${base ? ` at ${base}` : ''} cannot be reached. Is it running?`,
        0,
        undefined,
        { cause: error },
      );
    }
    if (response.ok && route.stream) return response;
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      if (response.status === 401) options.onUnauthorized?.(name);
      const body = ErrorBodySchema.safeParse(json);
      if (body.success) {
        throw new ApiError(
          body.data.error.code,
          body.data.error.message,
          response.status,
          retryAfter(response),
        );
      }
      throw new ApiError(
        `HTTP_${response.status}`,
        `${base || 'The server'} answered ${where} with HTTP ${response.status}, without a pgmcp error body.`,
        response.status,
        retryAfter(response),
      );
    }
    if (!route.response) return undefined;
    const parsed = route.response.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        'BAD_RESPONSE',
        `${base || 'The server'} answered ${where} with something a pgmcp server does not send.`,
        response.status,
      );
    }
    return parsed.data;
  }

  const client: Record<string, unknown> = { baseUrl: base };
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    client[name] = (input?: Record<string, unknown>, callOptions?: CallOptions) =>
      call(name, input, callOptions);
  }
  return client as ApiClient;
}
