import type { MeResponse } from '@pgmcp/api-contract';
import type { Caller } from '../auth/caller.js';
import type { AuthStore } from '@pgmcp/auth-store';
import type { OidcConfig } from '@pgmcp/config';
import type { McpRegistry } from '@pgmcp/mcp-core';
import type { PoolManager } from '@pgmcp/pool-manager';
import { deleteCookie, setCookie } from 'hono/cookie';
import { clientIp, credentialOf, overTls, SESSION_COOKIE } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import type { Logger } from '../logger.js';
import { passwordLoginRefused } from '../sso/sso-routes.js';
import type { RouteHandlers } from './register-routes.js';
import { effectiveAccess, toApiUser } from './serialize.js';

/** What the login, logout, me and password routes need. */
export interface AuthRouteDeps {
  auth: AuthStore;
  authEnabled: boolean;
  trustedProxies: ReadonlySet<string>;
  logger: Logger;
  registry: Pick<McpRegistry<unknown>, 'names'>;
  pools: Pick<PoolManager, 'listConnections'>;
  /** Single sign-on, when configured: it may keep password logins for administrators. */
  oidc: OidcConfig | undefined;
}

const AUTH_OFF = 'Authentication is switched off on this server (PGMCP_AUTH=off): no login is needed.';

/** `/api/v1/auth/*`: log in and out, who am I, change my password. */
export function authRoutes(
  deps: AuthRouteDeps,
): RouteHandlers<'login' | 'logout' | 'sessionState' | 'me' | 'changePassword'> {
  const { auth } = deps;
  const meOf = async (caller: Caller): Promise<MeResponse> => ({
    user: toApiUser(caller.user),
    credential: {
      kind: caller.kind,
      id: caller.credentialId,
      expires_at: caller.expiresAt?.toISOString() ?? null,
    },
    groups: caller.kind === 'local' ? [] : (await auth.listUserGroups(caller.user.id)).map((g) => g.name),
    access: effectiveAccess(caller.access, deps.registry, deps.pools),
    auth_enabled: deps.authEnabled,
  });
  return {
    login: async ({ c, body }) => {
      if (!deps.authEnabled) throw new RestError('BAD_REQUEST', AUTH_OFF);
      const ip = clientIp(c, deps.trustedProxies);
      const userAgent = c.req.header('user-agent');
      const result = await auth.login(body.username, body.password, {
        ...(ip ? { ip } : {}),
        ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
      });
      const refused = await passwordLoginRefused(auth, deps.oidc, result.user);
      if (refused) {
        await auth.logout(result.token);
        deps.logger.info({ user: result.user.username, ip }, 'password login refused: single sign-on only');
        throw new RestError('FORBIDDEN', refused);
      }
      setCookie(c, SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: overTls(c, deps.trustedProxies),
        path: '/',
        expires: result.expiresAt,
      });
      deps.logger.info({ user: result.user.username, ip }, 'login');
      return {
        token: result.token,
        expires_at: result.expiresAt.toISOString(),
        user: toApiUser(result.user),
      };
    },

    logout: async ({ c, caller }) => {
      if (caller.kind === 'session') await auth.logout(credentialOf(c.req.raw) ?? '');
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    },

    sessionState: async ({ caller }) => ({
      signed_in: caller !== undefined,
      auth_enabled: deps.authEnabled,
      me: caller ? await meOf(caller) : null,
    }),

    me: ({ caller }) => meOf(caller),

    changePassword: async ({ caller, body }) => {
      if (caller.kind === 'local') {
        throw new RestError('BAD_REQUEST', 'Authentication is switched off: there is no password to change.');
      }
      // Every other session of the user ends; this one stays logged in.
      await auth.changePassword(caller.user.id, body.current_password, body.new_password, {
        keepSessionId: caller.credentialId,
      });
    },
  };
}
