import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { LoginOptions, SsoErrorCode } from '@pgmcp/api-contract';
import { AuthStoreError, type AuthStore } from '@pgmcp/auth-store';
import type { AuthConfig, OidcConfig } from '@pgmcp/config';
import type { RateLimiter } from '@pgmcp/rate-limiter';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { clientIp, overTls, SESSION_COOKIE } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';
import type { Logger } from '../logger.js';
import { issuerFor } from '../oauth/oauth-urls.js';
import type { RouteHandlers } from '../routes/register-routes.js';
import { createOidcClient, type OidcClient, type SignInAttempt, SsoError } from './oidc-client.js';
import { identityFrom } from './oidc-identity.js';

/** What single sign-on needs. */
export interface SsoRouteDeps {
  auth: AuthStore;
  authEnabled: boolean;
  /** `auth:` (its `oidc` part; the login rate limit per address). */
  authConfig: Pick<AuthConfig, 'oidc' | 'ip_rate_limit'>;
  /** pgmcp's public URL (`oauth.issuer`), for the redirect URI registered at the provider. */
  publicUrl: string | undefined;
  trustedProxies: ReadonlySet<string>;
  limiter: RateLimiter;
  logger: Logger;
  /** The provider client (default: one for `auth.oidc`). */
  oidcClient?: OidcClient;
}

/** The cookie binding a sign-in attempt to the browser that started it. */
const ATTEMPT_COOKIE = 'pgmcp_sso';
const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const START_PATH = '/api/v1/auth/oidc/start';
const ATTEMPT_SECONDS = 600;
/** A local path to return to: one slash, no backslash or control characters. */
const LOCAL_PATH = /^\/(?![/\\])[^\s\\]{0,500}$/;

interface StoredAttempt extends SignInAttempt {
  returnTo: string;
}

const random = () => randomBytes(32).toString('base64url');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readAttempt(c: Context): StoredAttempt | undefined {
  const raw = getCookie(c, ATTEMPT_COOKIE);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<StoredAttempt>;
    const ok = [value.state, value.nonce, value.codeVerifier, value.returnTo].every(
      (v) => typeof v === 'string',
    );
    return ok ? (value as StoredAttempt) : undefined;
  } catch {
    return undefined;
  }
}

/** The label of the login button. */
export function ssoLabel(oidc: OidcConfig): string {
  return `Sign in with ${oidc.name}`;
}

/**
 * Whether a password login is refused for this user: with `local_passwords: admins_only`, only
 * superusers and holders of an admin permission keep their passwords.
 */
export async function passwordLoginRefused(
  auth: AuthStore,
  oidc: OidcConfig | undefined,
  user: { id: string; superuser: boolean },
): Promise<string | undefined> {
  if (oidc?.local_passwords !== 'admins_only' || user.superuser) return undefined;
  const access = await auth.accessForUser(user.id);
  if (access.explain().admin.some((decision) => decision.allowed)) return undefined;
  return `Password sign-in is kept for administrators on this server: use “${ssoLabel(oidc)}”.`;
}

/**
 * `/api/v1/auth/login-options` and `/api/v1/auth/oidc/*`: single sign-on with an OpenID provider
 * (authorization code + PKCE S256, state and nonce bound to the browser by a short-lived cookie).
 * Refusals send the browser to the login page with `?sso_error=<code>` and are logged without tokens.
 */
