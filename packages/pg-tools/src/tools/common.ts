import { createHash } from 'node:crypto';
import {
  askToConfirm,
  type CallToolResult,
  confirmationAnswer,
  type McpContext,
  ToolError,
} from '@pgmcp/mcp-core';
import { formatBytes, type Lease } from '@pgmcp/pool-manager';
import { z } from 'zod';
import { hidesOtherSessions, type PgToolsRuntime, type PgToolsState, type Target } from '../context.js';
import { describeFailure } from '../describe-error.js';
import { catalogTooLarge, ResultTooLargeError } from '../executor/result-too-large.js';
import { runStatement, type StatementResult } from '../executor/run-statement.js';
import {
  checkStatement,
  type GuardRefusal,
  MAX_STATEMENT_CHARS,
  type StatementAnalysis,
} from '../guard/index.js';

/** A SQL statement argument. */
export function statementArg(description: string) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_STATEMENT_CHARS, `is longer than ${MAX_STATEMENT_CHARS / 1024} KiB; send a shorter statement`)
    .describe(description);
}

/** The optional arguments every database tool takes. */
export const targetArgs = {
  connection_id: z
    .string()
    .min(1)
    .optional()
    .describe('Name of a configured connection (see list_database_connections); default: the current one.'),
  database_name: z
    .string()
    .min(1)
    .optional()
    .describe("Another database on the same server; default: the connection's own."),
};

/** Reports a refusal as a security event (without the statement) and turns it into the model's error. */
export function refuse(
  runtime: PgToolsRuntime,
  context: McpContext<PgToolsState>,
  target: Target,
  tool: string,
  refusal: GuardRefusal,
): ToolError {
  runtime.onSecurityEvent({
    kind: 'statement_refused',
    principal: context.principal.name,
    connection: target.info.name,
    tool,
    code: refusal.code,
    construct: refusal.construct,
  });
  return new ToolError(refusal.message, { refused: true });
}

/**
 * pgmcp's own queries (catalog, server information) may read this many times the output budget
 * in all: their rows are not the answer itself, and a large catalog has many.
 */
export const CATALOG_BUDGET_FACTOR = 16;

/**
 * Runs `work` on a session of the target's pool. Every row it reads is bounded at the protocol
 * level: none over the output budget, none past {@link CATALOG_BUDGET_FACTOR} budgets in all
 * (statements of {@link runGuarded} get the tighter per-statement budget).
 */
export async function withTarget<T>(
  runtime: PgToolsRuntime,
  context: McpContext<PgToolsState>,
  target: Target,
  work: (lease: Lease) => Promise<T>,
): Promise<T> {
  try {
    return await runtime.pools.withSession(
      {
        sessionKey: context.sessionKey,
        // The per-user cap on open sessions counts across all of the principal's tokens.
        userKey: context.principal.id,
        connection: target.info.name,
        database: target.database,
        // Callers who may not write get read-only sessions even where the connection allows writes.
        readOnly: !target.writes,
      },
      async (lease) => {
        const lift = lease.limitResults({
          maxRowBytes: runtime.limits.maxBytes,
          maxTotalBytes: runtime.limits.maxBytes * CATALOG_BUDGET_FACTOR,
          onExceeded: catalogTooLarge,
        });
        try {
          return await work(lease);
        } finally {
          lift();
        }
      },
    );
  } catch (error) {
    throw describeFailure(error, undefined, target.info.statementTimeoutMs);
  }
}

/** Options of {@link runGuarded}. */
export interface GuardedRun {
  tool: string;
  sql: string;
  limit: number;
  offset: number;
  params?: unknown[];
  /** Run in a read-only transaction whatever the statement is (e.g. EXPLAIN without ANALYZE of a write). */
  readOnlyTransaction?: boolean;
  /** Statement timeout of this run (default: the connection's). */
  statementTimeoutMs?: number;
  /** What to tell the model when a row is over the output budget (default: select less of the value). */
  tooLarge?: (error: ResultTooLargeError) => string;
}

/**
 * The one query path of every tool: the parser guard (layer 1), then one statement through the
 * extended protocol in its own BEGIN READ ONLY … ROLLBACK (or BEGIN … COMMIT where writes are
 * allowed), with the statement timeout and the bounded portal fetch.
 */
