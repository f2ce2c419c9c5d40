import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { RunningServer } from '@pgmcp/server';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// The Activity screen in chromium against the real server: an allowed call and a refused attack
// made through MCP with an API token show up, newest first, the refused one with the guard's reason.
const db = useTestDatabase('web-activity');
/** Where the coordinator looks at this branch's screens (besides apps/web/test-artifacts). */
const SCREENS = process.env.PGMCP_SCREENS_DIR;
let server: RunningServer;
let browser: Browser;
let secret: string;

beforeAll(async () => {
  await adminQuery(
    db.url,
    "CREATE TABLE public.orders (id int PRIMARY KEY, customer text); INSERT INTO orders VALUES (1, 'ada'), (2, 'bob')",
  );
  server = await startWebServer({ connections: [{ name: 'shop', url: db.url }] });
  browser = await launchChromium();
  const admin = await server.auth.getUserByUsername('admin');
  secret = (await server.auth.createApiToken(admin.id, { note: 'activity e2e' })).token;
  const client = new Client({ name: 'activity-e2e', version: '2.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${secret}` } },
    }),
  );
  try {
    const ok = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT id, customer FROM public.orders ORDER BY id' },
    });
    expect(ok.isError).toBeFalsy();
    const attack = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 1; DROP TABLE public.orders' },
    });
    expect(attack.isError).toBe(true);
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shot(page: Parameters<typeof screenshot>[0], name: string) {
  const file = await screenshot(page, name);
  if (SCREENS) copyFileSync(file, path.join(SCREENS, `${name}.png`));
}

describe('the Activity screen', () => {
  it('shows the allowed call and the refused attack with its reason; filters by outcome', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    await logIn(page);
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Activity' }).click();
    const records = page.getByRole('list', { name: 'Activity records' }).locator('li');
    const mcpCalls = records.filter({ hasText: 'tool:query_database' });
    await expect.poll(() => mcpCalls.count()).toBe(2);
    // Newest first: the attack, refused with the guard's reason, then the allowed call.
    const refused = mcpCalls.nth(0);
    expect(await refused.getAttribute('data-outcome')).toBe('refused');
    expect(await refused.locator('.activity-reason').textContent()).toMatch(/^Refused: .*one statement/i);
    expect(await refused.locator('.activity-sql').textContent()).toBe('SELECT 1; DROP TABLE public.orders');
    const allowed = mcpCalls.nth(1);
    expect(await allowed.getAttribute('data-outcome')).toBe('ok');
    expect(await allowed.locator('.activity-facts').textContent()).toMatch(
      /^shop · token tok_[\w-]+ · .* · 2 rows · \d+ B · [\d.]+ ms$/,
    );
    // No secret on the page.
    expect(await page.content()).not.toContain(secret);
    await shot(page, 'activity-desktop-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'activity-desktop-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByLabel('Outcome').selectOption('refused');
    await expect.poll(() => records.count()).toBe(1);
    expect(await records.first().getAttribute('data-outcome')).toBe('refused');
    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Connection').fill('nowhere');
    await expect.poll(() => page.getByText('No activity matches.').count()).toBe(1);
    await page.getByLabel('Connection').fill('shop');
    await expect.poll(() => mcpCalls.count()).toBe(2);
    expect(problems.errors).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  });

  it('fits a 390 px phone, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await openPage(browser, { width: 390, height: 844, colorScheme });
      await page.goto(server.url);
      await logIn(page);
      // The view tabs show icons only at this width; Admin is the last.
      await page.locator('.view-switch .view-tab').last().click();
      await page.getByRole('button', { name: 'Activity' }).click();
      await expect.poll(() => page.locator('li[data-outcome="refused"]').count()).toBeGreaterThan(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, `activity-390-${colorScheme}`);
      await context.close();
    }
  });
});
