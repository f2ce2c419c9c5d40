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
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  };
}

/** Bodies over `maxBytes` are refused with 413 before they are read in full. */
export function requestBodyLimit(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      errorResponse(
        c,
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB. Send less data per request.`,
      ),
  });
}
