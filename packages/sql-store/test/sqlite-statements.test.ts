import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements } from '../src/sqlite-dialect.js';

/** A real in-memory database whose prepare() calls are counted. */
function countedDatabase() {
  const sqlite = new Database(':memory:');
  sqlite.exec(
    "create table t (id integer primary key, v text); insert into t values (1, 'a'), (2, 'b'), (3, 'c')",
  );
  const counter = { prepared: 0 };
  const database = cacheStatements({
    prepare: (text: string) => {
      counter.prepared += 1;
      return sqlite.prepare(text);
    },
    close: () => sqlite.close(),
  });
  return { database, counter, sqlite };
}

describe('cacheStatements', () => {
  it('prepares a statement once and runs it with each call’s parameters', () => {
    const { database, counter } = countedDatabase();
    const lookup = 'select v from t where id = ?';
    expect(database.prepare(lookup).all([1])).toEqual([{ v: 'a' }]);
    expect(database.prepare(lookup).all([3])).toEqual([{ v: 'c' }]);
    expect(counter.prepared).toBe(1);
    database.close();
  });

  it('gives a fresh statement while the cached one is busy iterating', () => {
    const { database, counter } = countedDatabase();
    const all = 'select id from t order by id';
    const outer = database.prepare(all).iterate([]);
    expect(outer.next().value).toEqual({ id: 1 });
    expect(database.prepare(all).all([])).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect([...outer]).toEqual([{ id: 2 }, { id: 3 }]);
    expect(counter.prepared).toBe(2);
    // Once the iterator is done, the cached statement is shared again.
    database.prepare(all).all([]);
    expect(counter.prepared).toBe(2);
    database.close();
  });

  it('drops the least recently used statement beyond 256 and prepares it again when needed', () => {
    const { database, counter } = countedDatabase();
    const first = 'select 0 as n';
    database.prepare(first).all([]);
    for (let i = 1; i <= 256; i++) database.prepare(`select ${i} as n`).all([]);
    expect(counter.prepared).toBe(257);
    expect(database.prepare(first).all([])).toEqual([{ n: 0 }]);
    expect(counter.prepared).toBe(258);
    // The most recently used one is still cached.
    database.prepare('select 256 as n').all([]);
    expect(counter.prepared).toBe(258);
    database.close();
  });

  it('sees schema changes made after a statement was cached', () => {
    const { database, sqlite } = countedDatabase();
    const star = 'select * from t where id = ?';
    expect(database.prepare(star).all([1])).toEqual([{ id: 1, v: 'a' }]);
    sqlite.exec("alter table t add column w text default 'x'");
    expect(database.prepare(star).all([1])).toEqual([{ id: 1, v: 'a', w: 'x' }]);
    database.close();
  });
});
