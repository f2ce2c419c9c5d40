import { describe, expect, it } from 'vitest';
import { looksLikeSql, tokenizeSql } from './sql-tokens.js';

const kinds = (sql: string) =>
  tokenizeSql(sql)
    .filter((t) => t.kind !== 'text')
    .map((t) => [t.kind, t.text]);

describe('tokenizeSql', () => {
  it('gives back the input exactly', () => {
    const sql = `SELECT "Order Id", sum(total) -- revenue\nFROM sales.orders WHERE status = 'it''s' AND id > $1::int /* x */`;
    expect(
      tokenizeSql(sql)
        .map((t) => t.text)
        .join(''),
    ).toBe(sql);
  });

  it('tells keywords, functions, strings, numbers, comments and quoted names apart', () => {
    expect(kinds(`select count(*), 'a' from "T" where x >= 1.5e3 -- c`)).toEqual([
      ['keyword', 'select'],
      ['function', 'count'],
      ['operator', '*'],
      ['string', "'a'"],
      ['keyword', 'from'],
      ['quoted', '"T"'],
      ['keyword', 'where'],
      ['identifier', 'x'],
      ['operator', '>='],
      ['number', '1.5e3'],
      ['comment', '-- c'],
    ]);
  });

  it('reads dollar quotes and unfinished strings to the end', () => {
    expect(kinds("SELECT $tag$ it's $tag$")).toEqual([
      ['keyword', 'SELECT'],
      ['string', "$tag$ it's $tag$"],
    ]);
    expect(kinds("SELECT 'open")).toEqual([
      ['keyword', 'SELECT'],
      ['string', "'open"],
    ]);
  });
});

describe('looksLikeSql', () => {
  it('recognises statements by their first word', () => {
    expect(looksLikeSql('  with x as (select 1) select * from x')).toBe(true);
    expect(looksLikeSql('npm install')).toBe(false);
  });
});
