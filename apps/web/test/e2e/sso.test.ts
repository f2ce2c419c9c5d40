import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningServer } from '@pgmcp/server';
import { type FakeOidcProvider, startFakeOidcProvider } from '@pgmcp/vitest-config/oidc';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// Single sign-on in chromium: the login page's button, through a local OpenID provider (real wire
// format, RS256 ID tokens), to a signed-in workspace; a refused sign-in back on the login page with
// its message; and the OAuth admin screen in light and dark, desktop and phone width.

const db = useTestDatabase('web-sso-e2e');
/** Where the coordinator looks at the screens of this branch (set PGMCP_SCREENS to change). */
const SCREENS = process.env.PGMCP_SCREENS ?? '/work/notes/screens/oidc';
let idp: FakeOidcProvider;
let server: RunningServer;
let browser: Browser;

async function keep(page: Page, name: string): Promise<void> {
  const file = await screenshot(page, `sso-${name}`);
  mkdirSync(SCREENS, { recursive: true });
  copyFileSync(file, path.join(SCREENS, path.basename(file)));
}

beforeAll(async () => {
  idp = await startFakeOidcProvider({
    user: { sub: 'grace-1', preferred_username: 'grace', name: 'Grace Hopper', groups: ['eng'] },
  });
  server = await startWebServer({
    connections: [{ name: 'demo', url: db.url }],
    auth: [
      'oidc:',
      `  issuer: ${idp.issuer}`,
      `  client_id: ${idp.clientId}`,
      '  name: Acme',
      '  group_mapping: { eng: engineers }',
    ],
    env: { PGMCP_OIDC_CLIENT_SECRET: idp.clientSecret },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await idp?.close();
});

describe('single sign-on in the browser', () => {
  it('goes from the login page’s button through the provider to a signed-in workspace', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    const button = page.getByRole('link', { name: 'Sign in with Acme' });
    await button.waitFor();
    await keep(page, 'login-light');
    await button.click();
    // The workspace's status bar names who is signed in.
    await page.locator('.status-user', { hasText: 'grace' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const me = (await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()))) as {
      user: { username: string };
      groups: string[];
    };
    expect(me).toMatchObject({ user: { username: 'grace' }, groups: ['engineers'] });
    expect((await context.cookies()).some((c) => c.name === 'pgmcp_session' && c.httpOnly)).toBe(true);
    expect(problems).toEqual({ csp: [], errors: [] });
    await context.close();
  });

  it('lands a refused sign-in (a forged signature) on the login page with its message', async () => {
    idp.fault = 'bad_signature';
    const { context, page } = await openPage(browser, { colorScheme: 'dark' });
    await page.goto(server.url);
    await page.getByRole('link', { name: 'Sign in with Acme' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/could not be verified/);
    expect(new URL(page.url()).search).toBe('');
    expect((await context.cookies()).some((c) => c.name === 'pgmcp_session')).toBe(false);
    await keep(page, 'login-refused-dark');
    idp.fault = undefined;
    await context.close();
  });
});

describe('the OAuth admin screen', () => {
  beforeAll(async () => {
    const oauth = server.auth.oauth;
    const claude = await oauth.registerClient({
      kind: 'dynamic',
      name: 'Claude',
      redirectUris: ['https://claude.ai/api/mcp/auth_callback'],
      metadata: {},
      status: 'active',
    });
    await oauth.registerClient({
      kind: 'dynamic',
      name: 'Cursor',
      redirectUris: ['http://127.0.0.1:33418/callback'],
      metadata: {},
      status: 'pending',
    });
    const admin = await server.auth.getUserByUsername('admin');
    const started = await oauth.startAuthorization({
      clientId: claude.id,
      redirectUri: 'https://claude.ai/api/mcp/auth_callback',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      state: 'e2e',
      resource: `${server.url}/mcp/v1`,
      ttlMs: 600_000,
    });
    const approved = await oauth.approveAuthorization(
      started.id,
      admin.id,
      { connections: [{ name: 'demo', access: 'read' }] },
      60_000,
    );
    const authorization = await oauth.consumeCode(approved!.code);
    if (typeof authorization === 'string') throw new Error(authorization);
    await oauth.issueGrant(authorization, { accessTokenMs: 60_000, refreshTokenMs: 600_000 });
  });

  for (const [width, scheme] of [
    [1280, 'light'],
    [1280, 'dark'],
    [390, 'light'],
    [390, 'dark'],
  ] as const) {
    it(`lists clients and grants and approves a client (${width} px, ${scheme})`, async () => {
      const { context, page, problems } = await openPage(browser, { width, colorScheme: scheme });
      await page.goto(server.url);
      await logIn(page);
      // Below 860 px the view tabs show their icons only (their names are hidden with them).
      await page.locator('.view-tab').last().click();
      await page.getByRole('button', { name: 'OAuth', exact: true }).click();
      await page.getByRole('table', { name: 'Grants' }).getByText('demo (read)', { exact: false }).waitFor();
      await keep(page, `oauth-admin-${width}-${scheme}`);
      if (width === 1280 && scheme === 'light') {
        await page.getByRole('button', { name: 'Approve Cursor' }).click();
        await page.getByRole('button', { name: 'Disable Cursor' }).waitFor();
        await page.getByRole('button', { name: 'Revoke Claude for admin' }).click();
        await keep(page, 'oauth-admin-confirm-light');
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      }
      expect(problems).toEqual({ csp: [], errors: [] });
      await context.close();
    });
  }
});
