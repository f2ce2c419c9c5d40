import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/start.js';
import { NO_DATABASE_URL, startTestServer } from './helpers.js';

// Client ID Metadata Documents (MCP 2025-11-25): the SDK client uses the URL of its metadata
// document as client_id, with no registration; pgmcp fetches the document. The client's site is a
// local HTTP server; the server's metadata fetch is routed to it (https://client.example → it).

const CLIENT_ID = 'https://client.example/oauth/client.json';
const REDIRECT = 'http://127.0.0.1:47912/callback';
const ADMIN_PASSWORD = 'client metadata admin password';

const documents = new Map<string, unknown>();
let site: Server;
let siteUrl: string;
const fetched: string[] = [];

/** The server's fetch of metadata documents, sent to the local site instead of the internet. */
const siteFetch = (url: string, init: RequestInit) => {
  fetched.push(url);
  const { pathname } = new URL(url);
  return fetch(`${siteUrl}${pathname}?host=${new URL(url).hostname}`, init);
};

beforeAll(async () => {
  site = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const doc = documents.get(`https://${url.searchParams.get('host')}${url.pathname}`);
    if (!doc) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  documents.set(CLIENT_ID, {
    client_id: CLIENT_ID,
    client_name: 'Metadata Client',
    client_uri: 'https://client.example',
    redirect_uris: [REDIRECT],
    token_endpoint_auth_method: 'none',
  });
  documents.set('https://liar.example/client.json', {
    client_id: 'https://someone-else.example/client.json',
    redirect_uris: [REDIRECT],
  });
});
afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
});

class UrlClientProvider implements OAuthClientProvider {
  clientMetadataUrl = CLIENT_ID;
  info: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  verifier = '';
  discovery: OAuthDiscoveryState | undefined;
  authorizationUrl: URL | undefined;
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'Metadata Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };
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
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

describe('a client identified by its metadata document', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD, PGMCP_DATABASE_URL: NO_DATABASE_URL },
      { oauthFetch: siteFetch },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs in without registering: pgmcp fetches the document and shows its name', async () => {
    const provider = new UrlClientProvider();
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider });
    await expect(new Client({ name: 'cimd', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(await server.auth.oauth.listClients()).toEqual([]);

    const start = await fetch(provider.authorizationUrl!, { redirect: 'manual' });
    expect(start.status, await start.clone().text()).toBe(302);
    expect(fetched).toEqual([CLIENT_ID]);
    const requestId = new URL(start.headers.get('location')!, server.url).searchParams.get('request')!;
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const shown = await fetch(`${server.url}/api/v1/oauth/requests/${requestId}`, { headers: { cookie } });
    expect(await shown.json()).toMatchObject({
      client: {
        id: CLIENT_ID,
        kind: 'metadata_document',
        name: 'Metadata Client',
        client_uri: 'https://client.example',
      },
    });
    const decision = await fetch(`${server.url}/api/v1/oauth/requests/${requestId}/decision`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ approve: true, tools: ['list_database_connections'] }),
    });
    const back = new URL(((await decision.json()) as { redirect_to: string }).redirect_to);
    await transport.finishAuth(back.searchParams);

    const client = new Client({ name: 'cimd', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['list_database_connections']);
    await client.close();
  });

  it('refuses a document that names another client_id, and private addresses', async () => {
    for (const clientId of [
      'https://liar.example/client.json',
      'https://127.0.0.1/client.json',
      'https://nowhere.example/none.json',
    ]) {
      const response = await server.app.request(
        `http://127.0.0.1/oauth/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code' }).toString()}`,
      );
      expect(response.status, clientId).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
    expect(fetched).not.toContain('https://127.0.0.1/client.json');
  });
});

describe('with an allow-list', () => {
  it('fetches only listed metadata documents', async () => {
    const server = await startTestServer(
      { PGMCP_AUTH: 'on', PGMCP_DATABASE_URL: NO_DATABASE_URL },
      {
        oauthFetch: siteFetch,
        yaml: "auth:\n  bcrypt_cost: 4\noauth:\n  registration: allow_list\n  allowed_clients: ['trusted.example']\n",
      },
    );
    try {
      const before = fetched.length;
      const response = await server.app.request(
        `http://127.0.0.1/oauth/authorize?${new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: REDIRECT }).toString()}`,
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('allow-list');
      expect(fetched.length).toBe(before);
    } finally {
      await server.close();
    }
  });
});
