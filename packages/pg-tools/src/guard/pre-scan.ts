/**
 * A cheap scan of the statement text before the WASM parser sees it. The parser recurses once
 * per level of the tree and overflows its stack (leaking what it allocated) on a few thousand
 * levels, and its time grows with the number of tokens; both are bounded here, with limits far
 * above real analytical queries. See README.md § Limits.
 */
import type { GuardParseError } from './types.js';

/** Longest statement the guard parses, in characters (256 KiB). */
export const MAX_STATEMENT_CHARS = 256 * 1024;

/** Most tokens (words, numbers, literals, operators, punctuation) the guard parses. */
export const MAX_STATEMENT_TOKENS = 20_000;

/**
 * Most nesting, in units: each parenthesis, bracket or CASE level counts 4, and each operator
 * chained inside one level (`a + b + c …`, `NOT NOT …`, `x IS NULL IS NULL …`, `x::t::t …`,
 * `UNION`, `JOIN`) counts 1.
 * The parser overflows at about 7,400 units; list separators (`,`, AND, OR, WHEN, …) end a
 * chain because the parser builds flat lists for them.
 */
export const MAX_NESTING_UNITS = 1_000;

const LEVEL_UNITS = 4;
const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|`?');
/** Keywords after which an operator chain starts afresh (the parser makes flat lists of them). */
const CHAIN_BREAKS = new Set([
  'and',
  'or',
  'when',
  'then',
  'else',
  'select',
  'from',
  'where',
  'having',
  'on',
  'using',
  'returning',
  'set',
  'values',
  'by',
  'limit',
  'offset',
  'as',
]);
/** Keywords that are binary or postfix operators: chains of them nest like `+` does. */
const OPERATOR_WORDS = new Set([
  'not',
  'is',
  'isnull',
  'notnull',
  'like',
  'ilike',
  'similar',
  'between',
  'in',
  'collate',
  'at',
  'overlaps',
  'escape',
]);
/** Keywords that chain left-deep within a level without being broken by commas. */
const SET_OPERATIONS = new Set(['union', 'intersect', 'except']);

interface Level {
  /** Chained operators since the last list separator. */
  operators: number;
  /** JOINs since the last comma or SELECT/FROM. */
  joins: number;
  /** UNION / INTERSECT / EXCEPT in this level. */
  sets: number;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isWordPart = (c: number) => isWordStart(c) || isDigit(c) || c === 36;

function tooLong(length: number): GuardParseError {
  return {
    kind: 'error',
    code: 'STATEMENT_TOO_LONG',
    message: `The statement is ${length.toLocaleString('en-US')} characters long; pgmcp accepts at most ${MAX_STATEMENT_CHARS.toLocaleString('en-US')}. Send a shorter statement (e.g. a join with a table instead of a huge IN list).`,
  };
}

function tooComplex(what: string): GuardParseError {
  return {
    kind: 'error',
    code: 'STATEMENT_TOO_COMPLEX',
    message: `The statement is ${what} for pgmcp's SQL checks. Simplify it: split it into smaller queries, or replace long lists and chains by a join or an array.`,
  };
}

/** End of a quoted run starting after `open` at `from` (doubled quotes stay inside). */
function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return i;
}

/** End of a (nestable) block comment starting at `from` (just after the opening slash-star). */
function skipBlockComment(sql: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < sql.length && depth > 0) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
    } else i++;
  }
  return i;
}

/**
 * Refuses a statement that is too long, has too many tokens or nests too deeply for the WASM
 * parser, before it is parsed; undefined when the parser may see it. Strings, quoted
 * identifiers and comments are skipped the way PostgreSQL's scanner skips them.
 */
export function preScan(sql: string): GuardParseError | undefined {
  if (sql.length > MAX_STATEMENT_CHARS) return tooLong(sql.length);
  const levels: Level[] = [{ operators: 0, joins: 0, sets: 0 }];
  let chained = 0;
  let deepest = 0;
  let tokens = 0;
  const top = () => levels[levels.length - 1]!;
  const setTop = (field: keyof Level, value: number) => {
    const level = top();
    chained += value - level[field];
    level[field] = value;
  };
  const measure = () => {
    const units = (levels.length - 1) * LEVEL_UNITS + chained;
    if (units > deepest) deepest = units;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    const ch = sql[i]!;
    if (c <= 32) {
      i++;
      continue;
    }
    tokens++;
    if (tokens > MAX_STATEMENT_TOKENS) {
      return tooComplex(`made of more than ${MAX_STATEMENT_TOKENS.toLocaleString('en-US')} tokens`);
    }
    if (ch === '-' && sql[i + 1] === '-') {
      tokens--;
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      tokens--;
      i = skipBlockComment(sql, i + 2);
    } else if (ch === "'") {
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e');
      i = skipQuoted(sql, i + 1, "'", escapes);
    } else if (ch === '"') {
      i = skipQuoted(sql, i + 1, '"', false);
    } else if (ch === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 66))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end === -1 ? sql.length : end + tag.length;
    } else if (ch === '(' || ch === '[') {
      levels.push({ operators: 0, joins: 0, sets: 0 });
      measure();
      i++;
    } else if (ch === ')' || ch === ']') {
      if (levels.length > 1) {
        const level = levels.pop()!;
        chained -= level.operators + level.joins + level.sets;
      }
      i++;
    } else if (ch === ',' || ch === ';') {
      setTop('operators', 0);
      setTop('joins', 0);
      i++;
    } else if (isDigit(c) || (ch === '$' && isDigit(sql.charCodeAt(i + 1)))) {
      // A number or a $n parameter: one token, however many digits.
      i++;
      while (i < sql.length && (isWordPart(sql.charCodeAt(i)) || sql[i] === '.')) i++;
    } else if (ch === ':' && sql[i + 1] === ':') {
      setTop('operators', top().operators + 1);
      measure();
      i += 2;
    } else if (OPERATOR_CHARS.has(ch)) {
      while (i < sql.length && OPERATOR_CHARS.has(sql[i]!)) i++;
      setTop('operators', top().operators + 1);
      measure();
    } else if (isWordStart(c)) {
      const start = i;
      while (i < sql.length && isWordPart(sql.charCodeAt(i))) i++;
      // E'…' and U&'…' strings: the quote that follows is handled as a string next.
      // No keyword that matters is longer than 9 letters: skip the rest without slicing.
      const word = i - start <= 9 ? sql.slice(start, i).toLowerCase() : '';
      if (word === '') {
        // an identifier
      } else if (word === 'case') {
        levels.push({ operators: 0, joins: 0, sets: 0 });
        measure();
      } else if (word === 'end') {
        if (levels.length > 1) {
          const level = levels.pop()!;
          chained -= level.operators + level.joins + level.sets;
        }
      } else if (OPERATOR_WORDS.has(word)) {
        setTop('operators', top().operators + 1);
        measure();
      } else if (word === 'join') {
        setTop('joins', top().joins + 1);
        measure();
      } else if (SET_OPERATIONS.has(word)) {
        setTop('sets', top().sets + 1);
        measure();
      } else if (CHAIN_BREAKS.has(word)) {
        setTop('operators', 0);
        if (word === 'select' || word === 'from') setTop('joins', 0);
      }
    } else {
      i++;
    }
    if (deepest > MAX_NESTING_UNITS) return tooComplex('nested too deeply (or its operators chain too long)');
  }
  return undefined;
}
