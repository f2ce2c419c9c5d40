/** Where one SQL statement sits in a buffer: [from, to) offsets, without the trailing semicolon. */
export interface StatementRange {
  from: number;
  to: number;
}

/** Skips a quoted or commented span starting at `i`; returns the index after it, or `i` when none starts there. */
function skipSpan(text: string, i: number): number {
  const c = text[i];
  const next = text[i + 1];
  if (c === '-' && next === '-') {
    const end = text.indexOf('\n', i);
    return end === -1 ? text.length : end + 1;
  }
  if (c === '/' && next === '*') {
    // PostgreSQL's block comments nest.
    let depth = 1;
    let j = i + 2;
    while (j < text.length && depth > 0) {
      const step = text.startsWith('/*', j) ? 1 : text.startsWith('*/', j) ? -1 : 0;
      depth += step;
      j += step === 0 ? 1 : 2;
    }
    return j;
  }
  if (c === "'" || c === '"') {
    // A doubled quote inside stays inside; E'' strings may escape with a backslash.
    const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
    let j = i + 1;
    while (j < text.length) {
      if (escapes && text[j] === '\\') j += 2;
      else if (text[j] === c) {
        if (text[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return j;
  }
  if (c === '$') {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
    if (tag && !/[\w$]/.test(text[i - 1] ?? '')) {
      const end = text.indexOf(tag[0], i + tag[0].length);
      return end === -1 ? text.length : end + tag[0].length;
    }
  }
  return i;
}

/** The statements of a buffer, split on semicolons outside strings, dollar quotes and comments. */
export function splitStatements(text: string): StatementRange[] {
  const ranges: StatementRange[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const after = skipSpan(text, i);
    if (after !== i) i = after;
    else if (text[i] === ';') {
      ranges.push({ from: start, to: i });
      start = ++i;
    } else i++;
  }
  ranges.push({ from: start, to: text.length });
  return ranges.map(trimRange(text)).filter((r) => hasCode(text.slice(r.from, r.to)));
}

function trimRange(text: string) {
  return ({ from, to }: StatementRange): StatementRange => {
    while (from < to && /\s/.test(text[from]!)) from++;
    while (to > from && /\s/.test(text[to - 1]!)) to--;
    return { from, to };
  };
}

/** True when a piece of SQL has something besides whitespace and comments. */
function hasCode(sql: string): boolean {
  let i = 0;
  while (i < sql.length) {
    if (sql.startsWith('--', i) || sql.startsWith('/*', i)) i = skipSpan(sql, i);
    else if (/\s/.test(sql[i]!)) i++;
    else return true;
  }
  return false;
}

/** The statement the cursor is in, or the one just before it (the cursor after `;` at a line end). */
export function statementAt(text: string, cursor: number): StatementRange | undefined {
  const ranges = splitStatements(text);
  let before: StatementRange | undefined;
  for (const range of ranges) {
    if (cursor >= range.from && cursor <= range.to + 1) return range;
    if (range.to < cursor) before = range;
  }
  return before ?? ranges[0];
}

/** What Run executes: the selection when there is one, else the statement under the cursor. */
export function sqlToRun(text: string, selection: { from: number; to: number }): string {
  if (selection.to > selection.from) return text.slice(selection.from, selection.to).trim();
  const range = statementAt(text, selection.from);
  return range ? text.slice(range.from, range.to) : '';
}
