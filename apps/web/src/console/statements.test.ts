import { describe, expect, it } from 'vitest';
import { splitStatements, sqlToRun, statementAt } from './statements.js';

const texts = (sql: string) => splitStatements(sql).map((r) => sql.slice(r.from, r.to));

describe('splitStatements', () => {
  it('splits on semicolons and trims', () => {
    expect(texts('SELECT 1;\n SELECT 2 ;\n\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });
  it('keeps semicolons inside strings, identifiers, comments and dollar quotes', () => {
    const sql = [
      'SELECT \'a;b\', "x;y" -- c;d\nFROM t',
      "SELECT E'it\\'s;'",
      '/* a; /* nested; */ still; */ SELECT 3',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
      'SELECT $$;$$',
    ].join(';\n');
    expect(texts(sql)).toHaveLength(5);
    expect(texts(sql)[3]).toContain('$body$ SELECT 1; $body$');
  });
  it('drops statements that are only comments', () => {
    expect(texts('SELECT 1; -- done\n')).toEqual(['SELECT 1']);
  });
  it('does not take a positional parameter for a dollar quote', () => {
    expect(texts('SELECT $1; SELECT 2')).toEqual(['SELECT $1', 'SELECT 2']);
  });
});

describe('statementAt and sqlToRun', () => {
  const sql = 'SELECT 1;\nSELECT 2;\nSELECT 3';
  it('finds the statement under the cursor', () => {
    expect(sqlToRun(sql, { from: sql.indexOf('2'), to: sql.indexOf('2') })).toBe('SELECT 2');
    expect(sqlToRun(sql, { from: sql.length, to: sql.length })).toBe('SELECT 3');
  });
  it('takes the statement just before a cursor right after its semicolon', () => {
    const at = sql.indexOf(';') + 1;
    expect(sqlToRun(sql, { from: at, to: at })).toBe('SELECT 1');
  });
  it('runs exactly the selection when there is one', () => {
    const from = sql.indexOf('SELECT 2');
    expect(sqlToRun(sql, { from, to: from + 'SELECT 2'.length })).toBe('SELECT 2');
  });
  it('answers nothing for an empty buffer', () => {
    expect(statementAt('', 0)).toBeUndefined();
    expect(sqlToRun('  ', { from: 0, to: 0 })).toBe('');
  });
});
