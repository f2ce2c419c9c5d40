import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RunningServer } from '@pgmcp/server';
import {
  adminQuery,
  createTestDatabase,
  type TestDatabase,
  useTestDatabase,
} from '@pgmcp/vitest-config/postgres';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// The Monitor view in chromium against the real server, collector and datastore: the monitored
// database is driven with real statements, the collector runs on demand (its timers are scaled out
// of the way), and the view shows what was collected. Screenshots light/dark at 1280 and 390 px.
const db = useTestDatabase('web-monitor');
/** Where the coordinator looks at this branch's screens (besides apps/web/test-artifacts). */
const SCREENS = process.env.PGMCP_SCREENS_DIR;
let store: TestDatabase;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  store = await createTestDatabase('web-monitor-metrics');
  await adminQuery(db.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await adminQuery(
    db.url,
    'CREATE TABLE public.monitor_orders AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 20000) g',
  );
  server = await startWebServer({
    connections: [{ name: 'demo', url: db.url, is_monitored: true }],
    env: { PGMCP_DATASTORE_URL: store.url },
    yaml: ['collector:', '  interval_scale: 100'],
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.drop();
});

/** Runs `n` lookups and one insert on a session of its own, then disconnects (flushing its statistics). */
async function drive(n: number): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  for (let i = 0; i < n; i++)
    await client.query('SELECT note FROM public.monitor_orders WHERE id = $1', [i + 1]);
  await client.query("INSERT INTO public.monitor_orders VALUES (0, 'driven')");
  await client.end();
}

async function shot(page: Page, name: string) {
  const file = await screenshot(page, name);
  if (SCREENS) {
    mkdirSync(SCREENS, { recursive: true });
    copyFileSync(file, path.join(SCREENS, `${name}.png`));
  }
}

/**
 * An hour of history as the collector writes it (one sample a minute, rates per second) with ten
 * minutes missing, so the screenshots show full charts and a gap. Written through the datastore.
 */
async function seedHistory(): Promise<void> {
  const datastore = server.monitoring!.datastore;
  const now = Date.now();
  const samples = [];
  for (let m = 60; m >= 2; m--) {
    if (m > 25 && m <= 35) continue;
    const time = new Date(now - m * 60_000);
    const wave = 1 + 0.5 * Math.sin(m / 6);
    const at = { connectionId: 'demo', time, intervalS: 60 };
    samples.push(
      {
        ...at,
        probe: 'database_stats',
        dims: { database_name: db.name },
        values: {
          xact_commit: 40 * wave,
          xact_rollback: 0.4 * wave,
          blks_hit: 5000 * wave,
          blks_read: 60 / wave,
          tup_fetched: 900 * wave,
          tup_returned: 2600 * wave,
          tup_inserted: 30 * wave,
          tup_updated: 12 * wave,
          tup_deleted: 2,
        },
      },
      ...['active', 'idle', 'idle in transaction'].map((state, i) => ({
        ...at,
        probe: 'activity_by_state',
        dims: { database_name: db.name, object_name: state },
        values: { sessions: Math.round([3, 12, 1][i]! * wave) },
      })),
      { ...at, probe: 'wal', values: { wal_bytes: 180_000 * wave, wal_records: 900 * wave } },
      {
        ...at,
        probe: 'checkpointer',
        values: { checkpoints_timed: 1 / 300, checkpoints_requested: m % 20 === 0 ? 1 / 60 : 0 },
      },
      {
        ...at,
        probe: 'database_sizes',
        dims: { database_name: db.name },
        values: { size_bytes: 48_000_000 + (60 - m) * 120_000 },
      },
      {
        ...at,
        probe: 'blocking',
        values: { blocked_sessions: m % 9 === 0 ? 2 : 0, blocking_sessions: m % 9 === 0 ? 1 : 0 },
      },
      ...['ClientRead', 'WALWrite', 'transactionid'].map((event, i) => ({
        ...at,
        probe: 'activity_by_wait_event',
        dims: { database_name: db.name, object_name: event },
        values: { sessions: Math.max(0, Math.round([2, 1, 0.6][i]! * wave)) },
      })),
    );
  }
  await datastore.insertSamples(samples);
}

