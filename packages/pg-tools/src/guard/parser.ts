import { hasSqlDetails, loadModule, parseSync } from 'libpg-query';
import type { GuardParseError } from './types.js';
import { unwrap, type TreeObject } from './walk.js';

let loading: Promise<void> | undefined;

/** Loads the WASM parser once per process; later calls return at once. */
export function loadParser(): Promise<void> {
  loading ??= loadModule().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** One raw statement: its node type, fields, and where it starts in the text (byte offset). */
export interface RawStatement {
  readonly type: string;
  readonly fields: TreeObject;
  readonly byteOffset: number;
}

/** What {@link parseStatements} returns. */
export type ParseOutcome = { readonly statements: readonly RawStatement[] } | GuardParseError;

/**
 * Parses with the real PostgreSQL 18 grammar (synchronous; {@link loadParser} must have
 * resolved). Syntax errors carry psql's 1-based character position.
 */
export function parseStatements(sql: string): ParseOutcome {
  if (sql.trim() === '') return emptyStatement();
  let tree: unknown;
  try {
    tree = parseSync(sql);
  } catch (error) {
    return parseFailure(error);
  }
  const stmts = (tree as { stmts?: unknown[] }).stmts ?? [];
  const statements: RawStatement[] = [];
  for (const raw of stmts) {
    const rawStmt = raw as { stmt?: unknown; stmt_location?: number };
    const node = unwrap(rawStmt.stmt);
    if (!node) continue;
    statements.push({ type: node[0], fields: node[1], byteOffset: rawStmt.stmt_location ?? 0 });
  }
  if (statements.length === 0) return emptyStatement();
  return { statements };
}

function emptyStatement(): GuardParseError {
  return {
    kind: 'error',
    code: 'EMPTY_STATEMENT',
    message: 'The query is empty (only whitespace, comments or semicolons). Send one SQL statement.',
  };
}

function parseFailure(error: unknown): GuardParseError {
  if (hasSqlDetails(error)) {
    // libpg-query reports the parser's 1-based character cursor minus one.
    return {
      kind: 'error',
      code: 'SYNTAX_ERROR',
      message: error.message,
      position: (error.sqlDetails?.cursorPosition ?? 0) + 1,
    };
  }
  if (error instanceof RangeError) {
    // The WASM parser recurses once per nesting level and runs out of stack on thousands.
    return {
      kind: 'error',
      code: 'STATEMENT_TOO_COMPLEX',
      message:
        'The statement is nested too deeply for the SQL parser (thousands of chained operators or parentheses). Simplify it.',
    };
  }
  throw error;
}

/** True when every character is ASCII, so byte offsets and character positions coincide. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Turns the parser's byte offsets (into the UTF-8 text) into psql's 1-based character
 * (code point) positions.
 */
export function createPositionMapper(sql: string): (byteOffset: number | undefined) => number | undefined {
  if (isAscii(sql)) return (byteOffset) => (byteOffset === undefined ? undefined : byteOffset + 1);
  return (byteOffset) => {
    if (byteOffset === undefined) return undefined;
    let bytes = 0;
    let chars = 0;
    for (const char of sql) {
      if (bytes >= byteOffset) break;
      const code = char.codePointAt(0)!;
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      chars++;
    }
    return chars + 1;
  };
}
