import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEB_CONTENT_SECURITY_POLICY } from '../../src/web-static.js';

// The container images as built by docker/build-images.sh (buildah, from docker/Dockerfile.server
// and Dockerfile.web), run from their own root filesystems by docker/run-image.sh: read-only, as
// the image's user, with the image's environment and command, like `docker run --read-only`.
// Needs root, buildah and the built images, so it runs only when asked: PGMCP_TEST_IMAGES=1.

const wanted = process.env.PGMCP_TEST_IMAGES === '1';
if (!wanted) {
  console.warn('PGMCP_TEST_IMAGES is not 1: the container image test is skipped.');
}

const root = path.join(import.meta.dirname, '../../../..');
const RUN_IMAGE = path.join(root, 'docker/run-image.sh');
const SERVER_IMAGE = 'pgmcp-server:local';
const WEB_IMAGE = 'pgmcp-web:local';
const ADMIN_PASSWORD = 'admin password of the image test';
const store = useTestDatabase('server-images');
const timings: Record<string, number> = {};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  log: string;
  pidFile: string;
}
const running: Running[] = [];

/** docker/run-image.sh with its output in a file (nginx reopens /dev/stderr, which a pipe cannot be). */
function runImage(args: string[]): Running {
  const dir = makeTempDir('pgmcp-image-run-');
  const log = path.join(dir, 'output.log');
  const pidFile = path.join(dir, 'pid');
  const fd = openSync(log, 'w');
  // The image's user reopens /dev/stderr (nginx does): let it, as it could a pipe.
  chmodSync(dir, 0o755);
  chmodSync(log, 0o666);
  const child = spawn(RUN_IMAGE, ['--pidfile', pidFile, ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const proc = { child, log, pidFile };
  running.push(proc);
  return proc;
}

function outputOf(proc: Running): string {
  return readFileSync(proc.log, 'utf8');
}

/** A command inside an image, to its end: exit code and output. */
function runToEnd(args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = runImage(args);
  return new Promise((resolve) =>
    proc.child.once('exit', (code) => resolve({ code, output: outputOf(proc) })),
  );
}

/** Uid and Gid lines of /proc/<pid>/status: [real, effective, saved, filesystem]. */
function idsOf(proc: Running): { uid: string[]; gid: string[]; groups: string } {
  const status = readFileSync(`/proc/${readFileSync(proc.pidFile, 'utf8').trim()}/status`, 'utf8');
  const field = (name: string) => new RegExp(`^${name}:\\t(.*)$`, 'm').exec(status)?.[1] ?? '';
  return { uid: field('Uid').split('\t'), gid: field('Gid').split('\t'), groups: field('Groups').trim() };
}

async function waitForHealth(base: string, proc: Running): Promise<void> {
  await vi.waitFor(
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited:\n${outputOf(proc)}`);
      const response = await fetch(`${base}/health`);
      expect(response.status).toBe(200);
    },
    { timeout: 120_000, interval: 100 },
  );
}

function requireImage(image: string): void {
  try {
    execFileSync('buildah', ['--storage-driver', 'vfs', 'inspect', '--type', 'image', image], {
      stdio: 'ignore',
    });
  } catch {
    throw new Error(`No image ${image}: build the images first (docker/build-images.sh).`);
  }
}

let serverBase = '';
let server: Running;
let data = '';
let secrets = '';

beforeAll(async () => {
  if (!wanted) return;
  requireImage(SERVER_IMAGE);
  // The data volume belongs to the image's user; secrets come from files, as compose mounts them.
  data = makeTempDir('pgmcp-image-data-');
  chownSync(data, 1001, 1001);
  const run = makeTempDir('pgmcp-image-secrets-');
  secrets = path.join(run, 'secrets');
  mkdirSync(secrets);
  writeFileSync(path.join(secrets, 'store_url'), store.url);
  writeFileSync(path.join(secrets, 'database_url'), store.url);
  writeFileSync(path.join(secrets, 'admin_password'), ADMIN_PASSWORD);
  // Readable by the image's user, as compose mounts secrets.
  for (const dir of [run, secrets]) chmodSync(dir, 0o755);
  for (const file of ['store_url', 'database_url', 'admin_password'])
    chownSync(path.join(secrets, file), 1001, 1001);
  const port = await freePort();
  serverBase = `http://127.0.0.1:${port}`;
  // The first run of an image prepares its root filesystem (a copy, with vfs): not part of a start.
  await runToEnd([SERVER_IMAGE, 'true']);
  const at = performance.now();
  server = runImage([
    ...['-v', `${data}:/data`, '--ro-volume', `${run}:/run`],
    ...['-e', 'PGMCP_HOST=127.0.0.1', '-e', `PGMCP_PORT=${port}`, '-e', 'PGMCP_AUTH=on'],
    ...['-e', 'PGMCP_STORE_URL_FILE=/run/secrets/store_url'],
    ...['-e', 'PGMCP_DATABASE_URL_FILE=/run/secrets/database_url'],
    ...['-e', 'PGMCP_ADMIN_PASSWORD_FILE=/run/secrets/admin_password'],
    SERVER_IMAGE,
  ]);
  await waitForHealth(serverBase, server);
  timings.serverColdStartToHealthy = Math.round(performance.now() - at);
}, 300_000);

afterAll(async () => {
  await Promise.all(
    running.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.child.exitCode !== null || proc.child.signalCode !== null) return resolve();
          proc.child.once('exit', () => resolve());
          proc.child.kill('SIGTERM');
        }),
    ),
  );
  if (wanted) console.info(`image timings (ms): ${JSON.stringify(timings)}`);
});

