import type { McpContext } from '@pgmcp/mcp-core';
import type { Lease } from '@pgmcp/pool-manager';
import type { PgToolsRuntime, PgToolsState, Target } from '../context.js';
import { describeFailure } from '../describe-error.js';
import { runStatement } from '../executor/run-statement.js';
import { withTarget } from '../tools/common.js';

/** One row of pgmcp's own SQL: column name → PostgreSQL's text form of the value. */
export type TextRow = Record<string, string | null>;

/** The rows of one catalog statement, and whether the row or byte limit cut them. */
export interface CatalogResult {
  rows: TextRow[];
  truncated: boolean;
}

/** Runs the DBA tools' own SQL on one session of a target (the caller's pool, read-only when they cannot write). */
export interface CatalogSession {
  readonly target: Target;
  readonly lease: Lease;
  /**
   * One statement of pgmcp's own SQL through the executor: its own BEGIN READ ONLY … ROLLBACK,
   * the connection's statement timeout, at most `limit` rows and the byte budget. PostgreSQL
   * errors are thrown as they are (pg's DatabaseError), so callers can tell them apart.
   */
  rows(sql: string, params?: unknown[], limit?: number): Promise<CatalogResult>;
}

/** Default row cap of one catalog statement. */
const DEFAULT_LIMIT = 1000;

/** Runs `work` with a catalog session of the target; failures become the model's error messages. */
export async function withCatalog<T>(
  runtime: PgToolsRuntime,
  context: McpContext<PgToolsState>,
  target: Target,
  work: (session: CatalogSession) => Promise<T>,
): Promise<T> {
  return withTarget(runtime, context, target, async (lease) => {
    const session: CatalogSession = {
      target,
      lease,
      async rows(sql, params = [], limit = DEFAULT_LIMIT) {
        const result = await runStatement(
          lease,
          {
            sql,
            params,
            mode: 'read-only',
            statementTimeoutMs: target.info.statementTimeoutMs,
            offset: 0,
            limit,
            maxBytes: runtime.limits.maxBytes,
          },
          { signal: context.signal, typeNames: runtime.typeNames },
        );
        const names = result.columns.map((c) => c.name);
        return {
          rows: result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null]))),
          truncated: result.truncated !== false,
        };
      },
    };
    try {
      return await work(session);
    } catch (error) {
      throw describeFailure(error, undefined, target.info.statementTimeoutMs);
    }
  });
}

/** A numeric text value as a number (null stays null). */
export function num(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A PostgreSQL boolean text value (`t`/`f`). */
export function bool(value: string | null | undefined): boolean {
  return value === 't' || value === 'true';
}

/** A quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A quoted SQL string literal (standard_conforming_strings on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Whether an error is PostgreSQL's, with this SQLSTATE. */
export function isPgError(error: unknown, code?: string): error is Error & { code: string } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    'severity' in error &&
    (code === undefined || (error as unknown as { code: string }).code === code)
  );
}

/** "1.2 GB"-style sizes for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A duration in seconds as "3.2 s", "4 min", "2.5 h" or "3 d". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 3600) return `${Math.round(seconds / 6) / 10} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}
