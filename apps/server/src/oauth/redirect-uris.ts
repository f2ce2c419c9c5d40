const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const NEVER = new Set([
  'javascript:',
  'data:',
  'file:',
  'vbscript:',
  'about:',
  'blob:',
  'ftp:',
  'ws:',
  'wss:',
]);

/**
 * Why a redirect URI cannot be registered, or undefined when it can: https anywhere, http only on
 * loopback (native apps, RFC 8252 §7.3), private-use schemes such as `cursor://` (RFC 8252 §7.1);
 * no fragment (OAuth 2.1 §2.3.1), no credentials.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (!URL.canParse(uri)) return `"${uri}" is not an absolute URI`;
  const url = new URL(uri);
  if (url.hash || uri.includes('#')) return `"${uri}" has a fragment, which redirect URIs must not have`;
  if (url.username || url.password) return `"${uri}" carries credentials`;
  if (NEVER.has(url.protocol))
    return `"${uri}" uses the ${url.protocol} scheme, which cannot be a redirect URI`;
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return `"${uri}" uses plain http on a host other than loopback; use https`;
  }
  return undefined;
}

/** The host a redirect URI sends the browser to (the scheme for private-use schemes), as the consent page shows it. */
export function redirectOrigin(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol.replace(/:$/, '');
}

/** Whether the registration policy's allow-list admits every redirect URI (by host, or private-use scheme). */
export function redirectUrisAllowed(uris: readonly string[], allowed: readonly string[]): boolean {
  const hosts = new Set(allowed.map((entry) => entry.toLowerCase()));
  return uris.every((uri) => {
    const url = new URL(uri);
    return hosts.has(url.hostname.toLowerCase()) || hosts.has(url.protocol.replace(/:$/, '').toLowerCase());
  });
}
