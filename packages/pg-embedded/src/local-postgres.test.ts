import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgEmbeddedError } from './errors.js';
import { startLocalPostgres } from './local-postgres.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pgmcp-pg-embedded-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function queryOne<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return rows[0] as T;
  } finally {
    await client.end();
  }
}

describe('startLocalPostgres', () => {
  it('initialises a throwaway cluster on loopback and removes it on stop', async () => {
    const dataDir = path.join(root, 'ephemeral');
    const server = await startLocalPostgres({ dataDir, ephemeral: true });
    expect(server.created).toBe(true);
    expect(server.host).toBe('127.0.0.1');
    const row = await queryOne<{ v: string; addr: string; fsync: string }>(
      server.url(),
      `SELECT current_setting('server_version_num') AS v, current_setting('listen_addresses') AS addr,
              current_setting('fsync') AS fsync`,
    );
    expect(Math.floor(Number(row.v) / 10000)).toBe(server.major);
    expect(row.addr).toBe('127.0.0.1');
    expect(row.fsync).toBe('off');
    await server.stop();
    expect(existsSync(dataDir)).toBe(false);
    await expect(queryOne(server.url(), 'SELECT 1')).rejects.toThrow();
  });

  it('keeps a persistent cluster and its data across restarts', async () => {
    const dataDir = path.join(root, 'persistent');
    const first = await startLocalPostgres({ dataDir });
    await queryOne(first.url(), 'CREATE TABLE kept AS SELECT 42 AS v');
    await first.stop();
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const second = await startLocalPostgres({ dataDir });
    try {
      expect(second.created).toBe(false);
      expect(second.password).toBe(first.password);
      const row = await queryOne<{ v: number }>(second.url(), 'SELECT v FROM kept');
      expect(row.v).toBe(42);
    } finally {
      await second.stop();
    }
  });

  it('refuses a non-empty directory that holds no cluster, naming it', async () => {
    const target = path.join(root, 'busy');
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, 'notes.txt'), 'mine');
    const error = await startLocalPostgres({ dataDir: target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PgEmbeddedError);
    expect((error as PgEmbeddedError).code).toBe('START_FAILED');
    expect((error as PgEmbeddedError).message).toContain(target);
  });

  it('refuses a bin directory without PostgreSQL programs', async () => {
    const error = await startLocalPostgres({ dataDir: path.join(root, 'nobin'), binDir: root }).catch(
      (e: unknown) => e,
    );
    expect((error as PgEmbeddedError).code).toBe('BINARIES_NOT_FOUND');
  });

  const systemBin = process.env.PGMCP_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  it.runIf(existsSync(path.join(systemBin, 'postgres')))(
    'runs the binaries of another bin directory (system PostgreSQL)',
    async () => {
      const server = await startLocalPostgres({
        dataDir: path.join(root, 'system'),
        binDir: systemBin,
        ephemeral: true,
      });
      try {
        const row = await queryOne<{ v: string }>(
          server.url(),
          "SELECT current_setting('server_version_num') AS v",
        );
        expect(Math.floor(Number(row.v) / 10000)).toBe(server.major);
      } finally {
        await server.stop();
      }
    },
  );
});
