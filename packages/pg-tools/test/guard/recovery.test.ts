/**
 * The parser must not be poisonable: on main, about thirty 20 KB statements like `SELECT 1+1+…`
 * corrupted the WASM instance and every later SQL call of every user failed ("memory access out
 * of bounds"). Thousands of hostile statements here, then the whole attack and valid corpora
 * must give exactly the verdicts they gave before.
 */
import { describe, expect, it } from 'vitest';
import {
  analyzeStatement,
  checkStatement,
  checkWhereExpression,
  type GuardVerdict,
} from '../../src/guard/index.js';
import {
  loadParser,
  parserHooks,
  parserInstance,
  parserReplacements,
  parseStatements,
} from '../../src/guard/parser.js';
import { MAX_NESTING_UNITS, MAX_STATEMENT_CHARS, MAX_STATEMENT_TOKENS } from '../../src/guard/pre-scan.js';
import { ATTACK_CORPUS } from './attack-corpus.js';
import { VALID_CORPUS } from './valid-corpus.js';

type Verdicts = string[];

/** What a WASM trap looks like (WebAssembly.RuntimeError, not in this package's type libraries). */
const wasmTrap = (message: string) => Object.assign(new Error(message), { name: 'RuntimeError' });

/** Every corpus statement's verdict on read-only and write-enabled connections, as comparable text. */
async function corpusVerdicts(): Promise<Verdicts> {
  const out: Verdicts = [];
  const show = (v: GuardVerdict) => (v.ok ? `ok ${v.analysis.command}` : `${v.code} ${v.construct}`);
  for (const { sql } of [...ATTACK_CORPUS, ...VALID_CORPUS]) {
    out.push(
      `${show(await checkStatement(sql, { allowWrites: false }))} | ${show(await checkStatement(sql, { allowWrites: true }))}`,
    );
  }
  for (const where of ["status = 'open'", '1=1) UNION SELECT 1 --', 'total > 10 AND pg_sleep(1) IS NULL']) {
    out.push(show(await checkWhereExpression(where)));
  }
  return out;
}

const repeat = (n: number, part: string, sep = '') => Array.from({ length: n }, () => part).join(sep);

/** Hostile shapes, each at several sizes around and far beyond the limits. */
function hostileStatements(): string[] {
  const sizes = [10, 300, 999, 2_000, 7_000, 20_000, 60_000];
  const statements: string[] = [];
  for (const n of sizes) {
    statements.push(
      `SELECT ${repeat(n, '1', '+')}`,
      `SELECT ${repeat(n, '(')}1${repeat(n, ')')}`,
      `SELECT ${repeat(n, '(SELECT ')}1${repeat(n, ')')}`,
      `SELECT ${repeat(n, 'f(')}1${repeat(n, ')')}`,
      `SELECT ${repeat(n, 'ARRAY[')}1${repeat(n, ']')}`,
      `SELECT ${repeat(n, 'NOT ')}true`,
      `SELECT 1${repeat(n, '::int')}`,
      `SELECT x${repeat(n, ' IS NULL')}`,
      `SELECT ${repeat(n, "'a'", ' || ')}`,
      `SELECT ${repeat(n, 'CASE WHEN true THEN ')}1${repeat(n, ' END')}`,
      `SELECT 1 ${repeat(n, 'UNION SELECT 1 ')}`,
      `SELECT * FROM a ${repeat(n, 'JOIN a USING (id) ')}`,
      `SELECT * FROM t WHERE a IN (${repeat(n, '1', ',')})`,
      `SELECT * FROM t WHERE ${repeat(n, 'a = 1', ' AND ')}`,
      // Unbalanced parentheses, open and closed.
      `SELECT ${repeat(n, '(')}1`,
      `SELECT 1${repeat(n, ')')}`,
      `SELECT ${repeat(n, '((')}1${repeat(n, ')')}`,
      // Huge literals and identifiers, quoted so the scanner must skip them whole.
      `SELECT '${'x'.repeat(n * 4)}'`,
      `SELECT "${'y'.repeat(Math.min(n, 60))}" FROM t WHERE s = $$${'('.repeat(n)}$$`,
      `SELECT 1 /* ${repeat(n, '(')} */ + 2 -- ${repeat(n, ')')}`,
    );
  }
  return statements;
}

