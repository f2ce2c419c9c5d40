import type { RateLimiter } from '@pgmcp/rate-limiter';
import type { AuthStore, IssuedOAuthTokens, OAuthClient } from '@pgmcp/auth-store';
import type { OAuthConfig } from '@pgmcp/config';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { clientIp } from '../auth/caller.js';
import { createRateLimit } from '../auth/rate-limit.js';
import { RestError } from '../errors/rest-error.js';
import { isMetadataDocumentId, type MetadataFetch, resolveMetadataClient } from './client-metadata.js';
import { OAuthError } from './oauth-error.js';
import { issuerFor, OAUTH_SCOPES, oauthUrls } from './oauth-urls.js';
import { isS256Challenge, verifiesS256 } from './pkce.js';
import { redirectUriProblem, redirectUrisAllowed } from './redirect-uris.js';

/** What the OAuth endpoints need. */
export interface OAuthServerDeps {
  auth: AuthStore;
  config: OAuthConfig;
  trustedProxies: ReadonlySet<string>;
  /** Counts the endpoints' requests per address in the shared store, so replicas agree. */
  limiter: RateLimiter;
  /** Fetches Client ID Metadata Documents (default: the global fetch). */
  fetchMetadata?: MetadataFetch;
}

/** How long a user has between the client's redirect and the consent. */
const AUTHORIZATION_REQUEST_MS = 10 * 60_000;

/** RFC 7591 §2: the fields pgmcp reads; others are ignored, as the RFC allows. */
const RegistrationSchema = z.looseObject({
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  client_name: z.string().max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  scope: z.string().optional(),
});

function noStore(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
  });
}

