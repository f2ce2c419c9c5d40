import { openSqlDatabase, type SqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthStoreError, createQueryLibrary } from '../src/index.js';

describe.each(useStoreTestTargets('query_library'))('the query library on $dialect', (target) => {
  const open: SqlDatabase[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  async function database(): Promise<SqlDatabase> {
    const db = await openSqlDatabase({ url: await target.newUrl() });
    open.push(db);
    return db;
  }

  it('keeps each user their own history, newest first, searchable and paged', async () => {
    let clock = Date.UTC(2026, 11, 1);
    const library = await createQueryLibrary({ database: await database(), now: () => clock++ });
    await library.recordHistory('ada', {
      sql: 'SELECT count(*) FROM Orders',
      connection: 'shop',
      database: 'shop',
      outcome: 'ok',
      rowCount: 1,
      durationMs: 12.4,
    });
    await library.recordHistory('ada', {
      sql: 'SELECT 100%',
      connection: 'crm',
      outcome: 'error',
      error: 'syntax',
    });
    await library.recordHistory('ada', { sql: 'SELECT * FROM customers', connection: 'shop', outcome: 'ok' });
    await library.recordHistory('bob', { sql: 'SELECT * FROM orders', outcome: 'ok' });

    const all = await library.listHistory('ada');
    expect(all.entries.map((e) => e.sql)).toEqual([
      'SELECT * FROM customers',
      'SELECT 100%',
      'SELECT count(*) FROM Orders',
    ]);
    expect(all.entries[2]).toMatchObject({
      connection: 'shop',
      database: 'shop',
      rowCount: 1,
      durationMs: 12,
    });
    expect(all.entries[1]).toMatchObject({ outcome: 'error', error: 'syntax' });
    expect(all.nextCursor).toBeUndefined();

    // Case-insensitive on both dialects; % and _ are literal.
    expect((await library.listHistory('ada', { q: 'orders' })).entries.map((e) => e.sql)).toEqual([
      'SELECT count(*) FROM Orders',
    ]);
    expect((await library.listHistory('ada', { q: '0%' })).entries.map((e) => e.sql)).toEqual([
      'SELECT 100%',
    ]);
    expect((await library.listHistory('ada', { q: '_' })).entries).toEqual([]);
    expect((await library.listHistory('ada', { connection: 'shop' })).entries).toHaveLength(2);

    const first = await library.listHistory('ada', { limit: 2 });
    expect(first.entries).toHaveLength(2);
    const second = await library.listHistory('ada', { limit: 2, cursor: first.nextCursor! });
    expect(second.entries.map((e) => e.sql)).toEqual(['SELECT count(*) FROM Orders']);

    expect(await library.deleteHistoryEntry('bob', all.entries[0]!.id)).toBe(false);
    expect(await library.deleteHistoryEntry('ada', all.entries[0]!.id)).toBe(true);
    expect(await library.clearHistory('ada')).toBe(2);
    expect((await library.listHistory('bob')).entries).toHaveLength(1);
  });

  it('caps the history per user, dropping the oldest', async () => {
    const library = await createQueryLibrary({ database: await database(), historyPerUser: 3 });
    for (let i = 1; i <= 5; i++) await library.recordHistory('ada', { sql: `SELECT ${i}`, outcome: 'ok' });
    await library.recordHistory('bob', { sql: 'SELECT 0', outcome: 'ok' });
    expect((await library.listHistory('ada')).entries.map((e) => e.sql)).toEqual([
      'SELECT 5',
      'SELECT 4',
      'SELECT 3',
    ]);
    expect((await library.listHistory('bob')).entries).toHaveLength(1);
  });

  it('lists own and group-shared saved queries; only the owner changes them', async () => {
    const library = await createQueryLibrary({ database: await database(), savedPerUser: 2 });
    const ada = { id: 'ada', name: 'ada' };
    const analysts = { id: 'g1', name: 'analysts' };
    const shared = await library.createSaved(ada, {
      name: 'Top customers',
      sql: 'SELECT 1',
      connection: 'shop',
      group: analysts,
    });
    await library.createSaved(ada, { name: 'Private', sql: 'SELECT 2', description: ' mine ' });
    await expect(library.createSaved(ada, { name: 'Private', sql: 'SELECT 3' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(library.createSaved(ada, { name: 'Third', sql: 'SELECT 3' })).rejects.toThrow(/2 saved/);

    expect((await library.listSaved('ada', [])).map((q) => q.name)).toEqual(['Private', 'Top customers']);
    const seen = await library.listSaved('bob', ['g1']);
    expect(seen).toEqual([
      expect.objectContaining({
        name: 'Top customers',
        ownerName: 'ada',
        group: analysts,
        connection: 'shop',
      }),
    ]);
    expect(await library.listSaved('carol', ['g2'])).toEqual([]);
    expect((await library.listSaved('ada', [], 'PRIV')).map((q) => q.name)).toEqual(['Private']);

    await expect(
      library.updateSaved('bob', shared.id, { name: 'Mine now', sql: 'SELECT 9' }),
    ).rejects.toBeInstanceOf(AuthStoreError);
    expect(await library.deleteSaved('bob', shared.id)).toBe(false);
    const updated = await library.updateSaved('ada', shared.id, { name: 'Top customers', sql: 'SELECT 10' });
    expect(updated).toMatchObject({ sql: 'SELECT 10', name: 'Top customers' });
    expect(updated.group).toBeUndefined();
    expect(await library.deleteSaved('ada', shared.id)).toBe(true);
    expect(await library.findSaved(shared.id)).toBeUndefined();
  });

  it('refuses empty SQL and names, naming the field', async () => {
    const library = await createQueryLibrary({ database: await database() });
    await expect(library.recordHistory('ada', { sql: '  ', outcome: 'ok' })).rejects.toThrow(/sql/);
    await expect(library.createSaved({ id: 'a', name: 'a' }, { name: ' ', sql: 'SELECT 1' })).rejects.toThrow(
      /name/,
    );
  });
});
