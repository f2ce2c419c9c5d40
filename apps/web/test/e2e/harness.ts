import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type RunningServer, startServer } from '@pgmcp/server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

/** apps/web */
export const WEB_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
export const ARTIFACTS = path.join(WEB_ROOT, 'test-artifacts');

export const ADMIN_PASSWORD = 'e2e-Admin-Password-7f3c';
/** The provider key the server holds; it must never reach the browser. */
export const PROVIDER_KEY = 'sk-e2e-provider-key-9b1d4e7a2c';

/** Starts the real pgmcp server on a free loopback port with auth on and the built web client. */
export async function startWebServer(options: {
  connections: { name: string; url: string; allow_writes?: boolean; is_monitored?: boolean }[];
  llmBaseUrl?: string;
  /** More `auth:` settings (YAML lines under it, e.g. an `oidc:` block). */
  auth?: string[];
  /** More environment variables. */
  env?: Record<string, string>;
  /** More top-level pgmcp.yaml lines (e.g. a `collector:` block). */
  yaml?: string[];
}): Promise<RunningServer> {
  const cwd = makeTempDir('pgmcp-web-e2e-');
  const yaml = [
    'auth:',
    '  bcrypt_cost: 4',
    ...(options.auth ?? []).map((line) => `  ${line}`),
    'connections:',
    ...options.connections.flatMap((c) => [
      `  - name: ${c.name}`,
      `    url: "${c.url}"`,
      `    allow_writes: ${c.allow_writes === true}`,
      ...(c.is_monitored ? ['    is_monitored: true'] : []),
    ]),
    ...(options.yaml ?? []),
    '',
  ].join('\n');
  writeFileSync(path.join(cwd, 'pgmcp.yaml'), yaml);
  return startServer({
    env: {
      PGMCP_PORT: '0',
      PGMCP_DATA_DIR: path.join(cwd, 'data'),
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_WEB_DIR: WEB_DIST,
      ...(options.llmBaseUrl
        ? {
            PGMCP_LLM_PROVIDER: 'openai',
            OPENAI_API_KEY: PROVIDER_KEY,
            PGMCP_OPENAI_BASE_URL: options.llmBaseUrl,
            PGMCP_LLM_MODEL: 'gpt-4o',
          }
        : {}),
      ...options.env,
    },
    cwd,
    banner: false,
    logger: createLogger('silent', { pretty: false }),
  });
}

/** Debian's chromium, headless, driven by playwright-core. */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.PGMCP_TEST_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `The browser tests need Chromium at ${executablePath}: install it (Debian: apt-get install chromium) or set PGMCP_TEST_CHROMIUM to its path.`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** What the page reported that a test should fail on: CSP violations, uncaught errors. */
export interface PageProblems {
  csp: string[];
  errors: string[];
}

/** A fresh browser context and page that records CSP violations and uncaught errors. */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 820 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems: PageProblems = { csp: [], errors: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) problems.csp.push(text);
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  return { context, page, problems };
}

/** Saves a screenshot under apps/web/test-artifacts/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Let fonts, lazy chunks and transitions settle.
  await page.waitForTimeout(250);
  await page.screenshot({ path: file });
  return file;
}

/** Signs in through the login form. */
export async function logIn(page: Page, password = ADMIN_PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The session token from the httpOnly cookie (the test reads it from the browser context; the page cannot). */
export async function sessionToken(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'pgmcp_session');
  if (!cookie) throw new Error('no pgmcp_session cookie');
  return cookie.value;
}

/** The console editor's lines as typed (CodeMirror; without its placeholder). */
export function editorLines(page: Page): Promise<string[]> {
  return page.locator('.cm-line').evaluateAll((els) =>
    els.map((el) =>
      [...el.childNodes]
        .filter((n) => !(n instanceof Element && n.classList.contains('cm-placeholder')))
        .map((n) => n.textContent)
        .join(''),
    ),
  );
}

/**
 * Replaces the console editor's text as a user would (select all, delete, type). Not locator.fill:
 * on a contenteditable that goes through execCommand, which may add style attributes the CSP blocks.
 * Typing goes where the focus is; when a re-render (a history refresh, a tab restored) takes the
 * focus from the editor between the keystrokes, the user would click and type again, and so does this.
 */
export async function setEditorText(page: Page, sql: string): Promise<void> {
  const wanted = sql.split('\n');
  for (let attempt = 1; ; attempt++) {
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(sql);
    try {
      await expect.poll(() => editorLines(page), { timeout: 3000 }).toEqual(wanted);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
