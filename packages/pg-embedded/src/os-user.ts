import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PgEmbeddedError } from './errors.js';

const execFileAsync = promisify(execFile);

/** The OS user PostgreSQL runs as when pgmcp runs as root. */
export const POSTGRES_OS_USER = 'postgres';

/** Where a root process keeps a copy of PostgreSQL programs the `postgres` user can run. */
export const DEFAULT_STAGING_DIR = '/var/cache/pgmcp';

export interface OsUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. When we are root, the cluster belongs to the
 * `postgres` OS user, and initdb/postgres run as that user; otherwise undefined.
 */
export async function serverOsUser(): Promise<OsUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', POSTGRES_OS_USER]).then((r) => Number(r.stdout.trim())),
      execFileAsync('id', ['-g', POSTGRES_OS_USER]).then((r) => Number(r.stdout.trim())),
    ]);
    return { uid, gid };
  } catch (cause) {
    throw new PgEmbeddedError(
      'NO_POSTGRES_OS_USER',
      'PostgreSQL cannot run as root and there is no "postgres" OS user to run it as. ' +
        'Create one (useradd --system postgres) or run pgmcp as a normal user.',
      { cause },
    );
  }
}

/**
 * Whether `user` can enter `dir` (or, when it does not exist yet, its nearest existing parent):
 * asked of the system itself by running `test -x` as that user, so modes, ACLs and mounts all count.
 * Node starts the child with the user's primary group only, exactly as it starts initdb and postgres.
 */
export async function canEnter(dir: string, user: OsUser): Promise<boolean> {
  let probe = path.resolve(dir);
  while (!existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  return new Promise((resolve) => {
    const child = spawn('test', ['-x', probe], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** The first parent of `dir` (from the top) that `user` cannot enter, for messages. */
export async function firstBlockedParent(dir: string, user: OsUser): Promise<string | undefined> {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of parts) {
    current = path.join(current, part);
    if (!existsSync(current)) return undefined;
    if (!(await canEnter(current, user))) return current;
  }
  return undefined;
}

/**
 * Refuses a cluster directory the server's OS user cannot reach, saying what to do. As root the
 * parent is made 0755 (see prepareDataDir), but parents further up belong to the user.
 */
export async function assertReachableDataDir(dataDir: string, user: OsUser): Promise<void> {
  // The cluster's own parent is made enterable when the cluster is created; those above are not ours.
  const above = path.dirname(path.dirname(path.resolve(dataDir)));
  const blocked = await firstBlockedParent(above, user);
  if (!blocked) return;
  const mode = ((await stat(blocked)).mode & 0o7777).toString(8).padStart(4, '0');
  throw new PgEmbeddedError(
    'DATA_DIR_UNREACHABLE',
    `PostgreSQL runs as the OS user "${POSTGRES_OS_USER}" because this process is root, and that user ` +
      `cannot enter ${blocked} (mode ${mode}) to reach the cluster directory ${dataDir}. Choose a ` +
      `cluster directory it can reach (for pgmcp: PGMCP_EMBEDDED_CLUSTER_DIR=/var/lib/pgmcp/postgres), ` +
      `or run as a normal user.`,
  );
}

/**
 * Makes `binDir`'s PostgreSQL runnable by `user`. When that user cannot enter it (a checkout under
 * /root, mode 0700), the whole installation around it (bin, lib, share) is copied once into
 * `stagingDir` (root-owned, not writable by others) and that copy's bin directory is returned.
 */
export async function runnableBinDir(binDir: string, user: OsUser, stagingDir: string): Promise<string> {
  if (await canEnter(binDir, user)) return binDir;
  const install = path.dirname(path.resolve(binDir));
  const entries = await readdir(install);
  if (path.basename(binDir) !== 'bin' || !entries.includes('lib') || !entries.includes('share')) {
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      `PostgreSQL runs as the OS user "${POSTGRES_OS_USER}" because this process is root, and that user ` +
        `cannot enter ${binDir}. Point the bin directory at an installation it can reach.`,
    );
  }
  await mkdir(stagingDir, { recursive: true, mode: 0o755 });
  const info = await stat(stagingDir);
  if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      `${stagingDir} must belong to root and not be writable by others to hold PostgreSQL's programs; ` +
        'fix its owner and mode (chown root: …; chmod 0755 …) or choose another directory.',
    );
  }
  const key = createHash('sha256').update(install).digest('hex').slice(0, 12);
  const target = path.join(stagingDir, `postgres-${key}`);
  const marker = path.join(target, '.pgmcp-staged');
  if (!existsSync(marker)) {
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    // verbatimSymlinks keeps the shared-library links relative, as the package lays them out.
    await cp(install, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await writeFile(path.join(partial, '.pgmcp-staged'), `${install}\n`, { mode: 0o644 });
    await rm(target, { recursive: true, force: true });
    await rename(partial, target).catch(async (error: unknown) => {
      // Another process staged the same copy meanwhile: use theirs.
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(marker)) throw error;
    });
  }
  const staged = path.join(target, 'bin');
  if (!(await canEnter(staged, user))) {
    const blocked = await firstBlockedParent(staged, user);
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      `PostgreSQL's programs were copied to ${staged}, but the OS user "${POSTGRES_OS_USER}" cannot ` +
        `enter ${blocked ?? staged} either; make it reachable (chmod o+x) or choose another staging directory.`,
    );
  }
  return staged;
}
