import { discoverOAuthServerInfo, extractWWWAuthenticateParams } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

// Issue 17 §1: a client with no token learns from the 401 where the resource's metadata is, and
// from there the authorization server's endpoints (parsed with the official SDK's discovery).

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

function inProcess(server: RunningServer) {
  return async (url: string | URL, init?: RequestInit) => server.app.fetch(new Request(url, init));
}

function postMcp(server: RunningServer, headers: Record<string, string> = {}) {
  return server.app.request('http://127.0.0.1/mcp/v1', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(INITIALIZE),
  });
}

describe('discovery with the issuer taken from the request', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ PGMCP_AUTH: 'on', PGMCP_DATABASE_URL: NO_DATABASE_URL });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers a bare /mcp/v1 call with 401 and a Bearer challenge naming the resource metadata', async () => {
    const response = await postMcp(server);
    expect(response.status).toBe(401);
    const challenge = extractWWWAuthenticateParams(response);
    expect(challenge.resourceMetadataUrl?.href).toBe(
      'http://127.0.0.1/.well-known/oauth-protected-resource/mcp/v1',
    );
    expect(challenge.scope).toBe('mcp');
    expect(challenge.error).toBeUndefined();
  });

  it('says invalid_token when a token was sent but is unknown', async () => {
    const response = await postMcp(server, { authorization: 'Bearer pgmcp_not_a_real_token' });
    expect(response.status).toBe(401);
    expect(extractWWWAuthenticateParams(response).error).toBe('invalid_token');
  });

  it('leads the SDK from the MCP URL to the authorization server, with one issuer throughout', async () => {
    const info = await discoverOAuthServerInfo('http://127.0.0.1/mcp/v1', { fetchFn: inProcess(server) });
    expect(info.resourceMetadata).toMatchObject({
      resource: 'http://127.0.0.1/mcp/v1',
      authorization_servers: ['http://127.0.0.1'],
      bearer_methods_supported: ['header'],
    });
    expect(info.authorizationServerUrl).toBe('http://127.0.0.1');
    expect(info.authorizationServerMetadata).toMatchObject({
      issuer: 'http://127.0.0.1',
      authorization_endpoint: 'http://127.0.0.1/oauth/authorize',
      token_endpoint: 'http://127.0.0.1/oauth/token',
      registration_endpoint: 'http://127.0.0.1/oauth/register',
      revocation_endpoint: 'http://127.0.0.1/oauth/revoke',
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
    expect(info.authorizationServerMetadata?.grant_types_supported).not.toContain('implicit');
  });

  it('serves the root protected-resource document too, and no OpenID document (pgmcp issues no ID tokens)', async () => {
    const root = await server.app.request('http://127.0.0.1/.well-known/oauth-protected-resource');
    expect(((await root.json()) as { resource: string }).resource).toBe('http://127.0.0.1/mcp/v1');
    const openid = await server.app.request('http://127.0.0.1/.well-known/openid-configuration');
    expect(openid.status).toBe(404);
  });
});

describe('discovery with a configured issuer', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      PGMCP_AUTH: 'on',
      PGMCP_DATABASE_URL: NO_DATABASE_URL,
      PGMCP_OAUTH_ISSUER: 'https://pgmcp.example/',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('names the public URL everywhere, whatever Host the request used', async () => {
    const response = await postMcp(server);
    expect(extractWWWAuthenticateParams(response).resourceMetadataUrl?.href).toBe(
      'https://pgmcp.example/.well-known/oauth-protected-resource/mcp/v1',
    );
    const resource = await server.app.request('http://127.0.0.1/.well-known/oauth-protected-resource/mcp/v1');
    expect(await resource.json()).toMatchObject({
      resource: 'https://pgmcp.example/mcp/v1',
      authorization_servers: ['https://pgmcp.example'],
    });
    const metadata = await server.app.request('http://127.0.0.1/.well-known/oauth-authorization-server');
    expect(await metadata.json()).toMatchObject({
      issuer: 'https://pgmcp.example',
      token_endpoint: 'https://pgmcp.example/oauth/token',
    });
  });
});

describe('with OAuth switched off, or auth off', () => {
  it('keeps the plain challenge and serves no metadata when oauth.enabled is off', async () => {
    const server = await startTestServer({
      PGMCP_AUTH: 'on',
      PGMCP_OAUTH: 'off',
      PGMCP_DATABASE_URL: NO_DATABASE_URL,
    });
    try {
      const response = await postMcp(server);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="pgmcp"');
      const metadata = await server.app.request('http://127.0.0.1/.well-known/oauth-authorization-server');
      expect(metadata.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses an issuer with a path, naming the key', async () => {
    await expect(
      startTestServer({
        PGMCP_AUTH: 'on',
        PGMCP_DATABASE_URL: NO_DATABASE_URL,
        PGMCP_OAUTH_ISSUER: 'https://pgmcp.example/sub',
      }),
    ).rejects.toThrow(/oauth\.issuer/);
  });
});
