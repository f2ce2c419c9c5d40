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
import { seedDemoDatabase } from '@pgmcp/demo-data';
import type { RunningServer } from '@pgmcp/server';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// Issue 17 with the browser step in chromium: the official MCP SDK client (its OAuth provider)
// gets a 401, discovers pgmcp, registers, and sends the user's browser to pgmcp; the user signs in
// and narrows the consent in the web client; the browser lands on the client's loopback callback
// (a real HTTP listener, as desktop clients run), and the SDK finishes with the code.

const db = useTestDatabase('web-oauth-e2e');
let server: RunningServer;
let browser: Browser;
let callback: Server;
let callbackUrl: string;
const callbacks: URL[] = [];

class DesktopProvider implements OAuthClientProvider {
  info: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  verifier = '';
  discovery: OAuthDiscoveryState | undefined;
  authorizationUrl: URL | undefined;
  get redirectUrl() {
    return callbackUrl;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Chromium Desktop',
      redirect_uris: [callbackUrl],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return 'browser-state';
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

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  server = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  callback = createServer((req, res) => {
    const url = new URL(req.url ?? '/', callbackUrl);
    // Only the redirect counts: the browser also asks the callback's origin for /favicon.ico.
    if (url.pathname === '/callback') callbacks.push(url);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => callback?.close(resolve));
  await server?.close();
});

it('signs an MCP client in through the login and consent pages in chromium', async () => {
  const provider = new DesktopProvider();
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider });
  await expect(new Client({ name: 'desktop', version: '1' }).connect(transport)).rejects.toBeInstanceOf(
    UnauthorizedError,
  );

  const { context, page, problems } = await openPage(browser);
  try {
    const consentAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth/consent');
    await page.goto(provider.authorizationUrl!.href);
    const consentPage = await consentAnswer;
    expect(consentPage.headers()['x-frame-options']).toBe('DENY');
    expect(consentPage.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    await logIn(page);
    await expect.poll(() => page.getByText('Chromium Desktop').count()).toBe(1);
    expect(await page.getByText(new URL(callbackUrl).origin).count()).toBe(1);
    // Narrow: only query_database on demo, read-only.
    for (const box of await page.getByRole('checkbox').all()) {
      if ((await box.getAttribute('checked')) !== null || (await box.isChecked())) await box.uncheck();
    }
    await page.getByRole('checkbox', { name: 'query_database' }).check();
    await screenshot(page, 'oauth-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => callbacks.length).toBe(1);
    expect(problems).toEqual({ csp: [], errors: [] });
  } finally {
    await context.close();
  }

  const back = callbacks[0]!;
  expect(back.searchParams.get('state')).toBe('browser-state');
  expect(back.searchParams.get('iss')).toBe(server.url);
  await transport.finishAuth(back.searchParams);

  const client = new Client({ name: 'desktop', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider }));
  expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['query_database']);
  const result = await client.callTool({
    name: 'query_database',
    arguments: { query: 'SELECT count(*) AS n FROM sales.orders' },
  });
  expect(result.isError).not.toBe(true);
  await client.close();
});
