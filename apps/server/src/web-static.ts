import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context, MiddlewareHandler } from 'hono';
import { RestError } from './errors/rest-error.js';

/**
 * The Content-Security-Policy of the web client. Everything comes from this origin; no inline
 * script or style (the client sets styles only through the CSSOM, which CSP does not restrict);
 * images only from here or data: URLs; no framing, no <base>, no plugins.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Files Vite names by content hash: safe to cache for a year. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{6,}\.[a-z0-9]+$/;
/**
 * Paths that belong to the API, never to the web client: an unknown `.well-known` document or OAuth
 * endpoint is a JSON 404, not the page (clients probe them). `/oauth/consent` is the page.
 */
const NOT_THE_APP = /^\/(api|mcp|\.well-known)(\/|$)|^\/health$|^\/oauth\/(authorize|token|register|revoke)$/;
/**
 * Encodings the build wrote beside each compressible file (apps/web/scripts/precompress.mjs), in
 * the order they are preferred.
 */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** The encodings a request accepts (`q=0` refuses one). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param));
    if (name && !refused) accepted.add(name);
  }
  return accepted;
}

/** Options of {@link webStatic}. */
export interface WebStaticOptions {
  /** The built web client (apps/web/dist). */
  dir: string;
}

async function fileAt(
  dir: string,
  pathname: string,
): Promise<{ file: string; size: number; mtimeMs: number } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(dir, `.${decoded}`);
  // Never outside the web directory, whatever the path says (../, encoded or not).
  if (file !== dir && !file.startsWith(`${dir}${path.sep}`)) return undefined;
  return statFile(file);
}

async function statFile(file: string): Promise<{ file: string; size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? { file, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function notBuilt(c: Context, dir: string): Response {
  const message = `The web client is not built (nothing at ${dir}). Run "pnpm build" in the pgmcp checkout (or set web_dir / PGMCP_WEB_DIR to a built apps/web/dist) and reload. The MCP endpoint /mcp/v1 and the REST API /api/v1 work without it.`;
  if (c.req.header('accept')?.includes('text/html')) {
    const html = `<!doctype html><meta charset="utf-8"><title>pgmcp</title><h1>pgmcp</h1><p>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`;
    return c.html(html, 404, { 'Content-Security-Policy': WEB_CONTENT_SECURITY_POLICY });
  }
  throw new RestError('NOT_FOUND', message);
}

/**
 * Serves the built web client: files from `dir` (hashed assets cached for a year, everything else
 * revalidated by ETag), and index.html for every other GET that is not the API, so client-side
 * routes survive a reload. Mount it after the API routes; API paths and other methods pass through
 * to the app's JSON 404.
 */
export function webStatic(options: WebStaticOptions): MiddlewareHandler {
  const dir = path.resolve(options.dir);
  return async (c, next) => {
    const method = c.req.method;
    const pathname = new URL(c.req.url).pathname;
    if ((method !== 'GET' && method !== 'HEAD') || NOT_THE_APP.test(pathname)) return next();

    let found = pathname === '/' ? undefined : await fileAt(dir, pathname);
    let isIndex = false;
    if (!found) {
      // A missing script or stylesheet is a 404, not the page (the browser would try to run HTML).
      const wantsPage = !path.extname(pathname) || c.req.header('accept')?.includes('text/html') === true;
      if (!wantsPage) return next();
      found = await fileAt(dir, '/index.html');
      if (!found) return notBuilt(c, dir);
      isIndex = true;
    }

    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control':
        !isIndex && HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'Content-Security-Policy': WEB_CONTENT_SECURITY_POLICY,
    };
    // The smallest copy the client accepts, written at build time; the answer varies with that.
    const variants = await Promise.all(
      PRECOMPRESSED.map(async (v) => ({ ...v, found: await statFile(`${found.file}${v.suffix}`) })),
    );
    const accepted = acceptedEncodings(c.req.header('accept-encoding'));
    const chosen = variants.find((v) => v.found && accepted.has(v.encoding));
    const body = chosen?.found ?? found;
    if (chosen) headers['Content-Encoding'] = chosen.encoding;
    if (variants.some((v) => v.found)) headers.Vary = 'Accept-Encoding';
    const tag = `${body.size.toString(16)}-${Math.floor(body.mtimeMs).toString(16)}`;
    headers.ETag = `W/"${tag}${chosen ? `-${chosen.encoding}` : ''}"`;
    if (c.req.header('if-none-match') === headers.ETag) return c.body(null, 304, headers);
    if (method === 'HEAD') return c.body(null, 200, { ...headers, 'Content-Length': String(body.size) });
    return c.body(await readFile(body.file), 200, headers);
  };
}
