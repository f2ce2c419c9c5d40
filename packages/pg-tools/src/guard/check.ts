import { analyzeStatement } from './analyze.js';
import type {
  CheckStatementOptions,
  GuardCode,
  GuardParseError,
  GuardRefusal,
  GuardVerdict,
  StatementAnalysis,
  StatementKind,
} from './types.js';

const WHAT_IT_DOES: Partial<Record<StatementKind, string>> = {
  insert: 'writes data',
  update: 'writes data',
  delete: 'writes data',
  merge: 'writes data',
  ddl: 'changes the schema',
  maintenance: 'rewrites tables, indexes or statistics',
  call: 'runs a procedure',
};

/** A refusal verdict. */
export function refuse(code: GuardCode, construct: string, message: string, position?: number): GuardRefusal {
  return position === undefined
    ? { ok: false, code, construct, message }
    : { ok: false, code, construct, message, position };
}

/** A refusal for text that did not parse as one statement; `construct` quotes the text at the error. */
export function parseRefusal(text: string, error: GuardParseError): GuardRefusal {
  const at = error.position === undefined ? text : [...text].slice(error.position - 1).join('');
  const construct = at.trim().slice(0, 40);
  const message =
    error.code === 'SYNTAX_ERROR' && error.position !== undefined
      ? `${error.message} (at character ${error.position})`
      : error.message;
  return refuse(error.code, construct, message, error.position);
}

/** Applies the read-only or write policy (and the privacy option) to an analysis. */
export function decide(
  analysis: StatementAnalysis,
  allowWrites: boolean,
  hideOtherSessions = false,
): GuardVerdict {
  const target = analysis.explained ?? analysis;
  if (target.access === 'never') {
    const prefix = analysis.explained ? `EXPLAIN ${target.command}: ` : '';
    return refuse(
      'STATEMENT_NOT_ALLOWED',
      target.command,
      `${prefix}${target.command} ${target.reason ?? ''}`.trim(),
    );
  }
  // Refusals that hold on every connection come first: a write-enabled connection would not help.
  const always = analysis.findings.find((finding) => finding.refusedOn === 'always');
  if (always) return refuse(always.code, always.construct, always.message, always.location);
  const others = analysis.readsOtherSessions;
  if (hideOtherSessions && others) {
    return refuse('OTHER_SESSIONS_HIDDEN', others.construct, others.message, others.location);
  }
  if (target.access === 'write' && !allowWrites) {
    const does = WHAT_IT_DOES[target.kind] ?? 'changes the database';
    if (analysis.explainAnalyze) {
      return refuse(
        'EXPLAIN_ANALYZE_OF_WRITE',
        `EXPLAIN ANALYZE ${target.command}`,
        `EXPLAIN ANALYZE executes the ${target.command}, which ${does}, and this connection is read-only. EXPLAIN ANALYZE the equivalent SELECT instead, or use a write-enabled connection.`,
      );
    }
    if (analysis.explained) {
      return refuse(
        'WRITE_NOT_ALLOWED',
        `EXPLAIN ${target.command}`,
        `EXPLAIN of ${target.command} is only allowed on write-enabled connections (planning a write takes its locks). EXPLAIN the equivalent SELECT to see a plan here.`,
      );
    }
    return refuse(
      'WRITE_NOT_ALLOWED',
      target.command,
      `${target.command} ${does} and this connection is read-only. Use SELECT to look at the data; writes need a connection configured with allow_writes.`,
    );
  }
  const blocking = allowWrites ? undefined : analysis.findings[0];
  if (blocking) return refuse(blocking.code, blocking.construct, blocking.message, blocking.location);
  return { ok: true, analysis };
}

/**
 * Decides whether `sql` may run on a connection: exactly one statement, of a kind the
 * connection allows, with no denied construct anywhere in its tree.
 *
 * @example
 *   const verdict = await checkStatement('SELECT pg_read_file($$/etc/passwd$$)', { allowWrites: false });
 *   if (!verdict.ok) return { isError: true, content: [{ type: 'text', text: verdict.message }] };
 */
export async function checkStatement(sql: string, options: CheckStatementOptions): Promise<GuardVerdict> {
  const analysis = await analyzeStatement(sql);
  if (analysis.kind === 'error') return parseRefusal(sql, analysis);
  return decide(analysis, options.allowWrites, options.hideOtherSessions);
}
