import AxeBuilder from '@axe-core/playwright';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import type { RunningServer } from '@pgmcp/server';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, setEditorText, startWebServer } from './harness.js';

// axe-core's WCAG 2.1 A/AA rules over the main screens (login, chat, SQL console with its history
// panel, Monitor with collected charts, admin), light and dark: no serious or critical violation.

const db = useTestDatabase('web-accessibility');
let store: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  store = await createTestDatabase('web-accessibility-metrics');
  server = await startWebServer({
    connections: [{ name: 'demo', url: db.url, is_monitored: true }],
    env: { PGMCP_DATASTORE_URL: store.url },
    // The collector runs when the test asks (below), not on its timers.
    yaml: ['collector:', '  interval_scale: 100'],
  });
  browser = await launchChromium();
  await server.monitoring!.collector!.collectNow('demo');
  await server.monitoring!.collector!.collectNow('demo');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.drop();
});

/** Serious and critical violations on the page as it is now, one line each with where. */
async function violations(page: Page, screen: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${screen}: ${v.id} (${v.impact}) at ${n.target.join(' ')}`));
}

it.each(['light', 'dark'] as const)(
  'finds no serious accessibility violation on the main screens (%s)',
  async (scheme) => {
    const { context, page } = await openPage(browser, { colorScheme: scheme });
    const found: string[] = [];
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    found.push(...(await violations(page, 'login')));
    await logIn(page);
    await page.locator('.chat').waitFor();
    found.push(...(await violations(page, 'chat')));
    await page.locator('.view-tab', { hasText: 'SQL console' }).click();
    await setEditorText(page, 'SELECT 1 AS one');
    // The completion popup is transient (CodeMirror's own listbox); audit the console without it.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('table', { name: 'Query result' }).waitFor();
    await page.getByRole('button', { name: 'History and saved queries' }).click();
    await page.getByRole('list', { name: 'Query history' }).waitFor();
    found.push(...(await violations(page, 'console')));
    await page.locator('.view-tab', { hasText: 'Monitor' }).click();
    await page
      .getByRole('img', { name: /^Transactions/ })
      .locator('canvas')
      .waitFor();
    found.push(...(await violations(page, 'monitor')));
    await page.locator('.view-tab', { hasText: 'Admin' }).click();
    await page.locator('.admin-area').waitFor();
    found.push(...(await violations(page, 'admin')));
    expect(found).toEqual([]);
    await context.close();
  },
);