/** The scopes asked for, checked: only `mcp` (and `offline_access`, which changes nothing here). */
function checkScopes(scope: string | undefined): void {
  const unknown = (scope ?? '')
    .split(' ')
    .filter((s) => s && !(OAUTH_SCOPES as readonly string[]).includes(s) && s !== 'offline_access');
  if (unknown.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Unknown scope ${unknown.join(', ')}: pgmcp knows "${OAUTH_SCOPES.join(' ')}".`,
    );
  }
}

async function formOf(c: Context): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded.');
  }
  const params = new URLSearchParams(await c.req.text());
  const form: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in form) throw new OAuthError('invalid_request', `The parameter ${key} was sent more than once.`);
    form[key] = value;
  }
  return form;
}

function required(form: Record<string, string | undefined>, name: string): string {
  const value = form[name];
  if (value === undefined || value === '')
    throw new OAuthError('invalid_request', `The ${name} parameter is missing.`);
  return value;
}

function tokenAnswer(tokens: IssuedOAuthTokens, now: number): Response {
  return noStore({
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((tokens.accessTokenExpiresAt.getTime() - now) / 1000)),
    refresh_token: tokens.refreshToken,
    scope: OAUTH_SCOPES.join(' '),
  });
}

/** A page for the user's browser when pgmcp cannot send it back to the client (unknown client, bad redirect URI). */
function errorPage(message: string): Response {
  return new Response(`pgmcp could not start the sign-in: ${message}\n`, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** The client's redirect URI with the answer's parameters, `state` and `iss` (RFC 9207). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/**
 * The OAuth 2.1 endpoints for MCP clients: dynamic registration (RFC 7591), the authorization
 * endpoint (code + PKCE S256 only, exact redirect URIs, resource indicators), the token endpoint
 * (code exchange, refresh rotation) and revocation (RFC 7009). Errors answer in the OAuth format.
 */
export function oauthServer(deps: OAuthServerDeps): Hono {
  const { auth, config } = deps;
  const app = new Hono();
  const limit = createRateLimit({
    limiter: deps.limiter,
    prefix: 'oauth:ip',
    perMinute: config.requests_per_minute,
    message: (wait) =>
      `Too many OAuth requests from this address (oauth.requests_per_minute is ${config.requests_per_minute}). Try again in ${wait} s.`,
  });
  const charge = async (c: Context, endpoint: string) => {
    try {
      await limit.charge(`${endpoint}:${clientIp(c, deps.trustedProxies) ?? 'in-process'}`);
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      throw new OAuthError('slow_down', error.message, error.options.headers);
    }
  };
  const lifetimes = {
    accessTokenMs: config.access_token_minutes * 60_000,
    refreshTokenMs: config.refresh_token_days * 86_400_000,
  };
  const activeClient = async (clientId: string): Promise<OAuthClient> => {
    const client = await auth.oauth.findClient(clientId);
    if (!client || client.status !== 'active') {
      throw new OAuthError('invalid_client', 'Unknown, disabled or not yet approved client_id.');
    }
    return client;
  };

  app.onError((error) => {
    if (error instanceof OAuthError) return error.toResponse();
    throw error;
  });

  app.post('/oauth/register', async (c) => {
    await charge(c, 'register');
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new OAuthError('invalid_client_metadata', 'Send the client metadata as a JSON object.');
    }
    const parsed = RegistrationSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new OAuthError('invalid_client_metadata', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const metadata = parsed.data;
    for (const uri of metadata.redirect_uris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new OAuthError('invalid_redirect_uri', problem);
    }
    const grantTypes = metadata.grant_types ?? ['authorization_code', 'refresh_token'];
    const badGrant = grantTypes.find((g) => g !== 'authorization_code' && g !== 'refresh_token');
    if (badGrant) {
      throw new OAuthError(
        'invalid_client_metadata',
        `grant_types: pgmcp supports authorization_code and refresh_token, not ${badGrant}.`,
      );
    }
    if (metadata.response_types && metadata.response_types.some((t) => t !== 'code')) {
      throw new OAuthError('invalid_client_metadata', 'response_types: pgmcp supports only "code".');
    }
    if (metadata.client_uri !== undefined && !/^https?:\/\//.test(metadata.client_uri)) {
      throw new OAuthError('invalid_client_metadata', 'client_uri must be an http(s) URL.');
    }
    if (
      config.registration === 'allow_list' &&
      !redirectUrisAllowed(metadata.redirect_uris, config.allowed_clients)
    ) {
      throw new OAuthError(
        'invalid_redirect_uri',
        'This server admits only clients whose redirect URIs are on its allow-list (oauth.allowed_clients). Ask an administrator.',
      );
    }
    const client = await auth.oauth.registerClient({
      kind: 'dynamic',
      name: metadata.client_name ?? 'Unnamed MCP client',
      ...(metadata.client_uri !== undefined ? { clientUri: metadata.client_uri } : {}),
      redirectUris: metadata.redirect_uris,
      metadata,
      status: config.registration === 'approval' ? 'pending' : 'active',
    });
    return noStore(
      {
        client_id: client.id,
        client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
        client_name: client.name,
        ...(client.clientUri ? { client_uri: client.clientUri } : {}),
        redirect_uris: client.redirectUris,
        grant_types: grantTypes,
        response_types: ['code'],
        // Public clients: PKCE stands in for a secret.
        token_endpoint_auth_method: 'none',
      },
      201,
    );
  });

  app.get('/oauth/authorize', async (c) => {
    const query = c.req.query();
    const issuer = issuerFor(c.req.raw, config.issuer);
    const urls = oauthUrls(issuer);
    const clientId = query.client_id;
    if (!clientId) return errorPage('the client_id parameter is missing.');
    let client: OAuthClient | undefined;
    if (isMetadataDocumentId(clientId)) {
      try {
        client = await resolveMetadataClient(clientId, { auth, config, fetch: deps.fetchMetadata ?? fetch });
      } catch (error) {
        if (error instanceof OAuthError) return errorPage(error.message);
        throw error;
      }
    } else {
      client = await auth.oauth.findClient(clientId);
    }
    if (!client)
      return errorPage(
        'this client is not registered here. Remove the server from the client and add it again.',
      );
    const redirectUri = query.redirect_uri;
    // Exact match only: a redirect URI that is not registered never receives anything (no open redirect).
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return errorPage('the redirect_uri is not one this client registered.');
    }
    const back = (error: string, description: string) =>
      c.redirect(
        redirectWith(redirectUri, { error, error_description: description, state: query.state, iss: issuer }),
        302,
      );
    if (client.status === 'pending')
      return back('access_denied', 'This client waits for an administrator to approve it.');
    if (client.status !== 'active') return back('access_denied', 'An administrator disabled this client.');
    if (query.response_type !== 'code')
      return back('unsupported_response_type', 'Only response_type=code is supported.');
    if (
      query.code_challenge_method !== 'S256' ||
      !query.code_challenge ||
      !isS256Challenge(query.code_challenge)
    ) {
      return back(
        'invalid_request',
        'PKCE is required: send code_challenge with code_challenge_method=S256.',
      );
    }
    if (query.resource !== undefined && query.resource !== urls.resource) {
      return back('invalid_target', `Tokens here are only for ${urls.resource}.`);
    }
    try {
      checkScopes(query.scope);
    } catch (error) {
      if (error instanceof OAuthError) return back(error.code, error.message);
      throw error;
    }
    const started = await auth.oauth.startAuthorization({
      clientId: client.id,
      redirectUri,
      codeChallenge: query.code_challenge,
      state: query.state,
      resource: urls.resource,
      ttlMs: AUTHORIZATION_REQUEST_MS,
    });
    // The web client logs the user in if needed, then asks for consent.
    return c.redirect(`/oauth/consent?request=${encodeURIComponent(started.id)}`, 302);
  });

  app.post('/oauth/token', async (c) => {
    await charge(c, 'token');
    const form = await formOf(c);
    const now = Date.now();
    const resource = oauthUrls(issuerFor(c.req.raw, config.issuer)).resource;
    if (form.resource !== undefined && form.resource !== resource) {
      throw new OAuthError('invalid_target', `Tokens here are only for ${resource}.`);
    }
    const client = await activeClient(required(form, 'client_id'));
    if (form.grant_type === 'authorization_code') {
      const code = required(form, 'code');
      const verifier = required(form, 'code_verifier');
      const redirectUri = required(form, 'redirect_uri');
      const authorization = await auth.oauth.consumeCode(code);
      if (authorization === 'reused') {
        throw new OAuthError(
          'invalid_grant',
          'This code was used already; the tokens issued for it are revoked.',
        );
      }
      if (typeof authorization === 'string')
        throw new OAuthError('invalid_grant', 'Unknown or expired code.');
      if (authorization.clientId !== client.id)
        throw new OAuthError('invalid_grant', 'This code was issued to another client.');
      if (authorization.redirectUri !== redirectUri) {
        throw new OAuthError(
          'invalid_grant',
          'redirect_uri differs from the one of the authorization request.',
        );
      }
      if (!verifiesS256(verifier, authorization.codeChallenge)) {
        throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge.');
      }
      if (authorization.resource !== resource)
        throw new OAuthError('invalid_target', 'The code was issued for another resource.');
      return tokenAnswer(await auth.oauth.issueGrant(authorization, lifetimes), now);
    }
    if (form.grant_type === 'refresh_token') {
      checkScopes(form.scope);
      const issued = await auth.oauth.refresh(required(form, 'refresh_token'), client.id, lifetimes);
      if (issued === 'reused') {
        throw new OAuthError(
          'invalid_grant',
          'This refresh token was used already; the grant is revoked. Sign in again.',
        );
      }
      if (typeof issued === 'string')
        throw new OAuthError('invalid_grant', 'Unknown, expired or revoked refresh token.');
      if (issued.grant.resource !== resource)
        throw new OAuthError('invalid_target', 'The grant is for another resource.');
      return tokenAnswer(issued, now);
    }
    throw new OAuthError(
      'unsupported_grant_type',
      `grant_type must be authorization_code or refresh_token${form.grant_type ? `, not ${form.grant_type}` : ''}.`,
    );
  });

  app.post('/oauth/revoke', async (c) => {
    await charge(c, 'token');
    const form = await formOf(c);
    const token = required(form, 'token');
    const clientId = required(form, 'client_id');
    // RFC 7009 §2.2: the answer is the same whether or not the token was known.
    await auth.oauth.revokeToken(token, clientId);
    return noStore({});
  });

  return app;
}
