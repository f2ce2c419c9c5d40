import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningServer } from '@pgmcp/server';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// The Alerts view and the alerting admin screens in chromium against the real server, collector,
// alerter and datastore: an override makes a default rule fire on the next evaluation (run on
// demand), the alert is acknowledged in the page, and its Monitor link shows the charts around it
// with the alert marked. Screenshots light/dark at 1280 and 390 px of each new screen.
const db = useTestDatabase('web-alerts');
const SCREENS = process.env.PGMCP_SCREENS_DIR;
let store: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  store = await createTestDatabase('web-alerts-metrics');
  server = await startWebServer({
    connections: [{ name: 'demo', url: db.url, is_monitored: true }],
    env: { PGMCP_DATASTORE_URL: store.url },
    // The test collects and evaluates on demand; the timers stay out of its way.
    yaml: ['collector:', '  interval_scale: 100', 'alerts:', '  evaluation_interval_s: 3600'],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.drop();
});

/** Fires `connections_near_max` on demo (an override every session crosses) and schedules a blackout. */
async function fireAlert(): Promise<void> {
  const monitoring = server.monitoring!;
  await expect.poll(() => monitoring.collector!.targetIds()).toContain('demo');
  // Any client backend at all (the collector's own session counts) crosses this override at once.
  await monitoring.alerter.setOverride('connections_near_max', 'demo', { threshold: 0, durationS: 0 });
  await monitoring.collector!.collectNow('demo', ['connection_usage']);
  await monitoring.alertSchedule!.tick();
  await monitoring.alerter.createBlackout({
    connectionId: 'demo',
    reason: 'nightly vacuum',
    cron: '0 3 * * *',
    durationS: 1800,
    timeZone: 'Europe/Paris',
    createdBy: 'admin',
  });
}

async function shot(page: Page, name: string) {
  const file = await screenshot(page, name);
  if (SCREENS) {
    mkdirSync(SCREENS, { recursive: true });
    copyFileSync(file, path.join(SCREENS, `${name}.png`));
  }
}

describe('the Alerts view', () => {
  it('acknowledges a firing alert with a note, then opens the Monitor view around it with the alert marked', async () => {
    await fireAlert();
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    await logIn(page);
    await page.getByRole('button', { name: 'Alerts' }).click();
    const table = page.getByRole('table', { name: 'Alerts' });
    const row = table.getByRole('row').filter({ hasText: 'connections_near_max' });
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('dialog').getByLabel(/Note/).fill('load test, expected');
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => row.textContent()).toMatch(/by admin, just now.*“load test, expected”/);

    await row.getByRole('button', { name: 'Monitor' }).click();
    await expect
      .poll(() => page.getByRole('radio', { name: 'Custom' }).getAttribute('aria-checked'))
      .toBe('true');
    const events = page.getByRole('region', { name: 'Alerts and events in this range' });
    await expect
      .poll(() => events.textContent())
      .toMatch(/Alert fired \(warning\).*Alert acknowledged by admin/s);
    expect(problems.errors).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  });

  it('shows the Alerts view and the alert rules, blackouts and channels screens in light and dark, at 1280 and 390 px', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const { context, page, problems } = await openPage(browser, { colorScheme, width, height: 900 });
        await page.goto(server.url);
        await logIn(page);
        await page.getByRole('button', { name: 'Alerts' }).click();
        await page.getByRole('table', { name: 'Alerts' }).waitFor();
        await shot(page, `alerts-${colorScheme}-${width}`);
        await page.getByRole('button', { name: 'Admin' }).click();
        for (const [section, ready] of [
          ['Alert rules', 'Alert rules'],
          ['Blackouts', 'Blackouts'],
          ['Notification channels', 'Add a channel'],
        ] as const) {
          await page
            .getByRole('navigation', { name: 'Admin sections' })
            .getByRole('button', { name: section })
            .click();
          await page
            .getByRole(section === 'Notification channels' ? 'form' : 'table', { name: ready })
            .waitFor();
          await shot(page, `${section.toLowerCase().replace(/ /g, '-')}-${colorScheme}-${width}`);
        }
        expect(problems.errors).toEqual([]);
        await context.close();
      }
    }
  });
});
