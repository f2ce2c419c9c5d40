import { getConnInfo } from '@hono/node-server/conninfo';
import { type Access, type AuthStore, fullAccess, type TokenScope, type User } from '@pgmcp/auth-store';
import type { Context } from 'hono';
import { RestError } from '../errors/rest-error.js';

/** The session cookie the web client lives on (httpOnly, never readable by scripts). */
export const SESSION_COOKIE = 'pgmcp_session';

/** Who is calling, resolved from a bearer token, the session cookie, or (auth off) the local user. */
export interface Caller {
  kind: 'session' | 'api_token' | 'local';
  /** Keys everything per credential: database pools, the current connection. */
  credentialId: string;
  user: User;
  access: Access;
  expiresAt?: Date;
  /**
   * Parts of the REST API a scoped API token may use (its scope's `api` list, empty when the scope
   * names none); undefined for sessions, unscoped tokens and the local user, who reach every part.
   */
  apiScope?: readonly string[];
  /** The credential's current connection as read with it (null: none chosen); undefined for the local user. */
  currentConnection?: { connection: string; database?: string } | null;
  /** Set for OAuth access tokens: the grant, its client, and the resource the token is bound to. */
  oauth?: { grantId: string; clientId: string; resource: string };
  /** The API token's own scope and expiry, which a token it creates may not exceed. */
  token?: { scope?: TokenScope; expiresAt?: Date };
}

/** The single user of a server with auth switched off. */
export const LOCAL_USER: User = {
  id: 'local',
  username: 'local',
  displayName: 'Local user',
  email: undefined,
  enabled: true,
  superuser: true,
  serviceAccount: false,
  hasPassword: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  lastLoginAt: undefined,
  failedAttempts: 0,
  lockedUntil: undefined,
};

const LOCAL_CALLER: Caller = { kind: 'local', credentialId: 'local', user: LOCAL_USER, access: fullAccess() };

/** The bearer token or session cookie of a request. */
export function credentialOf(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.headers.get('cookie');
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Resolves callers; with `auth` undefined (auth off), everyone is the local superuser. */
export function createCallerResolver(auth: AuthStore | undefined) {
  return async function resolveCaller(request: Request): Promise<Caller | undefined> {
    if (!auth) return LOCAL_CALLER;
    const token = credentialOf(request);
    if (!token) return undefined;
    const principal = await auth.authenticate(token);
    if (!principal) return undefined;
    const current = principal.currentConnection;
    const currentConnection = current
      ? { connection: current.connection, ...(current.database ? { database: current.database } : {}) }
      : null;
    return principal.kind === 'session'
      ? {
          kind: 'session',
          credentialId: principal.credentialId,
          user: principal.user,
          access: principal.access,
          expiresAt: principal.session.expiresAt,
          currentConnection,
        }
      : {
          kind: 'api_token',
          credentialId: principal.credentialId,
          user: principal.user,
          access: principal.access,
          ...(principal.apiToken.expiresAt ? { expiresAt: principal.apiToken.expiresAt } : {}),
          ...(principal.apiToken.scope ? { apiScope: principal.apiToken.scope.api ?? [] } : {}),
          currentConnection,
          ...(principal.apiToken.oauth ? { oauth: principal.apiToken.oauth } : {}),
          token: {
            ...(principal.apiToken.scope ? { scope: principal.apiToken.scope } : {}),
            ...(principal.apiToken.expiresAt ? { expiresAt: principal.apiToken.expiresAt } : {}),
          },
        };
  };
}

export const UNAUTHORIZED_MESSAGE =
  'Log in first: POST /api/v1/auth/login with your username and password, or send "Authorization: Bearer <token>" with a session or API token.';

/** The 401 error, for REST and MCP alike. */
export function unauthorized(): RestError {
  return new RestError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE, {
    headers: { 'WWW-Authenticate': 'Bearer realm="pgmcp"' },
  });
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
 * the nearest untrusted address of X-Forwarded-For (read right to left).
 */
export function clientIp(c: Context, trustedProxies: ReadonlySet<string>): string | undefined {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // In-process requests (tests) have no socket.
    return undefined;
  }
  if (!peer) return undefined;
  peer = normalizeIp(peer);
  if (!trustedProxies.has(peer)) return peer;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => normalizeIp(s.trim()))
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i]!;
    if (!trustedProxies.has(hop)) return hop;
  }
  return forwarded[0] ?? peer;
}

/** Whether the client reached us over TLS (directly, or per a trusted proxy's X-Forwarded-Proto). */
export function overTls(c: Context, trustedProxies: ReadonlySet<string>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return false;
  }
  return (
    !!peer &&
    trustedProxies.has(normalizeIp(peer)) &&
    c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
  );
}
