import type { Lease } from '@pgmcp/pool-manager';
import { BoundedQuery, type BoundedQueryPlan } from './bounded-query.js';
import { builtinTypeName } from './pg-types.js';

/** One result column. */
export interface ResultColumn {
  name: string;
  /** Type name, e.g. "integer", "timestamptz", or a user type such as "order_status". */
  type: string;
  /** The type's OID, for value conversion. */
  typeOid: number;
}

/** The outcome of {@link runStatement}. */
export interface StatementResult {
  columns: ResultColumn[];
  /** Values in PostgreSQL's text format (null for SQL NULL). */
  rows: (string | null)[][];
  /** First word(s) of the command tag, e.g. "SELECT", "INSERT", "CREATE INDEX". */
  command: string;
  /** Rows changed by INSERT/UPDATE/DELETE/MERGE (or returned by SELECT) per the command tag. */
  affectedRows?: number;
  /** Why rows are missing: the row limit, the byte budget, or not at all. */
  truncated: false | 'limit' | 'bytes';
  offset: number;
  /** The `offset` that continues after the last row shown, when more rows exist. */
  nextOffset?: number;
  durationMs: number;
}

/** Names of non-built-in types, per (connection, database): OIDs differ between databases. */
export type TypeNameCache = Map<string, Map<number, string>>;

/** Options of {@link runStatement}. */
export interface RunStatementOptions {
  /** Cancels the running statement on the server (CancelRequest). */
  signal?: AbortSignal;
  typeNames?: TypeNameCache;
}

async function resolveTypeNames(
  lease: Lease,
  oids: number[],
  cache: TypeNameCache,
): Promise<Map<number, string>> {
  const key = `${lease.connection.name}\u0000${lease.database}`;
  let known = cache.get(key);
  if (!known) cache.set(key, (known = new Map<number, string>()));
  const missing = oids.filter((oid) => !builtinTypeName(oid) && !known.has(oid));
  if (missing.length > 0) {
    const { rows } = await lease.client.query<{ oid: number; name: string }>(
      'SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
      [missing],
    );
    for (const row of rows) known.set(row.oid, row.name);
  }
  return known;
}

function parseCommandTag(tag: string | undefined): { command: string; affected?: number } {
  if (!tag) return { command: 'SELECT' };
  // "SELECT 5", "UPDATE 3", "INSERT 0 7" (the 0 is a legacy OID), "CREATE INDEX".
  const match = /^([A-Z ]+?)(?: (\d+))?(?: (\d+))?$/.exec(tag);
  if (!match?.[1]) return { command: tag };
  const count = match[3] ?? match[2];
  return { command: match[1], ...(count !== undefined ? { affected: Number(count) } : {}) };
}

/**
 * Runs one statement on a checked-out session inside its own transaction (see
 * {@link BoundedQuery}) and leaves the session idle again, whatever happened.
 * PostgreSQL errors are re-thrown as they are (pg's DatabaseError).
 */
export async function runStatement(
  lease: Lease,
  plan: BoundedQueryPlan,
  options: RunStatementOptions = {},
): Promise<StatementResult> {
  const started = performance.now();
  const defaults = lease.sessionDefaults;
  // Only a read-only session's timeout is certain (see BoundedQueryPlan.sessionTimeoutMs).
  const query = new BoundedQuery(
    defaults.readOnly ? { ...plan, sessionTimeoutMs: defaults.statementTimeoutMs } : plan,
  );
  const { signal } = options;
  const onAbort = () => lease.cancel();
  if (signal?.aborted) throw new Error('The request was cancelled before the statement started.');
  signal?.addEventListener('abort', onAbort, { once: true });
  // If the server stops answering altogether, statement_timeout cannot help: give up on the
  // connection a little after it should have fired.
  const watchdog =
    plan.statementTimeoutMs > 0
      ? setTimeout(() => {
          (
            lease.client as unknown as { connection: { stream: { destroy(e: Error): void } } }
          ).connection.stream.destroy(new Error('The database server stopped responding.'));
        }, plan.statementTimeoutMs + 15_000)
      : undefined;
  // No row larger than the whole output budget is ever parsed (see BoundedQuery.refuseRow).
  const lift = lease.limitResults({
    maxRowBytes: plan.maxBytes,
    onExceeded: (exceeded) => query.refuseRow(exceeded),
  });
  let outcome;
  try {
    void lease.client.query(query);
    outcome = await query.result;
  } catch (error) {
    // The transaction is aborted; end it so the session is clean for the next call.
    if (query.sessionEnded) lease.release(true);
    else await lease.client.query('ROLLBACK').catch(() => lease.release(true));
    throw error;
  } finally {
    lift();
    clearTimeout(watchdog);
    signal?.removeEventListener('abort', onAbort);
  }
  // A result cut at a too-large row closed its session: hand it back for disposal.
  if (query.sessionEnded) lease.release(true);

  const oids = outcome.fields.map((f) => f.dataTypeID);
  const names =
    options.typeNames && !query.sessionEnded && oids.some((oid) => !builtinTypeName(oid))
      ? await resolveTypeNames(lease, oids, options.typeNames)
      : undefined;
  const { command, affected } = parseCommandTag(outcome.commandTag);
  const shownUntil = plan.offset + outcome.rows.length;
  return {
    columns: outcome.fields.map((field) => ({
      name: field.name,
      type: builtinTypeName(field.dataTypeID) ?? names?.get(field.dataTypeID) ?? `oid:${field.dataTypeID}`,
      typeOid: field.dataTypeID,
    })),
    rows: outcome.rows,
    command,
    ...(affected !== undefined ? { affectedRows: affected } : {}),
    truncated: outcome.truncated,
    offset: plan.offset,
    ...(outcome.truncated ? { nextOffset: shownUntil } : {}),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
