import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import {
  type FakeProvider,
  lastToolResult,
  lastUserText,
  startFakeProvider,
  textReply,
  toolCallReply,
} from '@pgmcp/llm-clients/testing';
import type { RunningServer } from '@pgmcp/server';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type pg from 'pg';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  launchChromium,
  logIn,
  openPage,
  type PageProblems,
  PROVIDER_KEY,
  screenshot,
  sessionToken,
  setEditorText,
  startWebServer,
  WEB_DIST,
  WEB_ROOT,
} from './harness.js';

// pgmcp's web client end to end: Debian chromium against the real server (auth on), a real
// PostgreSQL with the demo data, and a fake OpenAI-compatible provider behind the server's LLM proxy.

const db = useTestDatabase('web-e2e');

const query = <T extends pg.QueryResultRow>(sql: string) => adminQuery<T>(db.url, sql);

const REVENUE_SQL =
  "SELECT sum(total_amount) AS revenue FROM sales.orders WHERE status = 'delivered' AND ordered_at >= '2024-01-01T00:00:00Z' AND ordered_at < '2025-01-01T00:00:00Z'";
const INSERT_SQL = "INSERT INTO public.notes (id, note) VALUES (1, 'written from the web client')";

/** The fake model: answers from the question and from the tool results it is shown. */
function respond(fake: FakeProvider): void {
  fake.respond(({ chat }) => {
    const question = lastUserText(chat) ?? '';
    const last = chat.messages.at(-1);
    const answeringTool =
      last !== undefined && Array.isArray(last.content) && last.content.some((b) => b.type === 'tool_result');
    if (answeringTool) {
      const result = lastToolResult(chat)!;
      if (/revenue/i.test(question)) {
        // The rows come fenced as data: the marker line, the header, then the figure.
        const figure = /<untrusted-data-[0-9a-f]+>\n[^\n]*\n([^\n]*)/.exec(result.text)?.[1];
        return textReply(`Delivered orders in 2024 brought in **$${figure}**.`);
      }
      if (/note/i.test(question)) {
        // OpenAI's wire has no error flag on tool results; pgmcp's error texts say what happened.
        const failed = result.is_error || /^Error|declined/.test(result.text);
        return textReply(failed ? `Not added: ${result.text}` : `Added the note: ${result.text}`);
      }
      return textReply('Done.');
    }
    if (/revenue/i.test(question)) {
      return toolCallReply(
        { name: 'query_database', input: { query: REVENUE_SQL } },
        { text: 'Let me add up the orders.' },
      );
    }
    if (/note/i.test(question))
      return toolCallReply({ name: 'query_database', input: { query: INSERT_SQL } });
    if (/slowly/i.test(question)) {
      return textReply('Counting the rows one by one. '.repeat(60), {
        stream: { delayMs: 120, textChunkSize: 4 },
      });
    }
    return textReply(`You asked: ${question.split('\n')[0]}`);
  });
}

