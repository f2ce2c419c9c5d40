import { seedDemoDatabase } from '@pgmcp/demo-data';
import type { RunningServer } from '@pgmcp/server';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, launchChromium, logIn, openPage, startWebServer } from './harness.js';

// The first hour on a server without an LLM provider, as issue 22 found it: each check here failed
// on the behaviour before the fix (401 and 503 in the console, "Run in chat" sending anyway,
// nameless icon tabs, a drawer Esc did not close, "Tokens", tools/list in a refusal).

const db = useTestDatabase('web-first-hour');
let server: RunningServer;
let browser: Browser;

/** Every console error and every failed answer the page sees. */
function watch(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') seen.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) seen.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return seen;
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  server = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('loads the login page and the workspace without an LLM provider with no error in the console', async () => {
  const { context, page, problems } = await openPage(browser);
  const seen = watch(page);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  expect(seen).toEqual([]);
  await logIn(page);
  await page.locator('.llm-missing').waitFor();
  await page.getByRole('button', { name: 'Prompts' }).waitFor();
  // A reload with the session: straight to the workspace, still quiet.
  await page.reload();
  await page.locator('.llm-missing').waitFor();
  expect(seen).toEqual([]);
  expect(problems).toEqual({ csp: [], errors: [] });
  await context.close();
});

it('keeps Prompts → "Run in chat" off with the reason, and names LLM usage "Usage"', async () => {
  const { context, page } = await openPage(browser);
  await page.goto(server.url);
  await logIn(page);
  await page.getByRole('button', { name: 'Usage' }).waitFor();
  expect(await page.getByRole('button', { name: 'Tokens' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Prompts' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /Diagnose a query problem/ })
    .click();
  const runInChat = page.getByRole('button', { name: 'Run in chat' });
  expect(await runInChat.isDisabled()).toBe(true);
  const reason = await page.locator(`#${await runInChat.getAttribute('aria-describedby')}`).textContent();
  expect(reason).toMatch(/cannot run prompts now: .*ANTHROPIC_API_KEY/s);
  await context.close();
});

it('names the icon-only view tabs at 390 px and closes the conversations drawer with Esc', async () => {
  const { context, page } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(server.url);
  await logIn(page);
  for (const name of ['Chat', 'SQL console', 'Admin']) {
    const tab = page.locator('.view-switch').getByRole('button', { name, exact: true });
    await tab.waitFor();
    expect(await tab.isVisible(), name).toBe(true);
  }
  await page.getByRole('button', { name: 'Show conversations' }).click();
  await page.locator('.workspace.sidebar-open').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('.workspace.sidebar-open').waitFor({ state: 'detached' });
  expect(await page.getByRole('button', { name: 'Show conversations' }).getAttribute('aria-expanded')).toBe(
    'false',
  );
  await context.close();
});

it('tells a user refused a tool what to do without MCP method names', async () => {
  const admin = (await (
    await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
  ).json()) as { token: string };
  const created = await fetch(`${server.url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
    body: JSON.stringify({ username: 'viewer', password: 'viewer has a long password' }),
  });
  expect(created.status).toBe(201);
  const { context, page } = await openPage(browser);
  await page.goto(server.url);
  await page.getByLabel('Username').fill('viewer');
  await page.getByLabel('Password').fill('viewer has a long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.view-tab', { hasText: 'SQL console' }).click();
  await page.getByLabel('SQL statement').fill('SELECT 1');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const refusal = page.locator('.console-output [role=alert]');
  await refusal.waitFor();
  const text = (await refusal.textContent()) ?? '';
  expect(text).toMatch(/not allowed to use the tool "query_database"/);
  expect(text).not.toMatch(/tools\/list/);
  await context.close();
});
