import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog, sqlFingerprint } from '../src/index.js';

describe.each(useStoreTestTargets('audit_log'))('the activity log on $dialect', (target) => {
  const open: SqlDatabase[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  async function database(): Promise<SqlDatabase> {
    const db = await openSqlDatabase({ url: await target.newUrl() });
    open.push(db);
    return db;
  }

  it('stores every field, lists newest first and filters', async () => {
    const db = await database();
    let clock = Date.UTC(2026, 11, 1);
    const streamed: string[] = [];
    const audit = await createAuditLog({
      database: db,
      now: () => clock,
      onRecord: (e) => streamed.push(e.action),
    });
    const first = await audit.record({
      kind: 'mcp',
      action: 'tool:query_database',
      outcome: 'ok',
      userId: 'u1',
      username: 'ada',
      tokenId: 't1',
      clientName: 'claude-code',
      clientVersion: '2.1',
      connection: 'main',
      database: 'shop',
      sql: "SELECT * FROM orders WHERE id = 42 AND note = 'x'",
      rows: 3,
      bytes: 120,
      durationMs: 7.4,
    });
    clock += 1000;
    await audit.record({
      kind: 'mcp',
      action: 'tool:query_database',
      outcome: 'refused',
      reason: 'Only reading statements are allowed.',
      userId: 'u2',
      username: 'bob',
      connection: 'main',
      sql: 'DELETE FROM orders',
    });
    clock += 1000;
    await audit.record({
      kind: 'login',
      action: 'login',
      outcome: 'ok',
      userId: 'u1',
      username: 'ada',
      ip: '10.0.0.1',
    });

    const all = await audit.list();
    expect(all.map((e) => e.action)).toEqual(['login', 'tool:query_database', 'tool:query_database']);
    expect(all[2]).toEqual({
      ...first,
      sql: "SELECT * FROM orders WHERE id = 42 AND note = 'x'",
      sqlFingerprint: sqlFingerprint("SELECT * FROM orders WHERE id = 7 AND note = 'y'"),
      durationMs: 7,
    });
    expect(streamed).toHaveLength(3);
    expect((await audit.list({ userId: 'u1' })).map((e) => e.kind)).toEqual(['login', 'mcp']);
    expect(await audit.list({ outcome: 'refused' })).toMatchObject([
      { username: 'bob', reason: 'Only reading statements are allowed.' },
    ]);
    expect(await audit.list({ connection: 'main', kind: 'mcp', limit: 1 })).toHaveLength(1);
    expect(
      await audit.list({ since: new Date(Date.UTC(2026, 11, 1) + 500), until: new Date(clock) }),
    ).toMatchObject([{ username: 'bob' }]);
  });

  it('keeps only the fingerprint in metadata mode', async () => {
    const db = await database();
    const audit = await createAuditLog({ database: db, mode: 'metadata' });
    await audit.record({
      kind: 'mcp',
      action: 'tool:query_database',
      outcome: 'ok',
      sql: "SELECT 'secret-value'",
    });
    const [event] = await audit.list();
    expect(event?.sql).toBeUndefined();
    expect(event?.sqlFingerprint).toBe(sqlFingerprint("SELECT 'other'"));
    const raw = await sql<{
      n: number;
    }>`select count(*) as n from audit_events where sql_text is not null`.execute(db.kysely);
    expect(Number(raw.rows[0]!.n)).toBe(0);
    const text = await sql<{
      t: string;
    }>`select coalesce(sql_text, '') || coalesce(sql_fingerprint, '') as t from audit_events`.execute(
      db.kysely,
    );
    expect(text.rows[0]!.t).not.toContain('secret-value');
  });

  it('exports every matching record oldest first, across pages', async () => {
    const db = await database();
    let clock = Date.UTC(2026, 5, 1);
    const audit = await createAuditLog({ database: db, now: () => clock });
    // 1,203 records, several sharing a millisecond, so paging must not skip or repeat any.
    for (let i = 0; i < 1203; i++) {
      if (i % 3 === 0) clock += 1;
      await audit.record({ kind: 'mcp', action: `tool:t${i}`, outcome: i % 2 ? 'ok' : 'error' });
    }
    const seen: { action: string; at: number }[] = [];
    for await (const event of audit.exportAll()) seen.push({ action: event.action, at: event.at.getTime() });
    expect(seen).toHaveLength(1203);
    expect(new Set(seen.map((e) => e.action))).toEqual(
      new Set(Array.from({ length: 1203 }, (_, i) => `tool:t${i}`)),
    );
    expect(seen.every((e, i) => i === 0 || seen[i - 1]!.at <= e.at)).toBe(true);
    const errors: string[] = [];
    for await (const event of audit.exportAll({
      outcome: 'error',
      since: new Date(Date.UTC(2026, 5, 1) + 200),
    }))
      errors.push(event.action);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((a) => Number(a.slice(6)) % 2 === 0 && Number(a.slice(6)) >= 597)).toBe(true);
  });

  it('prunes records past the retention', async () => {
    const db = await database();
    let clock = Date.UTC(2026, 0, 1);
    const audit = await createAuditLog({ database: db, now: () => clock, retentionMs: 30 * 86_400_000 });
    await audit.record({ kind: 'login', action: 'login', outcome: 'ok' });
    clock += 20 * 86_400_000;
    await audit.record({ kind: 'login', action: 'login', outcome: 'error' });
    clock += 15 * 86_400_000;
    expect(await audit.prune()).toBe(1);
    expect((await audit.list()).map((e) => e.outcome)).toEqual(['error']);
  });
});

describe('sqlFingerprint', () => {
  it('ignores values, case, spacing and comments, but not the shape', () => {
    const a = sqlFingerprint("SELECT * FROM t WHERE id = 1 AND name = 'x' -- hi");
    expect(sqlFingerprint("select *\n  from T where ID = 99 and NAME = 'it''s'")).toBe(a);
    expect(sqlFingerprint('SELECT * FROM t WHERE id = 1 OR name = 2')).not.toBe(a);
    expect(sqlFingerprint('SELECT "Id" FROM t')).not.toBe(sqlFingerprint('SELECT "id" FROM t'));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });
});
