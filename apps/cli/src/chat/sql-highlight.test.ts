import { describe, expect, it } from 'vitest';
import { createStyle, stripAnsi } from './ansi.js';
import { highlightSql, highlightSqlLine } from './sql-highlight.js';

// Markers instead of ANSI codes make the colouring readable in assertions.
const marks = {
  ...createStyle(false),
  enabled: true,
  bold: (t: string) => t,
  blue: (t: string) => `<k>${t}</k>`,
  green: (t: string) => `<s>${t}</s>`,
  yellow: (t: string) => `<n>${t}</n>`,
  gray: (t: string) => `<c>${t}</c>`,
  cyan: (t: string) => `<i>${t}</i>`,
  magenta: (t: string) => `<t>${t}</t>`,
};

describe('highlightSql', () => {
  it('marks keywords, types, strings, numbers, parameters and quoted identifiers', () => {
    expect(
      highlightSql(
        `SELECT o.order, "Total"::numeric FROM t WHERE s = 'it''s' AND n > 1.5e3 AND id = $1`,
        marks,
      ),
    ).toBe(
      `<k>SELECT</k> o.order, <i>"</i><i>Total"</i>::<t>numeric</t> <k>FROM</k> t <k>WHERE</k> s = <s>'</s><s>it''s'</s> <k>AND</k> n > <n>1.5e3</n> <k>AND</k> id = <t>$1</t>`,
    );
  });

  it('carries block comments, strings and dollar quotes across lines', () => {
    const sql = "/* one\ntwo */ SELECT $body$\nraw 'text'\n$body$, 'multi\nline'";
    expect(highlightSql(sql, marks).split('\n')).toEqual([
      '<c>/*</c><c> one</c>',
      '<c>two */</c> <k>SELECT</k> <s>$body$</s>',
      "<s>raw 'text'</s>",
      "<s>$body$</s>, <s>'</s><s>multi</s>",
      "<s>line'</s>",
    ]);
    expect(highlightSqlLine('a -- note', marks).text).toBe('a <c>-- note</c>');
  });

  it('changes nothing without colours', () => {
    const sql = "SELECT 'x' -- y\nFROM t /* z */";
    expect(highlightSql(sql, createStyle(false))).toBe(sql);
    expect(stripAnsi(highlightSql(sql, createStyle(true)))).toBe(sql);
  });
});
