import { fenceUntrusted, ToolError } from '@pgmcp/mcp-core';
import { PoolManagerError } from '@pgmcp/pool-manager';
import { ResultTooLargeError } from './executor/result-too-large.js';

/** The fields of pg's DatabaseError that help a model fix its statement. */
interface PgServerError {
  code: string;
  message: string;
  severity?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

function isServerError(error: unknown): error is PgServerError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code) &&
    'severity' in error
  );
}

/** The SQL line holding 1-based `position`, with a caret under it, like psql prints. */
export function pointAt(sql: string, position: number): string {
  let start = 0;
  let line = 1;
  for (let i = 0; i < position - 1 && i < sql.length; i++) {
    if (sql[i] === '\n') {
      start = i + 1;
      line++;
    }
  }
  const end = sql.indexOf('\n', start);
  const text = sql.slice(start, end === -1 ? undefined : end);
  const prefix = `LINE ${line}: `;
  return `${prefix}${text}\n${' '.repeat(prefix.length + Math.max(0, position - 1 - start))}^`;
}

const NEXT_STEPS: Record<string, string> = {
  '42P01': 'Call get_schema_info to see which tables exist (names may need a schema prefix).',
  '42703': 'Call get_schema_info with the table_name to see its columns.',
  '42883': 'Check the argument types; add explicit casts where needed.',
  '42601': 'Fix the syntax; test_query checks a statement without running it.',
  '42501': 'The database role lacks this privilege; query other objects or ask an administrator.',
  '25006': 'This connection is read-only: use SELECT statements only.',
  '22P02': 'A value has the wrong format for its type; check literals and casts.',
  '22012': 'Guard the division, e.g. NULLIF(divisor, 0).',
  '53200': 'The query needs too much memory; aggregate more or return fewer rows.',
};

/**
 * Turns a failure of a database tool into a ToolError whose message tells the model what went
 * wrong and what to try next. Unknown errors are re-thrown for the registry to hide.
 */
export function describeFailure(
  error: unknown,
  sql: string | undefined,
  statementTimeoutMs: number,
): ToolError {
  if (error instanceof ToolError) return error;
  // A failed connect may quote the server's own words, so that message is fenced as data.
  if (error instanceof PoolManagerError && error.code === 'CONNECTION_FAILED')
    return new ToolError(fenceUntrusted(error.message, { source: 'the database connection' }), {
      cause: error,
    });
  if (error instanceof PoolManagerError || error instanceof ResultTooLargeError)
    return new ToolError(error.message, { cause: error });
  if (isServerError(error)) {
    if (error.code === '57014') {
      const seconds = Math.round(statementTimeoutMs / 100) / 10;
      return new ToolError(
        /user request/.test(error.message)
          ? 'The statement was cancelled because the request was cancelled.'
          : `The statement was stopped after ${seconds} s (the statement timeout). Filter or aggregate more, ` +
              'or look at its plan with execute_explain (analyze: false) to see why it is slow.',
        { cause: error },
      );
    }
    const lines = [`ERROR ${error.code}: ${error.message}`];
    const position = Number(error.position);
    if (sql && Number.isInteger(position) && position > 0) lines.push(pointAt(sql, position));
    if (error.detail) lines.push(`DETAIL: ${error.detail}`);
    if (error.hint) lines.push(`HINT: ${error.hint}`);
    // The server's message, detail and hint can quote table contents (e.g. a failing cast of a
    // row's value), so they are fenced as data; pgmcp's advice stays outside.
    const fenced = fenceUntrusted(lines.join('\n'), { source: 'the database (its error message)' });
    const next = NEXT_STEPS[error.code];
    return new ToolError(next ? `${fenced}\n${next}` : fenced, { cause: error });
  }
  if (error instanceof Error && /Connection terminated|stopped responding|ECONNRESET/i.test(error.message)) {
    return new ToolError(
      'The connection to the database was lost while the statement ran. Try again; if it persists, the database may be down.',
      { cause: error },
    );
  }
  throw error;
}
