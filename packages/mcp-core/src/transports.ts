import { type AuthInfo, createMcpHandler } from '@modelcontextprotocol/server';
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import { tryFastPath } from './fast-path.js';
import type { McpRegistry } from './registry.js';
import type { McpContext } from './types.js';

/** The request context without the signal, which the SDK supplies per call. */
export type ResolvedContext<S> = Omit<McpContext<S>, 'signal'>;

/** Options of {@link createMcpHttpHandler}. */
export interface McpHttpHandlerOptions<S> {
  /** Identifies the caller of one HTTP request; return a Response (e.g. 401) to refuse it. */
  resolveContext: (request: Request) => Promise<ResolvedContext<S> | Response>;
  /** Largest request body accepted; larger ones get 413 (default 4 MiB). */
  maxBodyBytes?: number;
  /** Receives transport-level problems (reporting only). */
  onError?: (error: Error) => void;
}

/** A web-standard MCP endpoint: mount `fetch` on any router (Hono, Node, Workers). */
export interface McpHttpHandler {
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

const CONTEXT = Symbol('pgmcp.context');
/** The SDK's default request body limit, 4 MiB. */
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
type CarriesContext<S> = AuthInfo & { extra: { [CONTEXT]: ResolvedContext<S> } };

/**
 * Serves the registry over Streamable HTTP: stateless, both the 2026-07-28 protocol and legacy
 * 2024-11-05 … 2025-11-25 clients on one endpoint. Plain requests of legacy clients and plain
 * 2026-07-28 tool calls are answered directly from the registry (see fast-path.ts); everything
 * else gets a fresh SDK server.
 *
 * @example
 *   const mcp = createMcpHttpHandler(registry, {
 *     resolveContext: async () => ({ principal: { id: 'local', name: 'local', kind: 'local' }, sessionKey: 'local', state: {} }),
 *   });
 *   app.all('/mcp/v1', (c) => mcp.fetch(c.req.raw));
 */
export function createMcpHttpHandler<S>(
  registry: McpRegistry<S>,
  options: McpHttpHandlerOptions<S>,
): McpHttpHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const context = (authInfo as CarriesContext<S> | undefined)?.extra[CONTEXT];
      if (!context) throw new Error('MCP request without a resolved context');
      return registry.createServer({ ...context, signal: new AbortController().signal });
    },
    {
      legacy: 'stateless',
      maxRequestBodySize: maxBodyBytes,
      ...(options.onError ? { onerror: options.onError } : {}),
    },
  );
  return {
    async fetch(request) {
      const resolved = await options.resolveContext(request);
      if (resolved instanceof Response) return resolved;
      // The SDK passes authInfo through untouched to the server factory; it carries our context.
      const fast = await tryFastPath(
        request,
        resolved,
        (m, p, c) => registry.dispatch(m, p, c),
        maxBodyBytes,
        options.onError,
        registry.identity,
      );
      if (fast.kind === 'answered') return fast.response;
      const authInfo: CarriesContext<S> = {
        token: '',
        clientId: resolved.principal.id,
        scopes: [],
        extra: { [CONTEXT]: resolved },
      };
      return handler.fetch(request, {
        authInfo,
        ...(fast.parsedBody !== undefined ? { parsedBody: fast.parsedBody } : {}),
      });
    },
    close: () => handler.close(),
  };
}

/**
 * Serves the registry over this process's stdin/stdout for one local user, for desktop
 * clients that spawn servers. Logs must go to stderr.
 */
export function serveMcpStdio<S>(
  registry: McpRegistry<S>,
  context: ResolvedContext<S>,
  options: { onError?: (error: Error) => void } = {},
): StdioServerHandle {
  return serveStdio(
    () => registry.createServer({ ...context, signal: new AbortController().signal }, { live: true }),
    {
      ...(options.onError ? { onerror: options.onError } : {}),
    },
  );
}
