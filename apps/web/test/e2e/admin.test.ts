import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { RunningServer } from '@pgmcp/server';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// The admin screens in chromium against the real server and PostgreSQL: an admin adds a connection,
// creates a user and a group, adds the user, grants the group the connection and a tool, all
// through the UI; that user
// sees only the granted connection, makes an API token on the Account screen that works as a
// bearer on /mcp/v1 until revoked there; a disabled user cannot log in.
const db = useTestDatabase('web-admin');
const ANN_PASSWORD = 'ann has a long password 7';
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startWebServer({
    connections: [{ name: 'demo', url: db.url }],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db.drop();
});

async function openSection(page: Page, tab: 'Admin' | 'Account', section: string) {
  await page.getByRole('button', { name: tab, exact: true }).click();
  await page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('button', { name: section })
    .click();
}

async function logInAs(page: Page, username: string, password: string) {
  await page.goto(server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** tools/list over /mcp/v1 with `token` as the bearer, through the official MCP client. */
async function listTools(token: string): Promise<string[]> {
  const client = new Client({ name: 'e2e', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('the admin screens', () => {
  it('user → group → member → grants through the UI; the user sees only the granted connection, a token works until revoked, disabled cannot log in', async () => {
    const admin = await openPage(browser);
    const { page } = admin;
    await page.goto(server.url);
    await logIn(page);

    // Connections: add sales (the test database, with its own login).
    await openSection(page, 'Admin', 'Connections');
    const url = new URL(db.url);
    const connectionForm = page.getByRole('form', { name: 'Add a connection' });
    await connectionForm.getByLabel('Name').fill('sales');
    await connectionForm.getByLabel('Host').fill(url.hostname);
    await connectionForm.getByLabel('Port').fill(url.port);
    await connectionForm.getByLabel('Database', { exact: true }).fill(db.name);
    await connectionForm.getByLabel('Database user').fill(decodeURIComponent(url.username));
    await connectionForm.getByLabel('Password').fill(decodeURIComponent(url.password));
    await connectionForm.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('managed here').count()).toBe(1);

    // Users: create ann.
    await openSection(page, 'Admin', 'Users');
    const userForm = page.getByRole('form', { name: 'Create a user' });
    await userForm.getByLabel('Username').fill('ann');
    await userForm.getByLabel(/^Password/).fill(ANN_PASSWORD);
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'ann', exact: true }).count()).toBe(1);

    // Groups: create sales-team and add ann.
    await openSection(page, 'Admin', 'Groups');
    const groupForm = page.getByRole('form', { name: 'Create a group' });
    await groupForm.getByLabel('Group name').fill('sales-team');
    await groupForm.getByRole('button', { name: 'Create group' }).click();
    const panel = page.getByRole('region', { name: 'Group sales-team' });
    await panel.getByLabel('Username').fill('ann');
    await panel.getByRole('button', { name: 'Add member' }).click();
    await expect
      .poll(() => panel.getByRole('button', { name: 'Remove user ann from sales-team' }).count())
      .toBe(1);

    // Privileges: the connection sales (read) and the tool query_database.
    await openSection(page, 'Admin', 'Privileges');
    await page.getByLabel('Group', { exact: true }).selectOption('sales-team');
    const connForm = page.getByRole('form', { name: 'Grant a connection' });
    await connForm.getByLabel('Connection').selectOption('sales');
    await connForm.getByLabel('Access').selectOption('read');
    await connForm.getByRole('button', { name: 'Grant connection' }).click();
    const granted = page.getByRole('table', { name: 'Privileges of sales-team' });
    await expect.poll(() => granted.getByText('connection sales (read)').count()).toBe(1);
    const itemForm = page.getByRole('form', { name: 'Grant an MCP item' });
    await itemForm.getByLabel('MCP item').selectOption('tool:query_database');
    await itemForm.getByRole('button', { name: 'Grant item' }).click();
    await expect.poll(() => granted.getByText('tool query_database').count()).toBe(1);
    const explain = page.getByRole('form', { name: "Explain a user's access" });
    await explain.getByLabel('Explain the access of user').fill('ann');
    await explain.getByRole('button', { name: 'Explain' }).click();
    const access = page.getByRole('region', { name: 'Access of ann' });
    await expect
      .poll(() => access.getByRole('row').filter({ hasText: 'connection sales' }).textContent())
      .toBe('connection salesreadread: granted by sales-team');

    // ann: only the granted connection; the tab is Account; a token made there works on /mcp/v1.
    const ann = await openPage(browser);
    await logInAs(ann.page, 'ann', ANN_PASSWORD);
    const options = ann.page.locator('.top-bar select').last().locator('option');
    await expect.poll(() => options.allTextContents()).toEqual(['sales']);
    expect(await ann.page.getByRole('button', { name: 'Admin', exact: true }).count()).toBe(0);
    await openSection(ann.page, 'Account', 'Account');
    const tokenForm = ann.page.getByRole('form', { name: 'Create an API token' });
    await tokenForm.getByLabel('Note').fill('e2e laptop');
    await tokenForm.getByRole('button', { name: 'Create token' }).click();
    const secretBox = ann.page.getByLabel('New token');
    await expect.poll(() => secretBox.count()).toBe(1);
    const secret = (await secretBox.textContent())!;
    expect(await listTools(secret)).toContain('query_database');
    await screenshot(ann.page, 'admin-account-token-shown-light');
    await ann.page.getByRole('button', { name: 'Done' }).click();
    expect(await ann.page.getByText(secret).count()).toBe(0);
    await ann.page.getByRole('button', { name: 'Revoke token e2e laptop' }).click();
    await ann.page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => ann.page.getByRole('cell', { name: 'e2e laptop' }).count()).toBe(0);
    await expect(listTools(secret)).rejects.toThrow();

    // Disable ann: a new login is refused.
    await openSection(page, 'Admin', 'Users');
    await page.getByRole('button', { name: 'Disable ann' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Enable ann' }).count()).toBe(1);
    const again = await openPage(browser);
    await logInAs(again.page, 'ann', ANN_PASSWORD);
    await expect.poll(() => again.page.getByRole('alert').count()).toBe(1);
    expect(await again.page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);

    for (const p of [admin, ann, again]) {
      expect(p.problems.errors).toEqual([]);
      expect(p.problems.csp).toEqual([]);
      await p.context.close();
    }
  });

  it('renders each new screen light and dark, on a desktop and at 390 px', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const { context, page, problems } = await openPage(browser, { colorScheme, width });
        await page.goto(server.url);
        await logIn(page);
        for (const section of ['Users', 'Groups', 'Privileges', 'Account']) {
          await openSection(page, 'Admin', section);
          await expect
            .poll(() => page.getByRole('region', { name: new RegExp(`^${section}`) }).count())
            .toBe(1);
          if (section === 'Privileges') {
            await page.getByLabel('Explain the access of user').fill('ann');
            await page.getByRole('button', { name: 'Explain' }).click();
            await expect.poll(() => page.getByRole('region', { name: 'Access of ann' }).count()).toBe(1);
          }
          if (section === 'Groups') await page.getByRole('button', { name: /^sales-team/ }).click();
          await screenshot(page, `admin-${section.toLowerCase()}-${colorScheme}-${width}`);
        }
        expect(problems.errors).toEqual([]);
        await context.close();
      }
    }
  });
});
