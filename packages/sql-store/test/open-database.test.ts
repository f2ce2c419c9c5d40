import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlDatabase, SqlStoreError } from '../src/index.js';
import { useStoreTestTargets } from '../src/testing.js';

const scratch = await mkdtemp(path.join(tmpdir(), 'pgmcp-sql-store-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('openSqlDatabase on SQLite', () => {
  it('creates the file and its directory, in WAL mode with foreign keys and a busy timeout', async () => {
    const file = path.join(scratch, 'nested', 'dir', 'store.db');
    const database = await openSqlDatabase({ url: file, busyTimeoutMs: 1234 });
    try {
      expect(database.dialect).toBe('sqlite');
      expect(database.description).toBe(`sqlite:${file}`);
      const pragma = async (name: string) =>
        Object.values(
          (await sql.raw(`pragma ${name}`).execute(database.kysely)).rows[0] as object,
        )[0] as unknown;
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(1234);
      expect((await stat(file)).isFile()).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('opens :memory: and sqlite: URLs', async () => {
    for (const url of [':memory:', 'sqlite::memory:', `sqlite:${path.join(scratch, 'b.db')}`]) {
      const database = await openSqlDatabase({ url });
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.kysely);
      expect(rows).toEqual([{ one: 1 }]);
      await database.close();
    }
  });

  it('keeps data in the file across re-opens', async () => {
    const url = path.join(scratch, 'persist.db');
    const first = await openSqlDatabase({ url });
    await sql`create table t (v text)`.execute(first.kysely);
    await sql`insert into t values ('kept')`.execute(first.kysely);
    await first.close();
    const second = await openSqlDatabase({ url });
    expect((await sql`select v from t`.execute(second.kysely)).rows).toEqual([{ v: 'kept' }]);
    await second.close();
  });

  it('fails with OPEN_FAILED when the file cannot be created', async () => {
    const blocker = path.join(scratch, 'persist.db');
    await expect(openSqlDatabase({ url: path.join(blocker, 'inside', 'x.db') })).rejects.toMatchObject({
      code: 'OPEN_FAILED',
    });
  });

  it('shares one connection per file within a process; the last close closes it', async () => {
    const url = path.join(scratch, 'shared.db');
    const first = await openSqlDatabase({ url });
    const second = await openSqlDatabase({ url: `sqlite:${url}` });
    expect(second.kysely).toBe(first.kysely);
    await first.close();
    await first.close();
    expect((await sql`select 1 as one`.execute(second.kysely)).rows).toEqual([{ one: 1 }]);
    await second.close();
    await expect(sql`select 1`.execute(second.kysely)).rejects.toThrow();
    const third = await openSqlDatabase({ url });
    expect(third.kysely).not.toBe(first.kysely);
    await third.close();
  });

  it('close() is idempotent', async () => {
    const database = await openSqlDatabase({ url: ':memory:' });
    await database.close();
    await expect(database.close()).resolves.toBeUndefined();
  });

  it('ping() answers while open and fails once closed', async () => {
    const database = await openSqlDatabase({ url: ':memory:' });
    await expect(database.ping()).resolves.toBeUndefined();
    await database.close();
    await expect(database.ping()).rejects.toThrow();
  });
});

describe('openSqlDatabase on PostgreSQL', () => {
  const [, postgres] = useStoreTestTargets('sql_store_open');

  it('connects, and reads bigint values as numbers like SQLite does', async () => {
    const database = await openSqlDatabase({ url: await postgres!.newUrl() });
    try {
      expect(database.dialect).toBe('postgres');
      const { rows } = await sql<{ n: unknown; ms: unknown }>`
        select count(*) as n, 1763722765123::bigint as ms from generate_series(1, 3)`.execute(
        database.kysely,
      );
      expect(rows).toEqual([{ n: 3, ms: 1763722765123 }]);
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('fails with OPEN_FAILED naming the server but not the password', async () => {
    const error: unknown = await openSqlDatabase({
      url: 'postgres://someone:hunter2@127.0.0.1:1/nowhere',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SqlStoreError);
    expect(error).toMatchObject({ code: 'OPEN_FAILED' });
    expect((error as Error).message).toContain('postgres://someone@127.0.0.1:1/nowhere');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('openSqlDatabase', () => {
  it('refuses an unsupported URL with INVALID_URL', async () => {
    await expect(openSqlDatabase({ url: 'mysql://db/x' })).rejects.toMatchObject({ code: 'INVALID_URL' });
  });
});