/** Everything the bundle, storage and URLs must never contain. */
function secretsIn(text: string, secrets: string[]): string[] {
  const found = secrets.filter((s) => text.includes(s));
  // Shapes of pgmcp API tokens and provider keys, whoever they belong to.
  for (const pattern of [/pgmcp_[A-Za-z0-9_-]{24,}/, /sk-[A-Za-z0-9-]{20,}/]) {
    const match = text.match(pattern);
    if (match) found.push(match[0]);
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** What a tool card shows: its result table's HTML and its row count and timing. */
async function cardLook(call: Locator): Promise<{ table: string; meta: string }> {
  const table = call.getByRole('table', { name: 'Result of query_database' });
  return {
    table: await table.evaluate((element) => element.outerHTML),
    meta: (await call.locator('.tool-meta').textContent()) ?? '',
  };
}

let liveCard: { table: string; meta: string } | undefined;
let fake: FakeProvider;
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;
const visited: string[] = [];
let revenue: string;

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  await query('CREATE TABLE public.notes (id int PRIMARY KEY, note text NOT NULL)');
  [{ revenue }] = (await query<{ revenue: string }>(
    `SELECT sum(total_amount)::text AS revenue FROM sales.orders
      WHERE status = 'delivered' AND extract(year FROM ordered_at AT TIME ZONE 'UTC') = 2024`,
  )) as [{ revenue: string }];
  fake = await startFakeProvider({ provider: 'openai' });
  respond(fake);
  server = await startWebServer({
    connections: [
      { name: 'demo', url: db.url },
      { name: 'rw', url: db.url, allow_writes: true },
    ],
    llmBaseUrl: fake.url,
  });
  browser = await launchChromium();
  ({ context, page, problems } = await openPage(browser));
  page.on('request', (request) => visited.push(request.url()));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

describe('the web client against the real server', () => {
  afterEach(async (test) => {
    // A picture of the page is the fastest way to see why a browser step failed.
    if (test.task.result?.state === 'fail') {
      await screenshot(page, `failed-${test.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
    }
  });

  it('shows the login page, in light and dark', async () => {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.title()).toBe('pgmcp');
    await screenshot(page, 'login-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'login-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('refuses a wrong password with the server’s message', async () => {
    await logIn(page, 'not-the-password');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/password/i);
  });

  it('logs in and answers from the real data, with the tool call, its SQL and the result table', async () => {
    await logIn(page);
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.waitFor();
    await box.fill('How much revenue did delivered orders bring in 2024?');
    await box.press('Enter');

    const answer = page.locator('.msg-assistant', { hasText: 'Delivered orders in 2024' });
    await answer.waitFor();
    expect(await answer.textContent()).toBe(`Delivered orders in 2024 brought in $${revenue}.`);
    expect(await answer.locator('strong').textContent()).toBe(`$${revenue}`);

    const call = page.locator('details.tool-call', { hasText: 'query_database' });
    expect(await call.getAttribute('open')).not.toBeNull();
    expect(await call.locator('.tool-sql').textContent()).toContain("WHERE status = 'delivered'");
    const table = call.getByRole('table', { name: 'Result of query_database' });
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['#', 'revenue']);
    expect(await table.getByRole('cell').nth(1).textContent()).toBe(revenue);
    expect(await call.locator('.tool-status').textContent()).toBe('done');
    expect(await table.getByRole('cell').nth(1).getAttribute('class')).toContain('num');
    liveCard = await cardLook(call);
    expect(liveCard.meta).toMatch(/^1 row( · \d+ ms)?done$/);

    // The model call went through the server's proxy with the server's key; the browser never had it.
    expect(fake.chatRequests[0]!.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(fake.chatRequests[0]!.chat.tools.map((t) => t.name)).toContain('query_database');

    await screenshot(page, 'chat-light');
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await screenshot(page, 'chat-dark');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();

    // "Open in console" on the tool card opens its SQL in a new console tab.
    await call.getByRole('button', { name: 'Open in console' }).click();
    await expect.poll(() => page.getByLabel('SQL statement').textContent()).toBe(REVENUE_SQL);
    expect(await page.getByRole('tab', { name: 'Query 2', selected: true }).count()).toBe(1);
    await page.locator('.view-tab', { hasText: 'Chat' }).click();
  });

  it('shows the stored conversation in the sidebar after a reload, and renames and deletes it', async () => {
    await page.reload();
    const sidebar = page.getByRole('navigation', { name: 'Conversations' });
    const item = sidebar.locator('.conv-item').first();
    await item.waitFor();
    const title = (await item.locator('.conv-title').textContent())!;
    expect(title).toMatch(/revenue/i);
    expect(await item.locator('.conv-preview').textContent()).toContain(
      'How much revenue did delivered orders',
    );
    expect(await item.locator('.conv-time').textContent()).toBe('just now');

    // The reload reopened it (the app remembers the open conversation only in memory, so open it).
    await item.locator('.conv-open').click();
    const table = page.getByRole('table', { name: 'Result of query_database' });
    await table.waitFor();
    expect(await table.getByRole('cell').nth(1).textContent()).toBe(revenue);
    // Exactly as it looked live: the same table (types, alignment, values) and the same row count and timing.
    expect(await cardLook(page.locator('details.tool-call', { hasText: 'query_database' }))).toEqual(
      liveCard,
    );

    await sidebar.getByRole('button', { name: `Rename “${title}”` }).click();
    await sidebar.getByLabel('New title').fill('Revenue 2024 (delivered)');
    await sidebar.getByLabel('New title').press('Enter');
    await sidebar.locator('.conv-title', { hasText: 'Revenue 2024 (delivered)' }).waitFor();
    expect(await page.locator('.chat-title').textContent()).toBe('Revenue 2024 (delivered)');
    const token = await sessionToken(context);
    const listed = (await (
      await fetch(`${server.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { conversations: { title: string }[] };
    expect(listed.conversations.map((c) => c.title)).toEqual(['Revenue 2024 (delivered)']);

    await sidebar.getByRole('button', { name: 'Delete “Revenue 2024 (delivered)”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await sidebar.getByText('Your conversations appear here').waitFor();
    expect(await page.locator('.chat-title').textContent()).toBe('New conversation');
  });

  it('runs SQL in the console without the LLM and pages through a large result', async () => {
    const requestsBefore = fake.chatRequests.length;
    await page.locator('.view-tab', { hasText: 'SQL console' }).click();
    const editor = page.getByLabel('SQL statement');
    await setEditorText(
      page,
      'SELECT order_id, order_number, status, total_amount, ordered_at FROM sales.orders ORDER BY order_id',
    );
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const meta = page.locator('.result-meta');
    await expect.poll(() => meta.textContent()).toMatch(/^100 rows, more available/);
    await page.getByRole('button', { name: 'Next 100 rows' }).click();
    await expect.poll(() => meta.textContent()).toMatch(/^200 rows, more available/);
    await page.getByRole('button', { name: 'Next 100 rows' }).click();
    await expect.poll(() => meta.textContent()).toMatch(/^300 rows, more available/);

    const grid = page.getByRole('table', { name: 'Query result' });
    expect(await grid.getAttribute('aria-rowcount')).toBe('301');
    // Virtualised: far fewer rows in the DOM than in the result.
    expect(await grid.getByRole('row').count()).toBeLessThan(120);
    // The 300th row, scrolled into view, is the database's 300th order.
    await grid.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const [expected] = await query<{ id: string }>(
      'SELECT order_id::text AS id FROM sales.orders ORDER BY order_id OFFSET 299 LIMIT 1',
    );
    const last = grid.locator('[aria-rowindex="301"]');
    await last.waitFor();
    expect(await last.getByRole('cell').nth(1).textContent()).toBe(expected!.id);
    await screenshot(page, 'console-light');
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await screenshot(page, 'console-dark');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();

    // EXPLAIN through execute_explain.
    await setEditorText(page, 'SELECT * FROM sales.order_items WHERE product_id = 42');
    await page.getByRole('button', { name: 'Explain' }).click();
    await page.getByTestId('plan-node').first().waitFor();
    await page.getByRole('button', { name: 'Text plan' }).click();
    expect(await page.locator('.plan').textContent()).toMatch(/Scan/);

    // The schema, from get_schema_info.
    await page.getByRole('tab', { name: 'Table details' }).click();
    await page.getByRole('button', { name: /^sales/ }).click();
    await page.locator('.table-name', { hasText: /^orders/ }).click();
    await page.getByRole('heading', { name: 'sales.orders' }).waitFor();
    expect(await page.locator('.columns-table').textContent()).toContain('total_amount');
    await screenshot(page, 'console-schema-light');
    await page.getByRole('button', { name: /Query this table/ }).click();
    await expect.poll(() => editor.textContent()).toBe('SELECT *FROM sales.orders');

    expect(fake.chatRequests.length).toBe(requestsBefore);
    await page.locator('.view-tab', { hasText: 'Chat' }).click();
  });

  it('asks before a write on a write-enabled connection: declined runs nothing, allowed writes', async () => {
    await page.getByLabel(/Database/).selectOption('rw');
    await page.locator('.status-writes').waitFor();
    expect(await page.locator('.status-writes').textContent()).toContain('Writes are enabled on “rw”');

    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Add a note to the notes table.');
    await box.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Allow this change?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('INSERT INTO public.notes');
    expect(await dialog.textContent()).toContain('rw');
    await screenshot(page, 'confirm-write-light');
    await dialog.getByRole('button', { name: 'Don’t run' }).click();
    await page.locator('.msg-assistant', { hasText: 'Not added' }).waitFor();
    expect(await query('SELECT * FROM public.notes')).toEqual([]);

    await box.fill('Add a note again, I approve this time.');
    await box.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Run it' }).click();
    await page.locator('.msg-assistant', { hasText: 'Added the note' }).waitFor();
    expect(await query('SELECT id, note FROM public.notes')).toEqual([
      { id: 1, note: 'written from the web client' },
    ]);

    await page.getByLabel(/Database/).selectOption('demo');
    await expect.poll(() => page.locator('.status-writes').count()).toBe(0);
  });

  it('really stops an answer: the Stop button aborts the model stream at the provider', async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Count the rows slowly, please.');
    await box.press('Enter');
    await page.locator('.streaming', { hasText: 'Counting the rows' }).waitFor();
    const index = fake.requests.length - 1;
    await page.getByRole('button', { name: /Stop the answer/ }).click();
    await fake.waitForClientClose(index, 10_000);
    await page.locator('.notice', { hasText: /cancel|stopp/i }).waitFor();
    const kept = await page.locator('.msg-assistant').last().textContent();
    expect(kept).toMatch(/^Counting the rows/);
    expect(kept!.length).toBeLessThan('Counting the rows one by one. '.repeat(60).length);
  });

  it('runs an MCP prompt from its form', async () => {
    await page.getByRole('button', { name: 'New chat' }).click();
    await page.getByRole('button', { name: 'Prompts' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /Diagnose a query problem/ }).click();
    await dialog
      .getByLabel(/issue description/)
      .fill('SELECT * FROM sales.order_items WHERE product_id = 42 is slow');
    await dialog.getByRole('button', { name: 'Run in chat' }).click();
    await page
      .locator('.msg-assistant', { hasText: 'You asked: Help me diagnose this query problem:' })
      .waitFor();
    expect(lastUserText(fake.chatRequests.at(-1)!.chat)).toContain('product_id = 42 is slow');
  });

  it('returns to the login when the session ends, keeping the unsent message', async () => {
    const token = await sessionToken(context);
    // The session ends on the server (as on expiry or a logout elsewhere).
    await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('A question I typed before the session expired');
    await box.press('Enter');
    await page.getByText(/your unsent message is kept/).waitFor();
    await logIn(page);
    const restored = page.getByRole('textbox', { name: 'Message' });
    await restored.waitFor();
    expect(await restored.inputValue()).toBe('A question I typed before the session expired');
  });

  it('keeps secrets out of the bundle, storage, cookies readable by script and URLs', async () => {
    const token = await sessionToken(context);
    const secrets = [PROVIDER_KEY, ADMIN_PASSWORD, token];
    for (const file of filesUnder(WEB_DIST)) {
      expect(secretsIn(readFileSync(file, 'utf8'), secrets), file).toEqual([]);
    }
    const storage = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    }));
    expect(secretsIn(storage.local + storage.session + storage.cookie, secrets)).toEqual([]);
    expect(storage.cookie).not.toContain('pgmcp_session');
    expect(secretsIn(visited.join('\n'), secrets)).toEqual([]);
    expect(visited.length).toBeGreaterThan(10);
  });

  it('loads at most 250 kB of gzipped JavaScript before the first screens show', () => {
    const report = JSON.parse(
      execFileSync(process.execPath, [path.join(WEB_ROOT, 'scripts', 'bundle-size.mjs'), '--json'], {
        encoding: 'utf8',
      }),
    ) as { login_page_js_gzip_kb: number; signed_in_js_gzip_kb: number };
    console.log(
      `initial JavaScript (gzip): login page ${report.login_page_js_gzip_kb} kB, signed in ${report.signed_in_js_gzip_kb} kB`,
    );
    expect(report.login_page_js_gzip_kb).toBeLessThan(report.signed_in_js_gzip_kb);
    expect(report.signed_in_js_gzip_kb).toBeLessThanOrEqual(250);
  });

  it('keeps a 1,000-message conversation light: only the visible rows are in the page', async () => {
    const token = await sessionToken(context);
    const messages = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0
        ? { role: 'user', content: `Question ${i / 2 + 1}: how many orders on day ${i / 2 + 1}?` }
        : {
            role: 'assistant',
            content: `On day ${(i + 1) / 2} there were **${(i * 7) % 97}** orders.\n\n- one\n- two`,
          },
    );
    const created = (await (
      await fetch(`${server.url}/api/v1/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'A thousand messages', messages }),
      })
    ).json()) as { id: string };
    expect(created.id).toBeTruthy();
    await page.reload();
    await page.locator('.conv-open', { hasText: 'A thousand messages' }).click();
    await page.locator('.msg-assistant', { hasText: 'On day 500 there were' }).waitFor();
    const rendered = await page.locator('.vlist-item').count();
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(80);

    // Scroll from the bottom to the top while counting frames (printed, not asserted: benchmarks are not tests).
    const frames = await page.locator('.message-list').evaluate(async (el) => {
      const gaps: number[] = [];
      let last = performance.now();
      let done = false;
      const tick = (now: number) => {
        gaps.push(now - last);
        last = now;
        if (!done) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      // Like a fast mouse wheel: 120 px per frame for two seconds, then a jump to the top.
      for (let step = 0; step < 120; step++) {
        el.scrollTop = Math.max(0, el.scrollTop - 120);
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      el.scrollTop = 0;
      await new Promise((resolve) => setTimeout(resolve, 300));
      done = true;
      return gaps.sort((a, b) => a - b);
    });
    const p95 = frames[Math.floor(frames.length * 0.95)]!;
    const median = frames[Math.floor(frames.length / 2)]!;
    console.log(
      `1,000-message conversation: ${frames.length} frames while scrolling, median frame gap ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
    await page.locator('.msg-user', { hasText: 'Question 1: how many orders on day 1?' }).waitFor();
    expect(await page.locator('.vlist-item').count()).toBeLessThan(80);
  });

  it('fits a narrow window', async () => {
    const narrow = await openPage(browser, { width: 390, height: 800 });
    await narrow.page.goto(server.url);
    await logIn(narrow.page);
    await narrow.page.getByRole('textbox', { name: 'Message' }).waitFor();
    const overflow = await narrow.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(narrow.page, 'chat-narrow-light');
    await narrow.page.getByRole('button', { name: 'Show conversations' }).click();
    await narrow.page.getByRole('button', { name: 'New chat' }).waitFor();
    await screenshot(narrow.page, 'sidebar-narrow-light');
    expect(narrow.problems).toEqual({ csp: [], errors: [] });
    await narrow.context.close();
  });

  it('logs out: the session is gone on the server too', async () => {
    const token = await sessionToken(context);
    await page.getByRole('button', { name: /log out/i }).click();
    await page.getByText('You are signed out.').waitFor();
    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
  });

  it('broke no Content-Security-Policy rule and threw no error on the way', () => {
    expect(problems).toEqual({ csp: [], errors: [] });
  });
});

describe('a server without an LLM provider', () => {
  let bare: RunningServer;
  beforeAll(async () => {
    bare = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('says in the chat exactly which variables to set, and the SQL console still works', async () => {
    const { context: ctx, page: p, problems: issues } = await openPage(browser);
    await p.goto(bare.url);
    await logIn(p);
    await p.locator('.chat').waitFor();
    const token = await sessionToken(ctx);
    // No provider is an expected state: 200 with what to set, not an error.
    const answer = (await (
      await fetch(`${bare.url}/api/v1/llm/providers`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { providers: unknown[]; not_configured: string };
    expect(answer.providers).toEqual([]);
    const shown = p.locator('.llm-missing p').first();
    await shown.waitFor();
    expect(await shown.textContent()).toBe(answer.not_configured);
    expect(answer.not_configured).toMatch(/ANTHROPIC_API_KEY.*OPENAI_API_KEY.*OLLAMA_HOST/s);
    expect(await p.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    await screenshot(p, 'chat-no-llm-light');

    await p.locator('.view-tab', { hasText: 'SQL console' }).click();
    await p.locator('.cm-content').waitFor();
    await setEditorText(p, 'SELECT count(*) AS customers FROM sales.customers');
    await p.getByRole('button', { name: 'Run', exact: true }).click();
    const [{ n }] = (await query<{ n: string }>('SELECT count(*)::text AS n FROM sales.customers')) as [
      { n: string },
    ];
    const cell = p.getByRole('table', { name: 'Query result' }).getByRole('cell').nth(1);
    await expect.poll(() => cell.textContent()).toBe(n);
    expect(issues).toEqual({ csp: [], errors: [] });
    await ctx.close();
  });
});
