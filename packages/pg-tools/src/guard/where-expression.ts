import { analyzeSingle } from './analyze.js';
import { parseRefusal, refuse } from './check.js';
import { createPositionMapper, loadParser, parseWithRecovery, scanTokens } from './parser.js';
import { preScan } from './pre-scan.js';
import type { GuardVerdict } from './types.js';
import { walkTree } from './walk.js';

// The newlines end a trailing `--` comment inside the expression before our closing parenthesis.
const PREFIX = 'SELECT 1 WHERE (\n';
const SUFFIX = '\n)';
const PREFIX_CHARS = PREFIX.length;

/** The only fields `SELECT 1 WHERE (…)` has; anything else means the text escaped the parentheses. */
const WRAPPER_FIELDS = new Set(['targetList', 'whereClause', 'limitOption', 'op']);

/**
 * Wraps a checked where-expression for use after `WHERE`, exactly as {@link checkWhereExpression}
 * checked it: `(\n<expr>\n)`.
 */
export function parenthesizeWhereExpression(expression: string): string {
  return `(\n${expression}\n)`;
}

function notAnExpression(detail: string): GuardVerdict {
  return refuse(
    'NOT_AN_EXPRESSION',
    'where',
    `The where argument must be one boolean expression over the table's columns, e.g. status = 'open' AND total > 100; ${detail}`,
  );
}

const UNSCANNABLE = 'PostgreSQL’s scanner could not read it.';

/**
 * Why the expression's tokens cannot be one expression (a semicolon, or a parenthesis that would
 * close ours), by PostgreSQL's own scanner; undefined when they may be. When the scanner rejects
 * the text, the parser gets to report the syntax error with its position first.
 */
function tokenProblem(expression: string): string | undefined {
  const tokens = scanTokens(expression);
  if (!tokens) return UNSCANNABLE;
  let depth = 0;
  for (const token of tokens) {
    if (token.tokenName === 'ASCII_59')
      return 'it contains a semicolon; send one expression, not statements.';
    if (token.tokenName === 'ASCII_40' || token.tokenName === 'ASCII_91') depth++;
    else if (token.tokenName === 'ASCII_41' || token.tokenName === 'ASCII_93') depth--;
    if (depth < 0) return 'it closes a parenthesis it did not open.';
  }
  return depth === 0 ? undefined : 'its parentheses do not balance.';
}

/**
 * Checks `count_rows`' `where` argument: it must be exactly one expression (it is parsed as
 * `SELECT 1 WHERE (\n<expr>\n)` and the tree must have exactly that shape), with no subquery and
 * nothing the read-only policy refuses. Build the final SQL with {@link parenthesizeWhereExpression}.
 *
 * @example
 *   const verdict = await checkWhereExpression("status = 'open'");
 *   if (verdict.ok) sql = `SELECT count(*) FROM ${table} WHERE ${parenthesizeWhereExpression(where)}`;
 */
export async function checkWhereExpression(expression: string): Promise<GuardVerdict> {
  if (expression.trim() === '') {
    return refuse('EMPTY_STATEMENT', '', 'The where expression is empty; omit it to count every row.');
  }
  const sql = `${PREFIX}${expression}${SUFFIX}`;
  const refused = preScan(sql);
  if (refused) return parseRefusal(expression, refused);
  await loadParser();
  const problem = tokenProblem(expression);
  if (problem && problem !== UNSCANNABLE) return notAnExpression(problem);
  const parsed = await parseWithRecovery(sql);
  if ('kind' in parsed) {
    if (parsed.code !== 'SYNTAX_ERROR' || parsed.position === undefined) {
      if (parsed.code !== 'EMPTY_STATEMENT' && parsed.code !== 'MULTIPLE_STATEMENTS') {
        return parseRefusal(expression, parsed);
      }
      return notAnExpression('it did not parse as one.');
    }
    const length = [...expression].length;
    const position = Math.min(Math.max(parsed.position - PREFIX_CHARS, 1), length + 1);
    return parseRefusal(expression, { ...parsed, position });
  }
  if (problem) return notAnExpression(problem);
  const [statement, extra] = parsed.statements;
  if (
    extra ||
    statement?.type !== 'SelectStmt' ||
    statement.fields.op !== 'SETOP_NONE' ||
    !Object.keys(statement.fields).every((field) => WRAPPER_FIELDS.has(field)) ||
    !statement.fields.whereClause
  ) {
    return notAnExpression(
      'this text reaches outside the expression (a semicolon, UNION, ORDER BY, LIMIT, … ).',
    );
  }

  const toPosition = createPositionMapper(sql);
  const inExpression = (position: number | undefined) =>
    position === undefined ? undefined : Math.max(position - PREFIX_CHARS, 1);
  let subquery: { at: number | undefined } | undefined;
  walkTree(statement.fields.whereClause, ({ type, location }) => {
    subquery ??= type === 'SubLink' ? { at: inExpression(toPosition(location)) } : undefined;
  });
  if (subquery) {
    return refuse(
      'SUBQUERY_NOT_ALLOWED',
      'subquery',
      'Subqueries (SELECT, EXISTS, IN (SELECT …)) are not allowed in the where argument. Use a plain condition on the table’s columns, or query_database for a full query.',
      subquery.at,
    );
  }
  const analysis = analyzeSingle(sql, statement);
  const blocking = analysis.findings[0];
  if (blocking) {
    return refuse(blocking.code, blocking.construct, blocking.message, inExpression(blocking.location));
  }
  return { ok: true, analysis };
}
