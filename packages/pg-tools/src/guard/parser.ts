import { createRequire } from 'node:module';
import type * as LibPgQuery from 'libpg-query';
import type { GuardParseError } from './types.js';
import { unwrap, type TreeObject } from './walk.js';

type PgQuery = typeof LibPgQuery;

interface Instance {
  readonly lib: PgQuery;
  /** Set after any failure that is not an ordinary syntax error: the instance is never used again. */
  tainted: boolean;
}

const require = createRequire(import.meta.url);
let current: Instance | undefined;
let loading: Promise<void> | undefined;
let replaced = 0;

/** Called with every instance loaded (tests use it to simulate a parser that always fails). */
export const parserHooks: { afterLoad?: (lib: PgQuery) => void } = {};

/**
 * A new WASM instance of the parser, with memory and stack of its own: each evaluation of
 * libpg-query's entry point instantiates one, so it is dropped from require's cache first.
 */
function freshModule(): PgQuery {
  const entry = require.resolve('libpg-query');
  delete require.cache[entry];
  return require(entry) as PgQuery;
}

/**
 * Loads the WASM parser (once per process; later calls return at once), or a fresh instance
 * when the current one failed: an aborted parse leaves the instance's stack and heap in an
 * unknown state, and thirty of them used to corrupt it for every later caller.
 */
export function loadParser(): Promise<void> {
  if (current && !current.tainted) return Promise.resolve();
  loading ??= (async () => {
    const lib = freshModule();
    await lib.loadModule();
    parserHooks.afterLoad?.(lib);
    if (current) replaced++;
    current = { lib, tainted: false };
  })().finally(() => {
    loading = undefined;
  });
  return loading;
}

/** How many times a failed parser instance has been replaced in this process (for tests and diagnostics). */
export function parserReplacements(): number {
  return replaced;
}

/** The WASM instance in use (tests use it to simulate failures). */
export function parserInstance(): PgQuery | undefined {
  return current?.lib;
}

/** One raw statement: its node type, fields, and where it starts in the text (byte offset). */
export interface RawStatement {
  readonly type: string;
  readonly fields: TreeObject;
  readonly byteOffset: number;
}

/** What {@link parseStatements} returns. */
export type ParseOutcome = { readonly statements: readonly RawStatement[] } | GuardParseError;

const PARSER_FAILURE: GuardParseError = {
  kind: 'error',
  code: 'PARSER_FAILURE',
  message:
    "pgmcp's SQL parser failed on this statement, also after a restart, so it is refused. Simplify the statement; if a plain query keeps failing, report it.",
};

function isTree(tree: unknown): tree is { version: number; stmts?: unknown[] } {
  if (typeof tree !== 'object' || tree === null) return false;
  const { version, stmts } = tree as { version?: unknown; stmts?: unknown };
  return typeof version === 'number' && (stmts === undefined || Array.isArray(stmts));
}

/**
 * Parses with the real PostgreSQL 18 grammar (synchronous; {@link loadParser} must have
 * resolved). Syntax errors carry psql's 1-based character position. A failure of the parser
 * itself (anything but a syntax error, or a result that is not a parse tree) retires the
 * instance and returns `PARSER_FAILURE`; {@link parseWithRecovery} then retries on a fresh one.
 */
export function parseStatements(sql: string): ParseOutcome {
  if (sql.trim() === '') return emptyStatement();
  const instance = current;
  if (!instance || instance.tainted) return PARSER_FAILURE;
  let tree: unknown;
  try {
    tree = instance.lib.parseSync(sql);
  } catch (error) {
    return parseFailure(instance, error);
  }
  if (!isTree(tree)) {
    instance.tainted = true;
    return PARSER_FAILURE;
  }
  const statements: RawStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const rawStmt = raw as { stmt?: unknown; stmt_location?: number };
    const node = unwrap(rawStmt.stmt);
    if (!node) continue;
    statements.push({ type: node[0], fields: node[1], byteOffset: rawStmt.stmt_location ?? 0 });
  }
  if (statements.length === 0) return emptyStatement();
  return { statements };
}

/**
 * {@link parseStatements} that survives the parser: when it fails, the instance is replaced and
 * the statement parsed once more on the fresh one; a second failure refuses it (fail closed).
 * No input can leave the parser broken for the next caller.
 */
export async function parseWithRecovery(sql: string): Promise<ParseOutcome> {
  // No await on the hot path: the guard's latency is one microtask, as before recovery existed.
  if (!current || current.tainted) await loadParser();
  const first = parseStatements(sql);
  if (!('kind' in first) || first.code !== 'PARSER_FAILURE') return first;
  await loadParser();
  return parseStatements(sql);
}

/** PostgreSQL's scanner over `sql` (the current instance); undefined when it cannot scan it. */
export function scanTokens(sql: string): { tokenName: string }[] | undefined {
  const instance = current;
  if (!instance || instance.tainted) return undefined;
  try {
    return instance.lib.scanSync(sql).tokens;
  } catch (error) {
    if (!instance.lib.hasSqlDetails(error)) instance.tainted = true;
    return undefined;
  }
}

function emptyStatement(): GuardParseError {
  return {
    kind: 'error',
    code: 'EMPTY_STATEMENT',
    message: 'The query is empty (only whitespace, comments or semicolons). Send one SQL statement.',
  };
}

const TOO_COMPLEX: GuardParseError = {
  kind: 'error',
  code: 'STATEMENT_TOO_COMPLEX',
  message:
    'The statement is nested too deeply for the SQL parser (thousands of chained operators or parentheses). Simplify it.',
};

function parseFailure(instance: Instance, error: unknown): GuardParseError {
  if (instance.lib.hasSqlDetails(error)) {
    // Bison's own stack limit: a clean error, but the instance is retired all the same.
    if (/^memory exhausted/.test(error.message)) {
      instance.tainted = true;
      return TOO_COMPLEX;
    }
    // libpg-query reports the parser's 1-based character cursor minus one.
    return {
      kind: 'error',
      code: 'SYNTAX_ERROR',
      message: error.message,
      position: (error.sqlDetails?.cursorPosition ?? 0) + 1,
    };
  }
  instance.tainted = true;
  // The WASM parser recurses once per nesting level and runs out of stack on thousands: that is
  // the statement's doing, so it is not retried. Anything else may be the instance's.
  return error instanceof RangeError ? TOO_COMPLEX : PARSER_FAILURE;
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