describe('the Monitor view', () => {
  it('shows what the collector collected from the monitored database, with its status, top queries and largest tables', async () => {
    const collector = server.monitoring!.collector!;
    await expect.poll(() => collector.targetIds()).toContain('demo');
    await collector.collectNow('demo');

    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    await logIn(page);
    await page.getByRole('button', { name: 'Monitor' }).click();
    // Before a second snapshot there is no rate yet: the chart says so, its legend comes with data.
    await page.getByRole('figure', { name: 'Transactions' }).waitFor();
    const transactions = page.getByRole('list', { name: 'Transactions legend' });

    // Each round drives the database, then collects: a statement's rate needs a snapshot before and
    // after it ran, and a session's counters reach pg_stat_database when it disconnects.
    const top = page.getByRole('region', { name: 'Top queries by total time' });
    const driven = top.getByText('SELECT note FROM public.monitor_orders WHERE id = $1');
    await expect
      .poll(
        async () => {
          await drive(100);
          await collector.collectNow('demo');
          await page.getByRole('button', { name: 'Refresh' }).click();
          await page.locator('.monitor[aria-busy="false"]').waitFor();
          return { transactions: (await transactions.allTextContents()).join(''), top: await driven.count() };
        },
        { timeout: 60_000 },
      )
      .toEqual({ transactions: expect.stringMatching(/commits (?!0\/s)\d[\d.,k]*\/s/), top: 1 });

    await expect.poll(() => page.getByText(/^Collection: ok, last collected/).count()).toBe(1);
    const tables = page.getByRole('region', { name: 'Largest tables' });
    await expect.poll(() => tables.getByText('public.monitor_orders').count()).toBe(1);
    // No replica streams from the test server: the chart says so rather than drawing nothing.
    await expect
      .poll(() => page.getByRole('figure', { name: 'Replication lag' }).textContent())
      .toMatch(/No replicas are streaming/);
    expect(problems.errors).toEqual([]);
    expect(problems.csp).toEqual([]);
    await context.close();
  });

  it('draws an hour of history readable in light and dark, stacked at 390 px', async () => {
    await seedHistory();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const { context, page, problems } = await openPage(browser, { colorScheme, width, height: 900 });
        await page.goto(server.url);
        await logIn(page);
        await page.getByRole('button', { name: 'Monitor' }).click();
        const plot = page.getByRole('img', { name: /^Transactions \(transactions\/s\)/ });
        await plot.locator('canvas').waitFor();
        // 49 minutes of samples, and the ten missing minutes drawn as a gap.
        await expect
          .poll(async () => Number(await plot.getAttribute('data-points')))
          .toBeGreaterThanOrEqual(49);
        expect(Number(await plot.getAttribute('data-gaps'))).toBeGreaterThanOrEqual(1);
        await expect.poll(() => page.locator('.metric-plot canvas').count()).toBeGreaterThanOrEqual(8);
        if (width === 390) {
          const boxes = await page
            .locator('.metric-chart')
            .evaluateAll((els) => els.slice(0, 2).map((el) => el.getBoundingClientRect().left));
          expect(boxes[0]).toBe(boxes[1]);
        }
        // The cursor on the first chart: its legend shows the time and the values under it.
        await plot.hover({ position: { x: width === 390 ? 120 : 200, y: 60 } });
        await expect
          .poll(() => page.getByRole('list', { name: 'Transactions legend' }).textContent())
          .not.toMatch(/^latest/);
        await shot(page, `monitor-${colorScheme}-${width}`);
        await page.getByRole('figure', { name: 'Database size' }).scrollIntoViewIfNeeded();
        await shot(page, `monitor-${colorScheme}-${width}-more`);
        await page.getByRole('region', { name: 'Top queries by total time' }).scrollIntoViewIfNeeded();
        await shot(page, `monitor-${colorScheme}-${width}-tables`);
        if (width === 1280) {
          // The theme toggle redraws the charts with the other theme's colours (--muted of theme.css).
          const muted = { light: 'rgb(93, 104, 118)', dark: 'rgb(154, 164, 178)' };
          expect(await plot.getAttribute('data-axis-color')).toBe(muted[colorScheme]);
          await page.getByRole('button', { name: /^Switch to the (light|dark) theme$/ }).click();
          await expect
            .poll(() => plot.getAttribute('data-axis-color'))
            .toBe(muted[colorScheme === 'light' ? 'dark' : 'light']);
        }
        expect(problems.errors).toEqual([]);
        expect(problems.csp).toEqual([]);
        await context.close();
      }
    }
  });
});
