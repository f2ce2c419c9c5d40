import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import type { RunningServer } from '@pgmcp/server';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  openPage,
  type PageProblems,
  screenshot,
  setEditorText,
  startWebServer,
} from './harness.js';

// The SQL workbench end to end: chromium against the real server and a real PostgreSQL with the
// demo data; no LLM is configured (the console needs none).

const db = useTestDatabase('workbench-e2e');
const query = <T extends pg.QueryResultRow>(sql: string) => adminQuery<T>(db.url, sql);

/** Screens also go to PGMCP_SCREENS_DIR when it is set (the notes of a change). */
async function shot(page: Page, name: string): Promise<void> {
  const file = await screenshot(page, `workbench-${name}`);
  const dir = process.env.PGMCP_SCREENS_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`) });
  }
  expect(file).toMatch(/\.png$/);
}

/** Parses RFC 4180 CSV (quoted fields with "" escapes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted) {
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') field += c;
  }
  return rows;
}

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

const editor = () => page.locator('.cm-content');
const grid = () => page.getByRole('table', { name: 'Query result' });

/** Replaces the editor's text (CodeMirror), with the cursor at the end. */
const setSql = (sql: string) => setEditorText(page, sql);

async function headers(): Promise<string[]> {
  await grid().waitFor();
  return (await grid().getByRole('columnheader').allTextContents()).map((t) => t.replace(/[▲▼]/g, '').trim());
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  server = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  browser = await launchChromium();
  ({ context, page, problems } = await openPage(browser));
  await page.goto(server.url);
  await logIn(page);
  await page.locator('.view-tab', { hasText: 'SQL console' }).click();
  await editor().waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the SQL workbench', () => {
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail')
      await screenshot(page, `workbench-failed-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  });

  it('completes a table name from the connection’s schema', async () => {
    await setSql('SELECT * FROM sales.ord');
    await page.keyboard.press('Control+Space');
    const options = page.locator('.cm-tooltip-autocomplete li');
    await expect.poll(() => options.allTextContents(), { timeout: 20_000 }).toContain('orders');
    await page.keyboard.press('Escape');
  });

  it('runs the statement under the cursor, or only the selection', async () => {
    await setSql('SELECT 1 AS first_one;\nSELECT 2 AS second_one');
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(headers).toEqual(['#', 'first_one']);
    // Select the second line's expression list only: "2 AS second_one" is not a statement, so
    // select the whole second line.
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(headers).toEqual(['#', 'second_one']);
  });

  it('keeps tabs, their names and SQL across a reload', async () => {
    await page.getByRole('button', { name: 'New tab' }).click();
    await setSql('SELECT 42 AS answer');
    await page.getByRole('button', { name: 'Rename Query 2' }).click();
    await page.getByLabel('Tab name').fill('Answer');
    await page.getByLabel('Tab name').press('Enter');
    await page.reload();
    await page.locator('.view-tab', { hasText: 'SQL console' }).click();
    const tab = page.getByRole('tab', { name: 'Answer' });
    await tab.waitFor();
    expect(await tab.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => editor().textContent()).toBe('SELECT 42 AS answer');
    await page.getByRole('tab', { name: 'Query 1' }).click();
    await expect.poll(() => editor().textContent()).toContain('SELECT 2 AS second_one');
    await page.getByRole('tab', { name: 'Answer' }).click();
  });

  it('exports every page as CSV, equal to a direct query, and times 1,000 rows and 10,000-row export', async () => {
    const sql =
      'SELECT order_id, order_number, status, total_amount, ordered_at FROM sales.orders ORDER BY order_id';
    await setSql(sql);
    await page.getByLabel('rows per page').selectOption('1000');
    const started = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await grid().locator('[aria-rowindex="2"]').waitFor();
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('1001');
    const rendered = await page.evaluate(() => performance.now());

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).click(),
    ]);
    const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
    const expected = await query<Record<string, string>>(
      'SELECT o.order_id::text, o.order_number, o.status, o.total_amount::text, o.ordered_at::text FROM sales.orders o ORDER BY o.order_id',
    );
    expect(csv[0]).toEqual(['order_id', 'order_number', 'status', 'total_amount', 'ordered_at']);
    expect(csv.length - 1).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(1000);
    const want = expected.map((r) => [r.order_id, r.order_number, r.status, r.total_amount, r.ordered_at]);
    // The first differing row, not a diff of 40,000 rows.
    const differs = csv.slice(1).findIndex((row, i) => row.join('\u0001') !== want[i]!.join('\u0001'));
    expect(differs === -1 ? undefined : { got: csv[differs + 1], want: want[differs] }).toBeUndefined();
    // Numeric scale kept on screen too (total_amount is numeric(12,2)).
    const firstTotal = await grid().locator('[aria-rowindex="2"]').getByRole('cell').nth(4).textContent();
    expect(firstTotal).toBe(expected[0]!.total_amount);

    await setSql('SELECT g AS n, md5(g::text) AS hash FROM generate_series(1, 10000) AS g');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('1001');
    const exportStart = await page.evaluate(() => performance.now());
    const [big] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'JSON' }).click(),
    ]);
    const rows = JSON.parse(readFileSync(await big.path(), 'utf8')) as { n: number }[];
    const exportEnd = await page.evaluate(() => performance.now());
    expect(rows).toHaveLength(10_000);
    expect(rows[9999]!.n).toBe(10_000);
    console.log(
      `workbench timings: 1,000-row result → rendered ${Math.round(rendered - started)} ms; ` +
        `export of 10,000 rows (10 pages) → downloaded ${Math.round(exportEnd - exportStart)} ms`,
    );
  });

  it('sorts by a column and copies a cell', async () => {
    await setSql('SELECT * FROM (VALUES (2, 10.50), (1, 166.00), (3, 9.99)) AS t(id, price)');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('4');
    await grid().getByRole('button', { name: 'price' }).click();
    const column = () =>
      grid().locator('.grid-row:not(.grid-head) .grid-cell:nth-child(3)').allTextContents();
    await expect.poll(column).toEqual(['9.99', '10.50', '166.00']);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await grid().getByRole('cell', { name: '166.00' }).click();
    await page.getByRole('button', { name: 'Copy cell' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('166.00');
  });

  it('draws a chart from a result in two clicks', async () => {
    await setSql('SELECT status, count(*) AS orders FROM sales.orders GROUP BY status ORDER BY status');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await grid().waitFor();
    await page.getByRole('button', { name: 'Chart' }).click();
    const chart = page.locator('.chart-canvas');
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('data-series')).toBe('1');
    expect(await chart.locator('.u-legend').textContent()).toContain('orders');
    await page.getByRole('radio', { name: 'Line' }).click();
    expect(await chart.getAttribute('data-chart-kind')).toBe('line');
    await shot(page, 'chart-desktop-light');
  });

  it('shows EXPLAIN as a plan tree with the text plan a click away', async () => {
    await setSql(
      'SELECT o.status, sum(i.quantity) FROM sales.orders o JOIN sales.order_items i USING (order_id) GROUP BY 1',
    );
    await page.getByRole('button', { name: 'Explain' }).click();
    const nodes = page.getByTestId('plan-node');
    await nodes.first().waitFor();
    expect(await nodes.count()).toBeGreaterThan(2);
    expect(await page.locator('.plan-tree').textContent()).toMatch(
      /Aggregate[\s\S]*Join[\s\S]*Scan on sales\.order/,
    );
    expect(await page.locator('.plan-figures').first().textContent()).toMatch(/cost.*rows est.*actual.*time/);
    await shot(page, 'plan-desktop-light');
    await page.getByRole('button', { name: 'Text plan' }).click();
    expect(await page.locator('pre.plan').textContent()).toMatch(/Scan/);
  });

  it('searches the schema panel and runs the first 100 rows of a table in a new tab', async () => {
    await page.getByLabel('Search tables and columns').fill('order_it');
    await page.getByRole('button', { name: 'SELECT first 100 rows of sales.order_items' }).click();
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('101');
    await expect.poll(() => editor().textContent()).toBe('SELECT *FROM sales.order_itemsLIMIT 100');
    await shot(page, 'workbench-desktop-light');
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await shot(page, 'workbench-desktop-dark');
    await page.getByRole('button', { name: 'Chart' }).click();
    await page.locator('.chart-canvas canvas').waitFor();
    await shot(page, 'chart-desktop-dark');
    await page.getByRole('button', { name: 'Hide chart' }).click();
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByTestId('plan-node').first().waitFor();
    await shot(page, 'plan-desktop-dark');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
    expect(problems.errors).toEqual([]);
    expect(problems.csp).toEqual([]);
  });

  it('fits a 390 px screen, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const small = await openPage(browser, { width: 390, height: 844, colorScheme });
      await small.page.goto(server.url);
      await logIn(small.page);
      await small.page.locator('.view-tab').nth(1).click();
      await small.page.locator('.cm-content').waitFor();
      await small.page.locator('.cm-content').click();
      await small.page.keyboard.insertText('SELECT status, count(*) AS orders FROM sales.orders GROUP BY 1');
      await small.page.getByRole('button', { name: 'Run', exact: true }).click();
      await small.page.getByRole('table', { name: 'Query result' }).waitFor();
      await small.page.locator('.result-panel').scrollIntoViewIfNeeded();
      await shot(small.page, `workbench-390-${colorScheme}`);
      await small.page.getByRole('button', { name: 'Chart' }).click();
      await small.page.locator('.chart-canvas canvas').waitFor();
      await small.page.locator('.chart-slot').scrollIntoViewIfNeeded();
      await shot(small.page, `chart-390-${colorScheme}`);
      await small.page.getByRole('button', { name: 'Explain' }).click();
      await small.page.getByTestId('plan-node').first().waitFor();
      await small.page.locator('.plan-view').scrollIntoViewIfNeeded();
      await shot(small.page, `plan-390-${colorScheme}`);
      expect(small.problems).toEqual({ csp: [], errors: [] });
      await small.context.close();
    }
  });
});