describe('the guard survives hostile statements', () => {
  it('refuses what is too long, too large or too deep before parsing, with a clear message', async () => {
    expect(await analyzeStatement(`SELECT '${'x'.repeat(MAX_STATEMENT_CHARS)}'`)).toMatchObject({
      code: 'STATEMENT_TOO_LONG',
      message: expect.stringMatching(
        /^The statement is 262,153 characters long; pgmcp accepts at most 262,144\./,
      ),
    });
    expect(await analyzeStatement(`SELECT ${repeat(MAX_STATEMENT_TOKENS, '1', ',')}`)).toMatchObject({
      code: 'STATEMENT_TOO_COMPLEX',
      message: expect.stringContaining('made of more than 20,000 tokens'),
    });
    expect(await analyzeStatement(`SELECT ${repeat(MAX_NESTING_UNITS + 2, '1', '+')}`)).toMatchObject({
      code: 'STATEMENT_TOO_COMPLEX',
      message: expect.stringContaining('nested too deeply'),
    });
    expect(await checkWhereExpression(repeat(2_000, 'NOT ') + 'true')).toMatchObject({
      ok: false,
      code: 'STATEMENT_TOO_COMPLEX',
    });
  });

  it('keeps real analytical shapes well within the limits', async () => {
    const nested = `SELECT * FROM ${repeat(40, '(SELECT * FROM ')}orders${repeat(40, ') s')}`;
    const expression = `SELECT ${repeat(200, 'coalesce(a, 0)', ' + ')} FROM t`;
    const inList = `SELECT * FROM t WHERE id IN (${Array.from({ length: 9_000 }, (_, i) => i).join(', ')})`;
    const cases = `SELECT CASE ${repeat(2_000, 'WHEN x = 1 THEN 2 ')} END FROM t`;
    const conjunction = `SELECT * FROM t WHERE ${repeat(3_000, 'a = 1', ' AND ')}`;
    for (const sql of [nested, expression, inList, cases, conjunction]) {
      const verdict = await checkStatement(sql, { allowWrites: false });
      expect(verdict.ok ? 'ok' : `${verdict.code}: ${verdict.message}`).toBe('ok');
    }
  });

  it('gives exactly the same corpus verdicts after thousands of hostile statements', async () => {
    const before = await corpusVerdicts();
    const hostile = hostileStatements();
    const replaced = parserReplacements();
    let refusedBeforeParsing = 0;
    for (let round = 0; round < 8; round++) {
      for (const sql of hostile) {
        const verdict = await checkStatement(sql, { allowWrites: round % 2 === 1 });
        if (!verdict.ok && /^STATEMENT_TOO_(LONG|COMPLEX)$/.test(verdict.code)) refusedBeforeParsing++;
        // Every answer is a verdict; nothing throws.
        expect(typeof verdict.ok).toBe('boolean');
      }
    }
    expect(hostile.length * 8).toBeGreaterThan(1_000);
    expect(refusedBeforeParsing).toBeGreaterThan(hostile.length);
    // What the pre-scan let through stayed within the parser's stack: no instance had to go.
    expect(parserReplacements()).toBe(replaced);
    expect(await corpusVerdicts()).toEqual(before);
  });

  it('replaces a parser instance that overflowed, so the next caller gets a healthy one', async () => {
    await loadParser();
    const before = await corpusVerdicts();
    const replaced = parserReplacements();
    // Past the pre-scan (as a statement it would not foresee): 40 stack overflows of the WASM,
    // more than the thirty that used to poison the instance for good.
    for (let i = 0; i < 40; i++) {
      await loadParser();
      expect(parseStatements(`SELECT ${repeat(20_000, '1', '+')}`)).toMatchObject({
        code: 'STATEMENT_TOO_COMPLEX',
      });
    }
    expect(parserReplacements()).toBeGreaterThanOrEqual(replaced + 39);
    expect(await corpusVerdicts()).toEqual(before);
  });

  it('retries once on a fresh instance when the parser throws or returns garbage, and refuses if it fails again', async () => {
    await loadParser();
    const before = await corpusVerdicts();
    const broken = parserInstance()!;
    const original = broken.parseSync;
    broken.parseSync = () => {
      throw wasmTrap('memory access out of bounds');
    };
    // The failing instance is retired; the fresh one parses the statement normally.
    expect(await checkStatement('SELECT 1', { allowWrites: false })).toMatchObject({ ok: true });
    expect(parserInstance()).not.toBe(broken);
    broken.parseSync = original;

    const garbage = parserInstance()!;
    garbage.parseSync = () => ({ not: 'a parse tree' }) as never;
    expect(await checkStatement('SELECT 2', { allowWrites: false })).toMatchObject({ ok: true });
    expect(parserInstance()).not.toBe(garbage);

    // When the fresh instance fails too, the statement is refused (fail closed) ...
    const fail = (lib: { parseSync: unknown }) => {
      lib.parseSync = () => {
        throw wasmTrap('unreachable');
      };
    };
    fail(parserInstance()!);
    parserHooks.afterLoad = fail;
    try {
      expect(await checkStatement('SELECT 3', { allowWrites: false })).toMatchObject({
        ok: false,
        code: 'PARSER_FAILURE',
        message: expect.stringContaining('also after a restart, so it is refused'),
      });
    } finally {
      delete parserHooks.afterLoad;
    }
    // ... and the next caller gets a healthy instance again.
    expect(await checkStatement('SELECT 4', { allowWrites: false })).toMatchObject({ ok: true });
    expect(await corpusVerdicts()).toEqual(before);
  });
});
