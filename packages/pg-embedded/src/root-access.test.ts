import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBinaries } from './binaries.js';
import { PgEmbeddedError } from './errors.js';
import { startLocalPostgres } from './local-postgres.js';

// The case of a new user in a container: root, with the checkout (and so the npm-shipped
// binaries) under a directory the `postgres` OS user cannot enter, like /root (mode 0700).
const asRoot = process.getuid?.() === 0;

let root: string;
let locked: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pgmcp-pg-root-test-'));
  await chmod(root, 0o755);
  locked = path.join(root, 'home');
  await mkdir(locked, { mode: 0o700 });
  await chmod(locked, 0o700);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.runIf(asRoot)('as root, with PostgreSQL under a directory postgres cannot enter', () => {
  it('runs a copy of the programs staged where the postgres user can reach them', async () => {
    const shipped = await findPostgresBinaries();
    const checkout = path.join(locked, 'checkout', 'native');
    await cp(path.dirname(shipped.binDir), checkout, { recursive: true, verbatimSymlinks: true });
    const stagingDir = path.join(root, 'staging');

    const server = await startLocalPostgres({
      dataDir: path.join(root, 'cluster'),
      binDir: path.join(checkout, 'bin'),
      stagingDir,
      ephemeral: true,
    });
    try {
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
      await client.end();
      expect(Math.floor(Number(rows[0]?.v) / 10000)).toBe(shipped.major);
    } finally {
      await server.stop();
    }
    const [staged = ''] = await readdir(stagingDir);
    expect(staged).toMatch(/^postgres-[0-9a-f]{12}$/);
    const marker = await readFile(path.join(stagingDir, staged, '.pgmcp-staged'), 'utf8');
    expect(marker.trim()).toBe(checkout);
    expect(existsSync(path.join(stagingDir, staged, 'bin', 'postgres'))).toBe(true);
  });

  it('refuses a cluster directory under it, saying which directory blocks and what to do', async () => {
    const dataDir = path.join(locked, 'data', 'postgres');
    const error = await startLocalPostgres({ dataDir, ephemeral: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgEmbeddedError);
    expect((error as PgEmbeddedError).code).toBe('DATA_DIR_UNREACHABLE');
    expect((error as PgEmbeddedError).message).toContain(`cannot enter ${locked} (mode 0700)`);
    expect((error as PgEmbeddedError).message).toContain('PGMCP_EMBEDDED_CLUSTER_DIR');
    expect(existsSync(path.join(locked, 'data'))).toBe(false);
  });
});
