import { createPoolManager, type PoolManager } from '@pgmcp/pool-manager';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundedQueryPlan } from '../src/executor/bounded-query.js';
import { ResultTooLargeError } from '../src/executor/result-too-large.js';
import { runStatement, type TypeNameCache } from '../src/executor/run-statement.js';

const db = useTestDatabase('executor');
let pools: PoolManager;

const admin = <T extends pg.QueryResultRow>(sql: string) => adminQuery<T>(db.url, sql);

beforeAll(async () => {
  await admin(`
    CREATE TYPE mood AS ENUM ('happy', 'sad');
    CREATE TABLE canary (id int PRIMARY KEY, note text);
    INSERT INTO canary VALUES (1, 'untouched');
    CREATE TABLE people (id serial PRIMARY KEY, name text, feeling mood, born date, score numeric(6,2), big bigint, data jsonb);
    INSERT INTO people (name, feeling, born, score, big, data) VALUES
      ('ann', 'happy', '1990-01-02', 19.90, 9007199254740993, '{"a": [1, 2]}'),
      ('bob', NULL, NULL, NULL, 42, 'null');
  `);
  pools = createPoolManager({
    connections: [
      { name: 'ro', url: db.url },
      { name: 'rw', url: db.url, allowWrites: true },
    ],
  });
});
afterAll(async () => {
  await pools.close();
});

function plan(sql: string, overrides: Partial<BoundedQueryPlan> = {}): BoundedQueryPlan {
  return {
    sql,
    params: [],
    mode: 'read-only',
    statementTimeoutMs: 30_000,
    offset: 0,
    limit: 100,
    maxBytes: 1 << 20,
    ...overrides,
  };
}

const run = (connection: 'ro' | 'rw', p: BoundedQueryPlan, signal?: AbortSignal, typeNames?: TypeNameCache) =>
  pools.withSession({ sessionKey: 'test', connection }, async (lease) => {
    const result = await runStatement(lease, p, {
      ...(signal ? { signal } : {}),
      ...(typeNames ? { typeNames } : {}),
    });
    const status = (lease.client as unknown as { getTransactionStatus(): string }).getTransactionStatus();
    return { ...result, status };
  });

