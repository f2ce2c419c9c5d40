import { randomBytes } from 'node:crypto';
import type { RunningServer } from '@pgmcp/server';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, openPage, screenshot, startWebServer } from './harness.js';

// The Connections admin screen in chromium against the real server: add a connection with Test,
// grant it to a group, and that group's member sees only the granted connection.
const db = useTestDatabase('web-connections');
const ROLE = `web_role_${randomBytes(3).toString('hex')}`;
const SECRET = `Web-pw-${randomBytes(6).toString('hex')}`;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await adminQuery(db.url, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRET}'`);
  await adminQuery(db.url, `GRANT CONNECT ON DATABASE "${db.name}" TO ${ROLE}`);
  server = await startWebServer({ connections: [{ name: 'demo', url: db.url }] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await db.drop();
  await adminQuery(db.adminUrl, `DROP ROLE IF EXISTS ${ROLE}`);
});

describe('the Connections admin screen', () => {
  it('adds a connection after testing it; a user granted only that connection sees only it', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.url);
    await logIn(page);
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Connections' }).click();
    await expect.poll(() => page.getByText('pgmcp.yaml (read-only)').count()).toBe(1);

    const url = new URL(db.url);
    const form = page.getByRole('form', { name: 'Add a connection' });
    await form.getByLabel('Name').fill('sales');
    await form.getByLabel('Host').fill(url.hostname);
    await form.getByLabel('Port').fill(url.port);
    await form.getByLabel('Database', { exact: true }).fill(db.name);
    await form.getByLabel('Database user').fill(ROLE);
    await form.getByLabel('Password').fill('not the password');
    await form.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toMatch(/^Failed \(auth\)/);
    await form.getByLabel('Password').fill(SECRET);
    await form.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toMatch(/^Connected: PostgreSQL \d+/);
    await screenshot(page, 'connections-tested-light');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('managed here').count()).toBe(1);
    await screenshot(page, 'connections-saved-light');

    // A duplicate name: the server's message inline, nothing saved.
    await form.getByLabel('Name').fill('sales');
    await form.getByLabel('Host').fill(url.hostname);
    await form.getByLabel('Database', { exact: true }).fill(db.name);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => form.getByRole('alert').textContent())
      .toBe('name: a connection named "sales" already exists.');

    // Group and grant (the Users/Groups screens are not built yet: through the account store).
    const ann = await server.auth.createUser({ username: 'ann', password: 'ann has a long password' });
    const group = await server.auth.createGroup({ name: 'sales-team' });
    await server.auth.addGroupMember(group.id, { userId: ann.id });
    await server.auth.grantPrivilege(group.id, { type: 'connection', name: 'sales', access: 'read' });

    const other = await openPage(browser);
    await other.page.goto(server.url);
    await other.page.getByLabel('Username').fill('ann');
    await other.page.getByLabel('Password').fill('ann has a long password');
    await other.page.getByRole('button', { name: 'Sign in' }).click();
    // Everyone has the admin area for their own Activity; only managers see Connections.
    await other.page.getByRole('button', { name: 'Admin' }).click();
    await expect.poll(() => other.page.getByRole('heading', { name: 'Activity' }).count()).toBe(1);
    expect(await other.page.getByRole('button', { name: 'Connections' }).count()).toBe(0);
    // The top bar's connection selector offers exactly the granted connection.
    const options = other.page.locator('.top-bar select').last().locator('option');
    await expect.poll(() => options.allTextContents()).toEqual(['sales']);
    await screenshot(other.page, 'connections-granted-user-light');
    expect(problems.errors).toEqual([]);
    expect(other.problems.errors).toEqual([]);
    await other.context.close();
    await context.close();
  });
});
