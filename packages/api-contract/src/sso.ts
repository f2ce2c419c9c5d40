import { z } from 'zod';
import type { RouteContract } from './route-contract.js';

/** `GET /api/v1/auth/login-options`: what the login page offers. */
export const LoginOptionsSchema = z.object({
  /** `admins_only`: only superusers and holders of an admin permission may log in with a password. */
  password_login: z.enum(['everyone', 'admins_only']),
  /** Single sign-on with an OpenID provider, when configured. */
  sso: z
    .object({
      /** The button's text, e.g. "Sign in with Acme". */
      label: z.string(),
      /** Where the button goes (add `?return_to=/a/local/path` to come back there). */
      start_url: z.string(),
    })
    .nullable(),
});
export type LoginOptions = z.infer<typeof LoginOptionsSchema>;

/**
 * Why a single sign-on was refused: the callback sends the browser to the login page with
 * `?sso_error=<code>`, and the page shows the message (a code, so no text can be injected).
 */
export const SSO_ERRORS = {
  state_mismatch:
    'The sign-in could not be matched to this browser (it expired, or was started in another tab or browser). Please try again.',
  nonce_mismatch:
    'The identity provider’s answer was not for this sign-in (nonce mismatch). Please try again.',
  invalid_token:
    'The identity provider’s answer could not be verified (signature, issuer, audience or expiry). Ask an administrator to check the single sign-on settings.',
  provider_error: 'The identity provider refused the sign-in.',
  provider_unreachable: 'The identity provider could not be reached. Try again later.',
  account_disabled: 'This account is disabled. Ask an administrator.',
  rate_limited: 'Too many failed sign-ins from this address. Try again in a few minutes.',
} as const;
export type SsoErrorCode = keyof typeof SSO_ERRORS;

/** Single sign-on with an OpenID Connect provider (auth.oidc). */
export const SSO_ROUTES = {
  loginOptions: {
    method: 'get',
    path: '/api/v1/auth/login-options',
    summary: 'What the login page offers: password login for whom, and single sign-on',
    tag: 'auth',
    auth: 'public',
    response: LoginOptionsSchema,
  },
  oidcStart: {
    method: 'get',
    path: '/api/v1/auth/oidc/start',
    summary:
      'Start single sign-on: redirects the browser to the identity provider (query: return_to, a local path)',
    tag: 'auth',
    auth: 'public',
    status: 302,
    errors: [404],
  },
  oidcCallback: {
    method: 'get',
    path: '/api/v1/auth/oidc/callback',
    summary:
      'Where the identity provider returns: signs the user in (session cookie) and redirects to the web client, or to the login page with ?sso_error=',
    tag: 'auth',
    auth: 'public',
    status: 302,
    errors: [404],
  },
} as const satisfies Record<string, RouteContract>;