export async function runGuarded(
  runtime: PgToolsRuntime,
  context: McpContext<PgToolsState>,
  target: Target,
  run: GuardedRun,
): Promise<{ result: StatementResult; analysis: StatementAnalysis }> {
  const verdict = await checkStatement(run.sql, {
    allowWrites: target.writes,
    hideOtherSessions: hidesOtherSessions(context.state),
  });
  if (!verdict.ok) throw refuse(runtime, context, target, run.tool, verdict);
  const mode =
    verdict.analysis.writes && target.writes && !run.readOnlyTransaction ? 'read-write' : 'read-only';
  if (mode === 'read-write') confirmWrite(runtime, context, target, run.sql);
  const timeoutMs = run.statementTimeoutMs ?? target.info.statementTimeoutMs;
  return withTarget(runtime, context, target, async (lease) => {
    try {
      const result = await runStatement(
        lease,
        {
          sql: run.sql,
          params: run.params ?? [],
          mode,
          statementTimeoutMs: timeoutMs,
          offset: run.offset,
          limit: run.limit,
          maxBytes: runtime.limits.maxBytes,
        },
        { signal: context.signal, typeNames: runtime.typeNames },
      );
      return { result, analysis: verdict.analysis };
    } catch (error) {
      if (error instanceof ResultTooLargeError && run.tooLarge) {
        throw new ToolError(run.tooLarge(error), { cause: error });
      }
      throw describeFailure(error, run.sql, timeoutMs);
    }
  });
}

/** The key of the write confirmation among a call's input requests. */
const CONFIRM_WRITE = 'confirm_write';

/**
 * `writes.confirm: elicit`: before a write runs, the user confirms the exact statement and target
 * through the client (elicitation), when the client can be asked within this call. Returns when
 * confirmed (or nothing is to be asked); throws the question, or the refusal after decline/cancel.
 * The answer counts only for the statement and target it was asked for (the request state binds it).
 */
function confirmWrite(
  runtime: PgToolsRuntime,
  context: McpContext<PgToolsState>,
  target: Target,
  sql: string,
): void {
  if (runtime.confirmWrites !== 'elicit' || !context.input?.elicitation) return;
  const state = createHash('sha256')
    .update(`${target.info.name}\0${target.database}\0${sql}`)
    .digest('base64url');
  const answer = confirmationAnswer(context.input, CONFIRM_WRITE, state);
  if (answer === 'accept') return;
  const where = targetLabel(target);
  if (answer === 'decline') {
    throw new ToolError(
      `The user declined to run this statement on ${where}; nothing was run. Do not run it again unless the user asks.`,
      { refused: true },
    );
  }
  if (answer === 'cancel') {
    throw new ToolError(`The user cancelled the confirmation; nothing was run on ${where}.`, {
      refused: true,
    });
  }
  throw askToConfirm(
    CONFIRM_WRITE,
    `Run this statement on ${where}? It writes, and is committed when it succeeds.\n\n${sql}`,
    state,
  );
}

/** The advice for an EXPLAIN whose plan is over the output budget. */
export function planTooLarge(maxBytes: number) {
  return (error: ResultTooLargeError): string =>
    `The plan is ${formatBytes(error.exceeded.rowBytes)}, more than the ${formatBytes(maxBytes)} one answer may hold, so pgmcp stopped reading it and cancelled the statement. Explain a smaller statement (fewer UNION branches, shorter IN lists or VALUES) or parts of it separately.`;
}

/**
 * Refuses a tool's answer whose text is over the output budget (each row was bounded, but many
 * rows rendered together can still be large), telling the model how to ask for less.
 */
export function boundAnswer(runtime: PgToolsRuntime, answer: CallToolResult, advice: string): CallToolResult {
  const bytes = answer.content.reduce(
    (n, block) => n + (block.type === 'text' ? Buffer.byteLength(block.text) : 0),
    0,
  );
  if (bytes <= runtime.limits.maxBytes) return answer;
  throw new ToolError(
    `The answer is ${formatBytes(bytes)}, more than the ${formatBytes(runtime.limits.maxBytes)} one answer may hold. ${advice}`,
  );
}

/** "connection (database)" for messages. */
export function targetLabel(target: Target): string {
  return target.database === target.info.database
    ? `"${target.info.name}"`
    : `"${target.info.name}" (database "${target.database}")`;
}

/**
 * Runs pgmcp's own catalog queries in a read-only transaction with the connection's
 * statement timeout, always rolled back.
 */
export async function inReadOnlyTransaction<T>(
  lease: Lease,
  statementTimeoutMs: number,
  work: (client: Lease['client']) => Promise<T>,
): Promise<T> {
  const client = lease.client;
  await client.query(
    `BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(statementTimeoutMs))}`,
  );
  try {
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => lease.release(true));
  }
}
