import { Hono } from 'hono';
import { issuerFor, MCP_PATH, OAUTH_SCOPES, oauthUrls } from './oauth-urls.js';

/** What discovery needs: the configured issuer (undefined: each request's origin). */
export interface DiscoveryDeps {
  issuer: string | undefined;
}

/** RFC 9728 protected-resource metadata of `/mcp/v1`. */
export function protectedResourceMetadata(issuer: string) {
  const urls = oauthUrls(issuer);
  return {
    resource: urls.resource,
    authorization_servers: [urls.issuer],
    scopes_supported: [...OAUTH_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'pgmcp',
  };
}

/** RFC 8414 authorization-server metadata. */
export function authorizationServerMetadata(issuer: string) {
  const urls = oauthUrls(issuer);
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.authorizationEndpoint,
    token_endpoint: urls.tokenEndpoint,
    registration_endpoint: urls.registrationEndpoint,
    revocation_endpoint: urls.revocationEndpoint,
    scopes_supported: [...OAUTH_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
    // MCP 2025-11-25: a client may use the URL of its metadata document as its client_id.
    client_id_metadata_document_supported: true,
  };
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: {
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
    },
  });
}

/**
 * The discovery documents, public: the resource's metadata (at the path-suffixed RFC 9728 address
 * and at the root) and the authorization server's (RFC 8414). pgmcp issues no ID tokens, so it
 * serves no OpenID discovery document (clients fall back to RFC 8414, as the MCP specification says).
 */
export function discoveryRoutes(deps: DiscoveryDeps): Hono {
  const app = new Hono();
  const resource = (request: Request) => json(protectedResourceMetadata(issuerFor(request, deps.issuer)));
  app.get('/.well-known/oauth-protected-resource', (c) => resource(c.req.raw));
  app.get(`/.well-known/oauth-protected-resource${MCP_PATH}`, (c) => resource(c.req.raw));
  const server = (request: Request) => json(authorizationServerMetadata(issuerFor(request, deps.issuer)));
  app.get('/.well-known/oauth-authorization-server', (c) => server(c.req.raw));
  return app;
}
