import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** A `{"error":{"code","message"}}` answer with the status the code maps to. */
export function errorResponse(
  c: Context,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ error: { code, message } }, ERROR_STATUS[code], headers);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * DNS-rebinding protection for every route: the Host header must name this server (loopback,
 * the bind address, or an allowed origin's host) and a browser's Origin must be loopback or
 * allowed. A page on evil.example that resolves to 127.0.0.1 is refused with 403.
 */
export function originAndHostGuard(options: {
  bindHost: string;
  allowedOrigins: string[];
}): MiddlewareHandler {
  const allowedOriginHosts = new Set(options.allowedOrigins.map(hostnameOf).filter((h): h is string => !!h));
  const allowedOrigins = new Set(options.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const bindHost = hostnameOf(options.bindHost);
  const allowedHosts = new Set([
    ...LOOPBACK_HOSTS,
    ...allowedOriginHosts,
    ...(bindHost && bindHost !== '0.0.0.0' && bindHost !== '[::]' ? [bindHost] : []),
  ]);
  return async (c, next) => {
    // The Node adapter builds the request URL from the Host header; in-process requests carry it in the URL.
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const hostname = hostnameOf(host);
    if (!hostname || !allowedHosts.has(hostname)) {
      return errorResponse(
        c,
        'FORBIDDEN_HOST',
        `Host "${host}" is not served here. Use a loopback address or add the host's origin to http.allowed_origins (PGMCP_ALLOWED_ORIGINS).`,
      );
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== 'null') {
      const originHost = hostnameOf(origin);
      const exact = allowedOrigins.has(origin.replace(/\/+$/, '').toLowerCase());
      if (!exact && !(originHost && LOOPBACK_HOSTS.has(originHost))) {
        return errorResponse(
          c,
          'FORBIDDEN_ORIGIN',
          `Origin "${origin}" is not allowed. Add it to http.allowed_origins (PGMCP_ALLOWED_ORIGINS) to let that site call pgmcp.`,
        );
      }
    } else if (origin === 'null') {
      return errorResponse(
        c,
        'FORBIDDEN_ORIGIN',
        'Requests from opaque origins (Origin: null) are not allowed.',
      );
    }
    await next();
  };
}

/** Headers every answer carries. */
export function securityHeaders(): MiddlewareHandler {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
  ];
  return async (c, next) => {
    await next();
    // Set them on the response in place: c.header() on a finished response re-creates it around
    // its body stream, which costs more than the rest of a small request.
    let target: Headers;
    try {
      target = c.res.headers;
      target.set('X-Content-Type-Options', 'nosniff');
    } catch {
      // Immutable headers (a fetched response passed through): copy the response once.
      c.res = new Response(c.res.body, c.res);
      target = c.res.headers;
    }
    for (const [name, value] of headers) target.set(name, value);
    if (!target.has('Cache-Control')) target.set('Cache-Control', 'no-store');
  };
}

/** Bodies over `maxBytes` are refused with 413 before they are read in full. */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler {
  const refuse = (c: Context) =>
    errorResponse(
      c,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB. Send less data per request.`,
    );
  const streaming = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return async (c, next) => {
    // Decide from the headers when they say it all: touching the body would make the Node
    // adapter build a web stream for every request.
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxBytes ? refuse(c) : next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Chunked, or without any length (in-process requests): count the bytes as they come.
    return streaming(c, next);
  };
}
