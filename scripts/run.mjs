#!/usr/bin/env node
// Entry point of `npm start`, `npm test`, `npm run dev` on a fresh clone: needs only Node.js and
// npm. Finds pnpm (or runs the pinned version through npx), installs dependencies when they are
// missing or stale, builds what the task needs, then runs it. No dependencies of its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmVersion = rootPackage.packageManager.replace(/^pnpm@/, '');

const USAGE = `Usage: node scripts/run.mjs <task> [args]

Tasks:
  start   build and start the server with the web client (embedded PostgreSQL + demo data
          unless PGMCP_DATABASE_URL or a pgmcp.yaml configures databases)
  test    run every test suite (a real PostgreSQL is started by the test harness)
  pgmcp   run the pgmcp command (npm run pgmcp -- user list) on the same data directory as start
  dev     start the server and the web client in watch mode
  setup   install dependencies and build, nothing else
`;

function fail(message) {
  process.stderr.write(`pgmcp: ${message}\n`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Node.js 20.19 or newer is needed; this is ${process.versions.node}. Install a current Node.js LTS.`);
}

const task = process.argv[2];
const extra = process.argv.slice(3);
if (!task || task === '--help' || task === '-h') {
  process.stdout.write(USAGE);
  process.exit(task ? 0 : 2);
}
if (!['start', 'test', 'dev', 'setup', 'pgmcp'].includes(task)) {
  process.stderr.write(`pgmcp: unknown task "${task}"\n\n${USAGE}`);
  process.exit(2);
}

const env = { ...process.env };
// better-sqlite3 compiles from source where no prebuilt binary can be downloaded; Node's own
// headers ship with Debian's nodejs package in /usr/include/node.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
// pnpm's own version check must not stop a run that uses npx's pnpm.
env.COREPACK_ENABLE_STRICT = '0';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/** pnpm itself: a global pnpm of the pinned major, else the pinned version through npx. */
function findPnpm() {
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env });
  const globalMajor = probe.status === 0 ? Number(probe.stdout.trim().split('.')[0]) : undefined;
  if (globalMajor === Number(pnpmVersion.split('.')[0])) return { command: 'pnpm', prefix: [] };
  return { command: 'npx', prefix: ['--yes', `pnpm@${pnpmVersion}`] };
}

const pnpm = findPnpm();
const pnpmRun = (args, options) => run(pnpm.command, [...pnpm.prefix, ...args], options);

/** Installs when node_modules is missing or older than the lockfile or a package manifest. */
function installIfNeeded() {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  const stale = !existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  // Progress goes to stderr, so that stdout stays what the task prints (npm run -s pgmcp -- … --json).
  process.stderr.write(
    'pgmcp: installing dependencies (the first time compiles better-sqlite3, about a minute)\n',
  );
  const code = pnpmRun(['install', '--frozen-lockfile'], { stdio: ['inherit', 2, 2] });
  if (code !== 0) fail('installing dependencies failed; see the output above.');
}

installIfNeeded();

const cli = path.join(root, 'apps/cli/bin/pgmcp.js');

/**
 * In a checkout, `npm start` and `npm run pgmcp` keep their data (embedded cluster, account store)
 * in .pgmcp-data/, so an admin command finds the store the server uses.
 */
function useCheckoutDataDir() {
  if (!env.PGMCP_DATA_DIR) env.PGMCP_DATA_DIR = path.join(root, '.pgmcp-data');
}

switch (task) {
  case 'setup': {
    process.exit(pnpmRun(['exec', 'turbo', 'run', 'build']));
    break;
  }
  case 'start': {
    process.stdout.write('pgmcp: building (cached after the first time)\n');
    const built = pnpmRun(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
    if (built !== 0) fail('the build failed; see the output above.');
    useCheckoutDataDir();
    process.exit(run(process.execPath, [cli, 'serve', ...extra]));
    break;
  }
  case 'pgmcp': {
    // Built quietly (turbo's cache makes this well under a second when nothing changed), so that
    // stdout stays the command's own, e.g. for --json.
    if (!existsSync(path.join(root, 'apps/cli/dist/index.js'))) {
      process.stderr.write('pgmcp: building the command first (cached after the first time)\n');
    }
    const build = spawnSync(
      pnpm.command,
      [
        ...pnpm.prefix,
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=@pgmcp/cli...',
        '--output-logs=errors-only',
      ],
      { cwd: root, env, encoding: 'utf8' },
    );
    if (build.status !== 0) {
      process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
      fail('building the pgmcp command failed; see the output above.');
    }
    useCheckoutDataDir();
    process.exit(run(process.execPath, [cli, ...extra]));
    break;
  }
  case 'dev': {
    process.exit(pnpmRun(['exec', 'turbo', 'run', 'dev', ...extra]));
    break;
  }
  case 'test': {
    // --continue: one failing package must not hide the others' results.
    process.exit(pnpmRun(['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', ...extra]));
    break;
  }
}
