import {
  auth,
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/start.js';
import { startTestServer, textOf } from '../helpers.js';

// Issue 17, end to end: the official MCP SDK client with its OAuth provider against the real
// server on a real socket — from a bare 401 through discovery, dynamic registration, login and
// consent (the same requests the web consent page makes), the code exchange, tools/list and a
// query, then refresh rotation and revocation cutting access (and closing the token's pools).

const db = useTestDatabase('server-oauth-e2e');
const ADMIN_PASSWORD = 'oauth e2e admin password';
const REDIRECT = 'http://127.0.0.1:47911/callback';

/** The client side of one MCP client application, in memory, as a desktop client keeps it. */
class MemoryProvider implements OAuthClientProvider {
  info: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  readonly stateValue = `state-${Math.random().toString(36).slice(2)}`;
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'E2E Desktop',
      client_uri: 'https://e2e.example',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return this.stateValue;
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  discovery: OAuthDiscoveryState | undefined;
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

let server: RunningServer;

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  server = await startTestServer({
    PGMCP_AUTH: 'on',
    PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PGMCP_DATABASE_URL: db.url,
  });
});
afterAll(async () => {
  await server?.close();
});

/** Logs in as the web page does and returns its session cookie. */
async function loginCookie(username: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

/**
 * The browser part: open the authorization URL, land on the consent page, read what it shows and
 * answer it; returns where the browser is sent back to.
 */
async function consent(
  authorizationUrl: URL,
  cookie: string,
  decision: Record<string, unknown> = { approve: true },
): Promise<{ redirect: URL; shown: Record<string, unknown> }> {
  const start = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const page = new URL(start.headers.get('location')!, server.url);
  expect(page.pathname).toBe('/oauth/consent');
  const requestId = page.searchParams.get('request')!;
  const shown = await fetch(`${server.url}/api/v1/oauth/requests/${requestId}`, { headers: { cookie } });
  expect(shown.status).toBe(200);
  const answer = await fetch(`${server.url}/api/v1/oauth/requests/${requestId}/decision`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(decision),
  });
  expect(answer.status, await answer.clone().text()).toBe(200);
  const { redirect_to } = (await answer.json()) as { redirect_to: string };
  return { redirect: new URL(redirect_to), shown: (await shown.json()) as Record<string, unknown> };
}

async function connect(provider: MemoryProvider): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider }));
  return client;
}

describe('an MCP client that signs in by itself', () => {
  const provider = new MemoryProvider();
  let cookie: string;

  it('gets from a bare 401 to tools/list and a query, through registration, login and consent', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider });
    const first = new Client({ name: 'e2e', version: '1' });
    await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);

    // The SDK discovered pgmcp, registered itself and built the authorization URL.
    expect(provider.info?.client_id).toMatch(/^mcp_/);
    const url = provider.authorizationUrl!;
    expect(url.origin + url.pathname).toBe(`${server.url}/oauth/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(server.mcpUrl);

    cookie = await loginCookie('admin', ADMIN_PASSWORD);
    const { redirect, shown } = await consent(url, cookie, {
      approve: true,
      connections: [{ name: 'default', access: 'read' }],
      tools: ['list_database_connections', 'query_database'],
    });
    expect(shown).toMatchObject({
      client: {
        name: 'E2E Desktop',
        redirect_origin: 'http://127.0.0.1:47911',
        client_uri: 'https://e2e.example',
      },
      resource: server.mcpUrl,
    });
    expect(shown.tools).toContain('get_schema_info');
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe(provider.stateValue);
    expect(redirect.searchParams.get('iss')).toBe(server.url);

    await transport.finishAuth(redirect.searchParams);
    expect(provider.saved?.access_token).toMatch(/^pgmcp_/);

    const client = await connect(provider);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    // The user narrowed the grant to two tools: min(groups, grant).
    expect(tools).toEqual(['list_database_connections', 'query_database']);
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 41 + 1 AS answer' },
    });
    expect(textOf(result)).toContain('42');
    await client.close();
  });

  it('lists the grant as a token of the user, tied to its client', async () => {
    const tokens = await fetch(`${server.url}/api/v1/tokens`, { headers: { cookie } });
    const body = (await tokens.json()) as { tokens: { note: string; oauth?: { client_id: string } }[] };
    expect(body.tokens.find((t) => t.oauth)).toMatchObject({
      note: 'OAuth: E2E Desktop',
      oauth: { client_id: provider.info!.client_id },
    });
    const grants = await fetch(`${server.url}/api/v1/oauth/grants`, { headers: { cookie } });
    expect(((await grants.json()) as { grants: unknown[] }).grants).toHaveLength(1);
  });

  it('refreshes: the SDK trades its refresh token for a new pair that works', async () => {
    const before = provider.saved!;
    expect(await auth(provider, { serverUrl: server.mcpUrl })).toBe('AUTHORIZED');
    const after = provider.saved!;
    expect(after.refresh_token).toBeDefined();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.access_token).not.toBe(before.access_token);
    const client = await connect(provider);
    expect((await client.listTools()).tools.length).toBe(2);
    await client.close();
  });

  it('revocation (RFC 7009) cuts access at once and closes the token’s database sessions', async () => {
    const client = await connect(provider);
    await client.callTool({ name: 'query_database', arguments: { query: 'SELECT 1' } });
    const credential = server.pools.sessionKeys().find((key) => key.startsWith('tok_'));
    expect(credential).toBeDefined();
    await client.close();

    const revoke = await fetch(`${server.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: provider.saved!.refresh_token!,
        client_id: provider.info!.client_id,
      }),
    });
    expect(revoke.status).toBe(200);
    await expect.poll(() => server.pools.sessionKeys().includes(credential!)).toBe(false);
    const bare = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${provider.saved!.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

function refreshRaw(refreshToken: string, clientId: string): Promise<Response> {
  return fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    }),
  });
}

describe('refresh token reuse', () => {
  it('revokes the grant when a rotated-out refresh token is presented again', async () => {
    const provider = new MemoryProvider();
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider });
    await expect(new Client({ name: 'e2e', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const cookie = await loginCookie('admin', ADMIN_PASSWORD);
    await transport.finishAuth((await consent(provider.authorizationUrl!, cookie)).redirect.searchParams);
    const stolen = provider.saved!.refresh_token!;
    expect(await auth(provider, { serverUrl: server.mcpUrl })).toBe('AUTHORIZED');
    const current = provider.saved!;

    // An attacker replays the old refresh token: refused, and the client's fresh tokens die too.
    const replay = await refreshRaw(stolen, provider.info!.client_id);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('used already'),
    });
    const fresh = new MemoryProvider();
    fresh.info = provider.info;
    fresh.saved = { access_token: current.access_token, token_type: 'Bearer' };
    await expect(
      new Client({ name: 'e2e', version: '1' }).connect(
        new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: fresh }),
      ),
    ).rejects.toThrow();
    expect((await refreshRaw(current.refresh_token!, provider.info!.client_id)).status).toBe(400);
  });
});
