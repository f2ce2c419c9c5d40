import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import type { RunningServer } from '@pgmcp/server';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  editorLines,
  launchChromium,
  openPage,
  setEditorText,
  startWebServer,
} from './harness.js';

// The SQL console's history and saved queries end to end: runs are recorded on the server, found
// again by search and re-run; a query shared with a group shows up for another member, who may run
// it but not delete it.

const db = useTestDatabase('web-query-library');
/** Screenshots for the reviewer (the coordinator's notes), beside the usual test artifacts. */
const SCREENS = process.env.PGMCP_SCREENS_DIR ?? '/work/notes/screens/console-history';

let server: RunningServer;
let browser: Browser;

async function rest(method: string, route: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(server.url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.view-tab', { hasText: 'SQL console' }).click();
  await page.locator('.cm-content').waitFor();
}

async function shoot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  // Fonts loaded and the theme's colour transitions ended, so the picture shows the settled screen.
  await page.evaluate(async () => {
    await document.fonts.ready;
    await Promise.all(document.getAnimations().map((animation) => animation.finished));
  });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`) });
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  server = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  const admin = (
    await rest('POST', '/api/v1/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD })
  ).token as string;
  const group = await rest('POST', '/api/v1/groups', admin, { name: 'analysts' });
  for (const privilege of [
    { type: 'connection', name: 'demo', access: 'read' },
    { type: 'mcp_item', kind: 'tool', name: 'query_database' },
  ]) {
    await rest('POST', '/api/v1/privileges', admin, { group: 'analysts', privilege });
  }
  for (const username of ['alice', 'bob']) {
    await rest('POST', '/api/v1/users', admin, { username, password: `${username} has a long password` });
    await rest('POST', `/api/v1/groups/${group.id as string}/members`, admin, { username });
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('records each run in the history, finds it again and re-runs it; a query shared with the group reaches another member', async () => {
  const { context, page, problems } = await openPage(browser);
  await signIn(page, 'admin', ADMIN_PASSWORD);
  const meta = page.locator('.result-meta');
  await setEditorText(page, 'SELECT count(*) AS customers FROM sales.customers');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => meta.textContent()).toMatch(/^1 rows/);
  await setEditorText(page, 'SELECT nope FROM sales.orders');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('.console-output [role=alert]').waitFor();

  await page.getByRole('button', { name: 'History and saved queries' }).click();
  const history = page.getByRole('list', { name: 'Query history' });
  await expect.poll(() => history.getByRole('listitem').count()).toBe(2);
  expect(await history.getByRole('listitem').first().textContent()).toMatch(/SELECT nope.*error/s);
  await page.getByRole('searchbox', { name: 'Search history' }).fill('customers');
  await expect.poll(() => history.getByRole('listitem').count()).toBe(1);
  const [{ n }] = (await adminQuery<{ n: string }>(
    db.url,
    'SELECT count(*)::text AS n FROM sales.customers',
  )) as [{ n: string }];
  expect(await history.getByRole('listitem').textContent()).toMatch(/ok.*demo.*1 row(?!s)/s);

  // Open loads the editor; Run loads and runs it (and is recorded again).
  await setEditorText(page, '');
  await history.getByTitle('Open in the editor').click();
  await expect.poll(() => editorLines(page)).toEqual(['SELECT count(*) AS customers FROM sales.customers']);
  await setEditorText(page, 'SELECT 1');
  await history.getByRole('button', { name: /Run/ }).click();
  await expect.poll(() => editorLines(page)).toEqual(['SELECT count(*) AS customers FROM sales.customers']);
  const cell = page.getByRole('table', { name: 'Query result' }).getByRole('cell').nth(1);
  await expect.poll(() => cell.textContent()).toBe(n);
  await expect.poll(() => history.getByRole('listitem').count()).toBe(2);
  await shoot(page, 'history-desktop-light');

  // Saved in the browser: stored on the server, for the admin only (the admin is in no group).
  await page.getByRole('tab', { name: 'Saved' }).click();
  await page.getByRole('textbox', { name: 'Name of the saved query' }).fill('Customer count');
  await page.getByRole('button', { name: 'Save current SQL' }).click();
  await page.getByRole('list', { name: 'Saved queries' }).getByText('Customer count').waitFor();
  await context.close();

  // alice shares one with analysts; bob (in analysts) sees it, runs it, cannot delete it.
  const alice = await openPage(browser);
  await signIn(alice.page, 'alice', 'alice has a long password');
  await setEditorText(alice.page, 'SELECT status, count(*) FROM sales.orders GROUP BY status');
  await alice.page.getByRole('button', { name: 'History and saved queries' }).click();
  await alice.page.getByRole('tab', { name: 'Saved' }).click();
  await alice.page.getByRole('textbox', { name: 'Name of the saved query' }).fill('Orders by status');
  await alice.page.getByRole('combobox', { name: /share with/ }).selectOption('analysts');
  await alice.page.getByRole('button', { name: 'Save current SQL' }).click();
  await alice.page.getByText('shared with analysts').waitFor();
  await shoot(alice.page, 'saved-desktop-light');
  await alice.page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await shoot(alice.page, 'saved-desktop-dark');
  await alice.page.getByRole('tab', { name: 'History' }).click();
  await shoot(alice.page, 'history-desktop-dark');
  expect(alice.problems).toEqual({ csp: [], errors: [] });
  await alice.context.close();

  const bob = await openPage(browser, { width: 390, height: 844 });
  await signIn(bob.page, 'bob', 'bob has a long password');
  await bob.page.getByRole('button', { name: 'History and saved queries' }).click();
  await bob.page.getByRole('tab', { name: 'Saved' }).click();
  const saved = bob.page.getByRole('list', { name: 'Saved queries' });
  const item = saved.getByRole('listitem');
  await expect.poll(() => item.count()).toBe(1);
  expect(await item.textContent()).toMatch(/Orders by status.*shared with analysts.*by alice/s);
  expect(await item.getByRole('button', { name: /Delete/ }).count()).toBe(0);
  // The admin's private query is not among them.
  expect(await saved.getByText('Customer count').count()).toBe(0);
  await item.getByRole('button', { name: /Run/ }).click();
  await expect.poll(() => bob.page.locator('.result-meta').textContent()).toMatch(/^\d+ rows/);
  await bob.page.locator('.query-library').scrollIntoViewIfNeeded();
  await shoot(bob.page, 'saved-390-light');
  await bob.page.getByRole('tab', { name: 'History' }).click();
  await bob.page.getByRole('list', { name: 'Query history' }).waitFor();
  await shoot(bob.page, 'history-390-light');
  await bob.page.getByRole('button', { name: 'Switch to the dark theme' }).click();
  await shoot(bob.page, 'history-390-dark');
  await bob.page.getByRole('tab', { name: 'Saved' }).click();
  await saved.waitFor();
  await shoot(bob.page, 'saved-390-dark');
  expect(bob.problems).toEqual({ csp: [], errors: [] });
  expect(problems).toEqual({ csp: [], errors: [] });
  await bob.context.close();
});