describe('runStatement', () => {
  it('returns columns with type names, text values and the command, leaving the session idle', async () => {
    const result = await run(
      'ro',
      plan('SELECT id, name, feeling, born, score, big, data FROM people ORDER BY id'),
      undefined,
      new Map(),
    );
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:integer',
      'name:text',
      'feeling:mood',
      'born:date',
      'score:numeric',
      'big:bigint',
      'data:jsonb',
    ]);
    expect(result.rows).toEqual([
      ['1', 'ann', 'happy', '1990-01-02', '19.90', '9007199254740993', '{"a": [1, 2]}'],
      ['2', 'bob', null, null, null, '42', 'null'],
    ]);
    expect(result).toMatchObject({ command: 'SELECT', affectedRows: 2, truncated: false, status: 'I' });
    expect(result.nextOffset).toBeUndefined();
  });

  it('stops at the limit without rewriting the SQL and says where to continue', async () => {
    const result = await run('ro', plan('SELECT g FROM generate_series(1, 100000) g', { limit: 10 }));
    expect(result.rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(result).toMatchObject({ truncated: 'limit', nextOffset: 10, status: 'I' });
  });

  it('pages with offset, also beyond the first batch and beyond the end', async () => {
    const page = await run(
      'ro',
      plan('SELECT g FROM generate_series(1, 5000) g', { offset: 2500, limit: 3 }),
    );
    expect(page.rows.map((r) => r[0])).toEqual(['2501', '2502', '2503']);
    expect(page).toMatchObject({ offset: 2500, nextOffset: 2503, truncated: 'limit' });
    const last = await run(
      'ro',
      plan('SELECT g FROM generate_series(1, 5000) g', { offset: 4998, limit: 10 }),
    );
    expect(last.rows.map((r) => r[0])).toEqual(['4999', '5000']);
    expect(last.truncated).toBe(false);
    const past = await run('ro', plan('SELECT g FROM generate_series(1, 5) g', { offset: 50 }));
    expect(past.rows).toEqual([]);
    expect(past.truncated).toBe(false);
  });

  it('reads large limits in several batches', async () => {
    const result = await run(
      'ro',
      plan('SELECT g, md5(g::text) FROM generate_series(1, 3000) g', { limit: 1000 }),
    );
    expect(result.rows).toHaveLength(1000);
    expect(result.rows[999]![0]).toBe('1000');
    expect(result).toMatchObject({ truncated: 'limit', nextOffset: 1000, status: 'I' });
  });

  it('stops keeping rows at the byte budget, the first row included', async () => {
    const result = await run(
      'ro',
      plan("SELECT g, repeat('x', 1000) AS filler FROM generate_series(1, 5000) g", {
        limit: 1000,
        maxBytes: 20_000,
      }),
    );
    expect(result.rows.length).toBeGreaterThanOrEqual(15);
    expect(result.rows.length).toBeLessThanOrEqual(20);
    expect(result).toMatchObject({ truncated: 'bytes', nextOffset: result.rows.length });
    // A first row over the budget is an error that says how to select less, never a larger answer.
    const huge = await run('ro', plan("SELECT 1 AS id, repeat('y', 50000) AS big", { maxBytes: 1000 })).catch(
      (e: unknown) => e,
    );
    expect(huge).toBeInstanceOf(ResultTooLargeError);
    expect((huge as Error).message).toBe(
      'Row 1 of the result is 48.8 KiB (column "big" alone holds 48.8 KiB), more than the 1000 bytes one answer may hold, so pgmcp stopped reading it and cancelled the statement. Select less of it: e.g. left(big, 1000) or octet_length(big) instead of the whole value, or fewer columns (the result has "id", "big").',
    );
  });

  it('never parses a 20 MB value: the statement fails, the session is discarded, the next call works', async () => {
    const pids: number[] = [];
    const error = await pools
      .withSession({ sessionKey: 'big', connection: 'ro' }, async (lease) => {
        pids.push((await lease.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
        return runStatement(lease, plan("SELECT repeat('z', 20000000) AS blob"));
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect((error as Error).message).toMatch(/^Row 1 of the result is 19\.1 MiB .*more than the 1\.0 MiB/);
    await expect.poll(() => admin(`SELECT 1 FROM pg_stat_activity WHERE pid = ${pids[0]}`)).toEqual([]);
    const after = await run('ro', plan('SELECT 2 AS ok'));
    expect(after).toMatchObject({ rows: [['2']], status: 'I' });
  });

  it('cuts a read at a later oversized row and cancels the rest of the statement', async () => {
    let pid = 0;
    const result = await pools.withSession({ sessionKey: 'cut', connection: 'ro' }, async (lease) => {
      pid = (await lease.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      return runStatement(
        lease,
        plan(
          "SELECT g, CASE WHEN g < 3 THEN 'small' WHEN g = 3 THEN repeat('x', 3000000) ELSE pg_sleep(60)::text END AS v FROM generate_series(1, 10) g",
        ),
      );
    });
    expect(result.rows).toEqual([
      ['1', 'small'],
      ['2', 'small'],
    ]);
    expect(result).toMatchObject({ truncated: 'bytes', nextOffset: 2 });
    // The backend is not left computing row 4 (a minute of pg_sleep): it was cancelled and closed.
    await expect.poll(() => admin(`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`)).toEqual([]);
    expect((await run('ro', plan('SELECT 3'))).rows).toEqual([['3']]);
  });

  it('fails a write whose RETURNING row is over the budget, committing nothing', async () => {
    const error = await run(
      'rw',
      plan("INSERT INTO canary VALUES (30, repeat('w', 3000000)) RETURNING note", { mode: 'read-write' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResultTooLargeError);
    expect((error as Error).message).toMatch(/cancelled the statement \(nothing it did was committed\)/);
    expect(await admin('SELECT id FROM canary ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('cancels a statement at statement_timeout and leaves the session usable', async () => {
    const error = await run('ro', plan('SELECT pg_sleep(5)', { statementTimeoutMs: 200 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: '57014' });
    const after = await run('ro', plan('SELECT 1 AS ok'));
    expect(after.rows).toEqual([['1']]);
  });

  it('cancels a running statement when the caller aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    const error = await run('ro', plan('SELECT pg_sleep(10)'), controller.signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses writes on read-only runs and never commits', async () => {
    await expect(run('rw', plan("INSERT INTO canary VALUES (2, 'x')"))).rejects.toMatchObject({
      code: '25006',
    });
    await expect(
      run('ro', plan("UPDATE canary SET note = 'changed'", { mode: 'read-write' })),
    ).rejects.toMatchObject({
      code: '25006',
    });
    expect(await admin('SELECT id, note FROM canary')).toEqual([{ id: 1, note: 'untouched' }]);
  });

  it('refuses several statements in one call: COMMIT; INSERT changes nothing', async () => {
    const error = await run('rw', plan("COMMIT; INSERT INTO canary VALUES (3, 'x')")).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: '42601' });
    expect((error as Error).message).toMatch(/multiple commands/);
    const commit = await run('ro', plan('COMMIT'));
    expect(commit.status).toBe('I');
    expect(await admin('SELECT id, note FROM canary')).toEqual([{ id: 1, note: 'untouched' }]);
  });

  it('writes in read-write mode: rows affected, RETURNING rows, committed', async () => {
    const inserted = await run(
      'rw',
      plan("INSERT INTO canary SELECT g, 'new' FROM generate_series(10, 14) g RETURNING id", {
        mode: 'read-write',
        limit: 2,
      }),
    );
    expect(inserted.rows).toEqual([['10'], ['11']]);
    expect(inserted.truncated).toBe('limit');
    const updated = await run(
      'rw',
      plan("UPDATE canary SET note = 'newer' WHERE id >= 10", { mode: 'read-write' }),
    );
    expect(updated).toMatchObject({ command: 'UPDATE', affectedRows: 5, columns: [], rows: [] });
    expect(await admin<{ n: string }>("SELECT count(*) AS n FROM canary WHERE note = 'newer'")).toEqual([
      { n: '5' },
    ]);
    await run('rw', plan('DELETE FROM canary WHERE id >= 10', { mode: 'read-write' }));
  });

  it('rolls back a failed write and keeps the session clean', async () => {
    await expect(
      run('rw', plan("INSERT INTO canary VALUES (20, 'a'), (1, 'duplicate')", { mode: 'read-write' })),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await admin<{ n: string }>('SELECT count(*) AS n FROM canary')).toEqual([{ n: '1' }]);
    expect((await run('rw', plan('SELECT 1'))).status).toBe('I');
  });

  it('binds parameters', async () => {
    const result = await run('ro', plan('SELECT name FROM people WHERE id = $1', { params: [2] }));
    expect(result.rows).toEqual([['bob']]);
  });

  it('reports syntax errors with their position', async () => {
    await expect(run('ro', plan('SELECT FROM WHERE'))).rejects.toMatchObject({
      code: '42601',
      position: '13',
    });
  });
});
