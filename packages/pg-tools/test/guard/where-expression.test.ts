import { describe, expect, it } from 'vitest';
import { checkStatement, checkWhereExpression, parenthesizeWhereExpression } from '../../src/guard/index.js';

describe('checkWhereExpression', () => {
  it.each([
    "status = 'paid'",
    'total > 100 AND note IS NOT NULL',
    "created_at > now() - interval '30 days'",
    'id IN (1, 2, 3)',
    "note LIKE '%;%' -- a trailing comment is fine",
    '(total > 10) OR (status = $$open$$)',
    "profile @> '{\"vip\": true}' AND tags && ARRAY['vip']",
    "lower(name) ~ '^a' AND coalesce(email, '') <> ''",
    "note = 'x) UNION SELECT 1 --'",
    'CASE WHEN total > 100 THEN true ELSE false END',
    "similarity(name, 'alice') > 0.5",
    "name = 'Chloé' -- non-ASCII text and comments ☕",
    'note ~ $$\\d+$$',
  ])('accepts %j', async (expression) => {
    const verdict = await checkWhereExpression(expression);
    expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
  });

  it.each([
    ['1=1) UNION SELECT usename FROM pg_user --', 'NOT_AN_EXPRESSION'],
    ['1=1) UNION (SELECT 1', 'NOT_AN_EXPRESSION'],
    ['true) ORDER BY (1', 'NOT_AN_EXPRESSION'],
    ['true) LIMIT (1', 'NOT_AN_EXPRESSION'],
    ['true) GROUP BY (1', 'NOT_AN_EXPRESSION'],
    ['1=1) OR (1=1', 'NOT_AN_EXPRESSION'],
    ['1=1; DROP TABLE orders', 'NOT_AN_EXPRESSION'],
    ['1=1); DROP TABLE orders; --', 'NOT_AN_EXPRESSION'],
    ['1=1 /*', 'SYNTAX_ERROR'],
    ["1=1 '", 'SYNTAX_ERROR'],
    ['1=1)', 'NOT_AN_EXPRESSION'],
    ['id IN (SELECT customer_id FROM orders)', 'SUBQUERY_NOT_ALLOWED'],
    ['EXISTS (SELECT 1)', 'SUBQUERY_NOT_ALLOWED'],
    ['(SELECT count(*) FROM pg_authid) > 0', 'SUBQUERY_NOT_ALLOWED'],
    ['total > ALL (SELECT 1)', 'SUBQUERY_NOT_ALLOWED'],
    ["pg_read_file('/etc/passwd') IS NOT NULL", 'DENIED_FUNCTION'],
    ["nextval('orders_id_seq') > 0", 'DENIED_FUNCTION'],
    ["set_config('a.b', 'c', false) IS NOT NULL", 'DENIED_FUNCTION'],
    ["query_to_xml('delete from orders', true, true, '') IS NULL", 'DENIED_FUNCTION'],
    ['x.pg_ls_dir IS NOT NULL', 'DENIED_FUNCTION'],
    ["'\\'' || pg_ls_dir($$.$$) || ' --' = ''", 'AMBIGUOUS_STRING_LITERAL'],
    ['', 'EMPTY_STATEMENT'],
    ['   ', 'EMPTY_STATEMENT'],
  ])('refuses %j with %s', async (expression, code) => {
    expect(await checkWhereExpression(expression)).toMatchObject({ ok: false, code });
  });

  it('reports positions inside the expression, not inside its wrapper', async () => {
    expect(await checkWhereExpression('total >> AND')).toMatchObject({ code: 'SYNTAX_ERROR', position: 10 });
    expect(await checkWhereExpression("id = 1 AND pg_read_file('x') = ''")).toMatchObject({
      code: 'DENIED_FUNCTION',
      position: 12,
    });
    expect(await checkWhereExpression('id = 1 OR EXISTS (SELECT 1)')).toMatchObject({
      code: 'SUBQUERY_NOT_ALLOWED',
      position: 11,
    });
  });

  it('keeps a trailing comment inside the parentheses it is wrapped in', async () => {
    const expression = "status = 'open' -- only open ones";
    expect(await checkWhereExpression(expression)).toMatchObject({ ok: true });
    const sql = `SELECT count(*) FROM orders WHERE ${parenthesizeWhereExpression(expression)}`;
    expect(await checkStatement(sql, { allowWrites: false })).toMatchObject({ ok: true });
  });
});