export function ssoRoutes(deps: SsoRouteDeps): RouteHandlers<'loginOptions' | 'oidcStart' | 'oidcCallback'> {
  const oidc = deps.authEnabled ? deps.authConfig.oidc : undefined;
  const client = oidc ? (deps.oidcClient ?? createOidcClient(oidc)) : undefined;
  const { max_failures, window_minutes } = deps.authConfig.ip_rate_limit;
  const rule = max_failures > 0 ? { limit: max_failures, windowMs: window_minutes * 60_000 } : undefined;

  const configured = () => {
    if (!oidc || !client) {
      throw new RestError('NOT_FOUND', 'Single sign-on is not configured on this server (auth.oidc).');
    }
    return { oidc, client };
  };
  const redirectUri = (c: Context) => `${issuerFor(c.req.raw, deps.publicUrl)}${CALLBACK_PATH}`;
  const refuse = (c: Context, code: SsoErrorCode, detail: string, ip: string | undefined) => {
    deps.logger.warn({ ip, reason: code, detail }, 'single sign-on refused');
    return c.redirect(`/?sso_error=${code}`, 302);
  };

  return {
    loginOptions: () => {
      const options: LoginOptions = {
        password_login: oidc?.local_passwords ?? 'everyone',
        sso: oidc ? { label: ssoLabel(oidc), start_url: START_PATH } : null,
      };
      return options;
    },

    oidcStart: async ({ c }) => {
      const { client: provider } = configured();
      const wanted = c.req.query('return_to');
      const attempt: StoredAttempt = {
        state: random(),
        nonce: random(),
        codeVerifier: random(),
        returnTo: wanted && LOCAL_PATH.test(wanted) ? wanted : '/',
      };
      let location: string;
      try {
        location = await provider.authorizationUrl(attempt, redirectUri(c));
      } catch (error) {
        if (error instanceof SsoError)
          return refuse(c, error.code, error.detail, clientIp(c, deps.trustedProxies));
        throw error;
      }
      setCookie(c, ATTEMPT_COOKIE, Buffer.from(JSON.stringify(attempt)).toString('base64url'), {
        httpOnly: true,
        // Lax: the cookie must come back on the provider's top-level redirect to the callback.
        sameSite: 'Lax',
        secure: overTls(c, deps.trustedProxies),
        path: CALLBACK_PATH,
        maxAge: ATTEMPT_SECONDS,
      });
      return c.redirect(location, 302);
    },

    oidcCallback: async ({ c }) => {
      const { oidc: settings, client: provider } = configured();
      const ip = clientIp(c, deps.trustedProxies);
      const attempt = readAttempt(c);
      // Single use: whatever happens next, this attempt is over.
      deleteCookie(c, ATTEMPT_COOKIE, { path: CALLBACK_PATH });
      // Counted before any work, like password logins; a successful sign-in gives it back.
      const hit = ip !== undefined && rule ? await deps.limiter.hit(`sso:ip:${ip}`, rule) : undefined;
      if (hit && !hit.allowed) return refuse(c, 'rate_limited', 'too many sign-ins from this address', ip);
      const query = c.req.query();
      try {
        if (!attempt || !query.state || !sameText(query.state, attempt.state))
          throw new SsoError(
            'state_mismatch',
            attempt ? 'state differs from the browser’s' : 'no sign-in cookie',
          );
        if (query.error)
          throw new SsoError('provider_error', `the provider answered error=${query.error.slice(0, 80)}`);
        if (!query.code) throw new SsoError('provider_error', 'the provider sent no code');
        // RFC 9207: when the provider names itself, it must be the configured issuer.
        if (query.iss !== undefined && query.iss.replace(/\/+$/, '') !== settings.issuer)
          throw new SsoError('invalid_token', `the answer names issuer ${query.iss.slice(0, 200)}`);
        const claims = await provider.redeem(query.code, attempt, redirectUri(c));
        const userAgent = c.req.header('user-agent');
        const result = await deps.auth.externalLogin(identityFrom(claims, settings, settings.issuer), {
          ...(ip ? { ip } : {}),
          ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
        });
        await hit?.release();
        setCookie(c, SESSION_COOKIE, result.token, {
          httpOnly: true,
          sameSite: 'Strict',
          secure: overTls(c, deps.trustedProxies),
          path: '/',
          expires: result.expiresAt,
        });
        deps.logger.info(
          { user: result.user.username, ip, created: result.created, created_groups: result.createdGroups },
          'login (single sign-on)',
        );
        return c.redirect(attempt.returnTo, 302);
      } catch (error) {
        if (error instanceof SsoError) return refuse(c, error.code, error.detail, ip);
        if (error instanceof AuthStoreError && error.code === 'ACCOUNT_DISABLED')
          return refuse(c, 'account_disabled', 'the linked account is disabled', ip);
        throw error;
      }
    },
  };
}
