/**
 * The guard parses with `standard_conforming_strings = on`. A server (or a role, or a database)
 * configured with it `off` reads backslashes in plain '…' literals as escapes, so `'\''` ends a
 * literal at a different place and text the guard saw inside a string becomes SQL. This module
 * finds plain literals whose extent depends on that setting; the guard refuses them, so its
 * verdict holds whatever the server's setting is.
 *
 * It is a small lexer for PostgreSQL's lexical structure (comments, quoted identifiers, dollar
 * quotes, string prefixes, continuation lines). It only runs on text that the real parser already
 * accepted and that contains a backslash. By induction, checking every plain literal is enough:
 * outside plain literals both settings lex identically, so if every plain literal ends at the same
 * place under both, the whole token stream is the same.
 */

const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isNewline = (c: string | undefined) => c === '\n' || c === '\r';
const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_\u0080-\uffff]/.test(c);
const isIdentCont = (c: string | undefined) => c !== undefined && /[A-Za-z_0-9$\u0080-\uffff]/.test(c);

const DOLLAR_QUOTE = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y;

/** Index just after a `--` comment that starts at `i` (the newline is not consumed). */
function skipLineComment(sql: string, i: number): number {
  while (i < sql.length && !isNewline(sql[i])) i++;
  return i;
}

/**
 * If a string literal closed just before `i` continues (whitespace with a newline, then a quote),
 * the index of that quote.
 */
function continuationQuote(sql: string, i: number): number | undefined {
  // {horiz_whitespace}*
  for (;;) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\f') i++;
    else if (c === '-' && sql[i + 1] === '-') i = skipLineComment(sql, i);
    else break;
  }
  if (!isNewline(sql[i])) return undefined;
  i++;
  // {special_whitespace}*: spaces, or a comment followed by a newline
  for (;;) {
    if (isSpace(sql[i])) i++;
    else if (sql[i] === '-' && sql[i + 1] === '-') {
      const end = skipLineComment(sql, i);
      if (!isNewline(sql[end])) return undefined;
      i = end + 1;
    } else break;
  }
  return sql[i] === "'" ? i : undefined;
}

/** Index just after the literal whose opening quote is at `start`, or undefined if unterminated. */
function scanQuoted(sql: string, start: number, backslashEscapes: boolean): number | undefined {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === "'") {
      if (sql[i + 1] === "'") {
        i += 2;
        continue;
      }
      const next = continuationQuote(sql, i + 1);
      if (next === undefined) return i + 1;
      i = next + 1;
    } else {
      i++;
    }
  }
  return undefined;
}

/**
 * The index (into the JavaScript string) of the first plain string literal that would end at a
 * different place with `standard_conforming_strings = off`, or undefined when there is none.
 */
export function findAmbiguousStringLiteral(sql: string): number | undefined {
  if (!sql.includes('\\')) return undefined;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      i = skipLineComment(sql, i);
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        const pair = sql.slice(i, i + 2);
        depth += pair === '/*' ? 1 : pair === '*/' ? -1 : 0;
        i += pair === '/*' || pair === '*/' ? 2 : 1;
      }
    } else if (c === '"') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
    } else if (c === "'") {
      // A plain literal (also the quote of N'…'): its extent depends on the setting.
      const on = scanQuoted(sql, i, false);
      if (on !== scanQuoted(sql, i, true)) return i;
      if (on === undefined) return undefined;
      i = on;
    } else if ((c === 'e' || c === 'E') && next === "'") {
      i = scanQuoted(sql, i + 1, true) ?? sql.length;
    } else if ('bBxX'.includes(c) && next === "'") {
      i = scanQuoted(sql, i + 1, false) ?? sql.length;
    } else if ((c === 'u' || c === 'U') && next === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
      // U&'…' is rejected by the server when the setting is off; U&"…" is an identifier.
      i += 2;
      if (sql[i] === "'") i = scanQuoted(sql, i, false) ?? sql.length;
    } else if ((c === 'n' || c === 'N') && next === "'") {
      i++;
    } else if (c === '$') {
      DOLLAR_QUOTE.lastIndex = i;
      const match = DOLLAR_QUOTE.exec(sql);
      if (match) {
        const end = sql.indexOf(match[0], i + match[0].length);
        i = end < 0 ? sql.length : end + match[0].length;
      } else {
        i++;
        while (/[0-9]/.test(sql[i] ?? '')) i++;
      }
    } else if (isIdentStart(c) || /[0-9]/.test(c)) {
      // Identifiers, keywords and numbers; a quote right after one starts a plain literal.
      i++;
      while (isIdentCont(sql[i]) || (sql[i] === '.' && /[0-9]/.test(c))) i++;
    } else {
      i++;
    }
  }
  return undefined;
}