// Each run starts a process from the image: slow on a loaded machine, not a behaviour.
describe.runIf(wanted)('the server image (docker/Dockerfile.server)', { timeout: 300_000 }, () => {
  it('answers /health and runs as UID 1001 with secrets from files', async () => {
    const health = await fetch(`${serverBase}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ids = idsOf(server);
    expect(ids.uid).toEqual(['1001', '1001', '1001', '1001']);
    expect(ids.gid).toEqual(['1001', '1001', '1001', '1001']);
    expect(ids.groups.split(/\s+/)).not.toContain('0');
    const login = await fetch(`${serverBase}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
  });

  it('can write to its data volume and nowhere else', async () => {
    const probe = `const fs = require('node:fs');
      const result = {};
      for (const dir of ['/', '/app/server', '/etc', '/tmp', '/usr/local/bin', '/data']) {
        try { fs.writeFileSync(dir + '/probe', 'x'); fs.rmSync(dir + '/probe'); result[dir] = 'written'; }
        catch (error) { result[dir] = error.code; }
      }
      console.log(JSON.stringify(result));`;
    const { code, output } = await runToEnd(['-v', `${data}:/data`, SERVER_IMAGE, 'node', '-e', probe]);
    expect(code, output).toBe(0);
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({
      '/': 'EROFS',
      '/app/server': 'EROFS',
      '/etc': 'EROFS',
      '/tmp': 'EROFS',
      '/usr/local/bin': 'EROFS',
      '/data': 'written',
    });
  });

  it('holds no compilers, package manager caches or dev dependencies', async () => {
    const probe = `const fs = require('node:fs');
      const tools = ['gcc', 'cc', 'g++', 'c++', 'make', 'python3', 'git', 'pnpm']
        .filter((tool) => ['/usr/bin/', '/usr/local/bin/', '/bin/'].some((dir) => fs.existsSync(dir + tool)));
      const store = fs.readdirSync('/app/server/node_modules/.pnpm');
      const dev = ['vitest', 'typescript', 'eslint', 'tsx', 'vite', 'playwright-core', '@vitest+']
        .filter((name) => store.some((entry) => entry.startsWith(name.endsWith('+') ? name : name + '@')));
      console.log(JSON.stringify({ tools, dev, runtime: store.some((entry) => entry.startsWith('hono@')) }));`;
    const { code, output } = await runToEnd([SERVER_IMAGE, 'node', '-e', probe]);
    expect(code, output).toBe(0);
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ tools: [], dev: [], runtime: true });
  });

  it('stops with a message naming the variable when a secrets file is missing', async () => {
    const { code, output } = await runToEnd([
      ...['-v', `${data}:/data`, '-e', 'PGMCP_STORE_URL_FILE=/run/secrets/store_url'],
      SERVER_IMAGE,
    ]);
    expect(code).not.toBe(0);
    expect(output).toContain('PGMCP_STORE_URL_FILE');
    expect(output).not.toMatch(/\n\s+at /);
  });
});

describe.runIf(wanted)('the web image (docker/Dockerfile.web)', { timeout: 300_000 }, () => {
  let web = '';
  let nginx: Running;

  beforeAll(async () => {
    requireImage(WEB_IMAGE);
    // docker/nginx.conf as the image holds it, with loopback addresses for the compose names.
    const { output } = await runToEnd([WEB_IMAGE, 'cat', '/etc/nginx/nginx.conf']);
    const port = await freePort();
    const conf = output
      .replace('server pgmcp-1:8080', `server ${serverBase.slice('http://'.length)}`)
      .replace('server pgmcp-2:8080', `server ${serverBase.slice('http://'.length)}`)
      .replace('listen 8081;', `listen 127.0.0.1:${port};`);
    expect(conf).not.toContain('pgmcp-1:8080');
    const dir = makeTempDir('pgmcp-image-nginx-');
    writeFileSync(path.join(dir, 'nginx.conf'), conf);
    web = `http://127.0.0.1:${port}`;
    nginx = runImage([
      ...['--ro-volume', `${dir}/nginx.conf:/etc/nginx/nginx.conf`, '--tmpfs', '/tmp'],
      WEB_IMAGE,
    ]);
    await waitForHealth(web, nginx);
  }, 300_000);

  it('runs nginx as UID 101 on a read-only root with only /tmp writable', () => {
    expect(idsOf(nginx).uid).toEqual(['101', '101', '101', '101']);
  });

  it('serves the web client with the server’s CSP and caching', async () => {
    const page = await fetch(`${web}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = /(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${web}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-security-policy')).toBe(WEB_CONTENT_SECURITY_POLICY);
    // A client-side route falls back to the page.
    const route = await fetch(`${web}/chat/some-conversation`);
    expect(await route.text()).toContain('<div id="root">');
  });

  it('proxies /api/ to the server', async () => {
    const login = await fetch(`${web}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const me = await fetch(`${web}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  });
});
