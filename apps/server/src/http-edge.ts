import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RestError } from './errors/rest-error.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether `origin` is the origin of the server the Host header names (scheme from the origin itself). */
function isOwnOrigin(origin: string, host: string): boolean {
  try {
    const from = new URL(origin);
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

/**
 * DNS-rebinding and cross-site protection for every route: the Host header must name this server
 * (loopback, the bind address, or an allowed origin's host), and a browser's Origin must be this
 * server's own origin (scheme, host and port) or one of `allowedOrigins`. A page on evil.example
 * that resolves to 127.0.0.1, or on another loopback port, is refused with 403.
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
      throw new RestError(
        'FORBIDDEN_HOST',
        `Host "${host}" is not served here. Use a loopback address or add the host's origin to http.allowed_origins (PGMCP_ALLOWED_ORIGINS).`,
      );
    }
    const origin = c.req.header('origin');
    if (origin === 'null') {
      throw new RestError('FORBIDDEN_ORIGIN', 'Requests from opaque origins (Origin: null) are not allowed.');
    }
    if (
      origin !== undefined &&
      !isOwnOrigin(origin, host) &&
      !allowedOrigins.has(origin.replace(/\/+$/, '').toLowerCase())
    ) {
      throw new RestError(
        'FORBIDDEN_ORIGIN',
        `Origin "${origin}" is not allowed. Add it to http.allowed_origins (PGMCP_ALLOWED_ORIGINS) to let that site call pgmcp.`,
      );
    }
    await next();
  };
}

/** Headers every answer carries (and HSTS when pgmcp itself serves TLS). */
export function securityHeaders(options: { hsts?: boolean } = {}): MiddlewareHandler {
  const headers: [string, string][] = [
    // Served over TLS in process: browsers must not fall back to plain HTTP for a year.
    ...(options.hsts ? ([['Strict-Transport-Security', 'max-age=31536000']] as [string, string][]) : []),
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
  const refuse = (): never => {
    throw new RestError(
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB. Send less data per request.`,
    );
  };
  const streaming = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return async (c, next) => {
    // Decide from the headers when they say it all: touching the body would make the Node
    // adapter build a web stream for every request.
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(declared) > maxBytes ? refuse() : next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Chunked, or without any length (in-process requests): count the bytes as they come.
    return streaming(c, next);
  };
}

/** Options of {@link lingeringClose}. */
export interface LingeringCloseOptions {
  /** Most unread body bytes read and discarded after an early answer before the connection is cut. */
  maxBytes: number;
  /** Longest the connection is kept for that. */
  maxMs: number;
}

/**
 * An answer given before the request body was read (413 for an oversized body, 401 before the
 * body is looked at, 415) would otherwise reach a client that writes its whole body before reading
 * only sometimes: the connection gets cut under it (EPIPE) or stalls. Before such an answer goes
 * out, what the client still sends is read and discarded, within a bound of bytes and time — the
 * idea of nginx's "lingering close". Past the bound the answer goes out anyway and the connection
 * is closed.
 */
export function lingeringClose(options: LingeringCloseOptions): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming || incoming.complete || incoming.readableEnded || incoming.destroyed) return;
    const declared = Number(incoming.headers['content-length'] ?? 0);
    if (declared === 0 && incoming.headers['transfer-encoding'] === undefined) return;
    const drained = await new Promise<boolean>((resolve) => {
      let discarded = 0;
      const done = (all: boolean) => {
        clearTimeout(timer);
        incoming.off('data', onData);
        resolve(all);
      };
      const timer = setTimeout(() => done(false), options.maxMs);
      const onData = (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > options.maxBytes) done(false);
      };
      incoming.on('data', onData);
      incoming.once('end', () => done(true));
      incoming.once('close', () => done(incoming.complete));
      incoming.resume();
    });
    if (!drained) {
      // Too much, or too slow: answer and close rather than read on.
      incoming.pause();
      c.res.headers.set('Connection', 'close');
    }
  };
}
