import { UNAUTHORIZED_MESSAGE } from '../auth/caller.js';
import { RestError } from '../errors/rest-error.js';

/** Where pgmcp's OAuth parts live, for one issuer (its public base URL). */
export interface OAuthUrls {
  /** The authorization server's identifier, e.g. `https://pgmcp.example`. */
  issuer: string;
  /** The protected resource: the MCP endpoint, which tokens are bound to (RFC 8707). */
  resource: string;
  /** RFC 9728 metadata of the resource (path-suffixed, as the MCP specification asks). */
  resourceMetadata: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint: string;
  revocationEndpoint: string;
  /** The web client's consent page. */
  consentPage: string;
}

/** The MCP endpoint's path; the resource is the issuer plus this. */
export const MCP_PATH = '/mcp/v1';

/**
 * The issuer for a request: the configured public URL, else the origin the request came in on
 * (its Host was already checked by the origin and host guard).
 */
export function issuerFor(request: Request, configured: string | undefined): string {
  return configured ?? new URL(request.url).origin;
}

/** Every OAuth URL of an issuer. */
export function oauthUrls(issuer: string): OAuthUrls {
  return {
    issuer,
    resource: `${issuer}${MCP_PATH}`,
    resourceMetadata: `${issuer}/.well-known/oauth-protected-resource${MCP_PATH}`,
    authorizationEndpoint: `${issuer}/oauth/authorize`,
    tokenEndpoint: `${issuer}/oauth/token`,
    registrationEndpoint: `${issuer}/oauth/register`,
    revocationEndpoint: `${issuer}/oauth/revoke`,
    consentPage: `${issuer}/oauth/consent`,
  };
}

/**
 * The 401 of `/mcp/v1` for a request without a usable token: the challenge points MCP clients at
 * the resource metadata, from where they discover how to sign in.
 */
export function mcpUnauthorized(request: Request, configuredIssuer: string | undefined): RestError {
  const hadToken = request.headers.get('authorization') !== null;
  return new RestError(
    'UNAUTHORIZED',
    hadToken
      ? 'The bearer token is not valid here (unknown, expired, revoked, or issued for another resource). Sign in again.'
      : UNAUTHORIZED_MESSAGE,
    {
      headers: {
        'WWW-Authenticate': bearerChallenge(oauthUrls(issuerFor(request, configuredIssuer)), hadToken),
      },
    },
  );
}

/** The 401 challenge of `/mcp/v1` (RFC 6750 §3 with RFC 9728 §5.1's `resource_metadata`). */
export function bearerChallenge(urls: OAuthUrls, invalidToken: boolean): string {
  const parts = [`resource_metadata="${urls.resourceMetadata}"`, `scope="${OAUTH_SCOPES.join(' ')}"`];
  if (invalidToken) parts.push('error="invalid_token"');
  return `Bearer ${parts.join(', ')}`;
}

/**
 * The OAuth scopes pgmcp knows. `mcp` is the MCP endpoint; what a grant reaches within it
 * (connections, tools) is chosen on the consent page and kept as the token's pgmcp scope.
 */
export const OAUTH_SCOPES = ['mcp'] as const;
