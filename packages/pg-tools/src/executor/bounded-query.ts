import type { ResultSizeExceeded } from '@pgmcp/pool-manager';
import type pg from 'pg';
import { rowTooLarge } from './result-too-large.js';

/**
 * The subset of pg's (untyped) Connection used to speak the extended query protocol.
 * Every call writes one protocol message.
 */
interface WireConnection {
  parse(message: { name?: string; text: string; types?: number[] }): void;
  bind(message: { portal?: string; statement?: string; values?: (string | Buffer | null)[] }): void;
  describe(message: { type: 'P' | 'S'; name?: string }): void;
  execute(message: { portal?: string; rows?: number }): void;
  flush(): void;
  sync(): void;
  sendCopyFail(message: string): void;
  stream: { cork(): void; uncork(): void };
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
}

/** How the statement runs. */
export type TransactionMode =
  /** BEGIN READ ONLY … ROLLBACK: nothing the statement does can persist. */
  | 'read-only'
  /** BEGIN … COMMIT (ROLLBACK on error). */
  | 'read-write';

/** What {@link BoundedQuery} should do. */
export interface BoundedQueryPlan {
  sql: string;
  params: unknown[];
  mode: TransactionMode;
  /** SET LOCAL statement_timeout in ms; 0 = none. */
  statementTimeoutMs: number;
  /**
   * The statement_timeout the session already holds whenever no transaction is open, when that is
   * certain: set at connection start on a session whose every transaction is read only and rolled
   * back, so nothing can have changed it (settings are transactional). A read-only run with this
   * same timeout needs no SET LOCAL.
   */
  sessionTimeoutMs?: number;
  /** Rows to skip before keeping any. */
  offset: number;
  /** Rows to keep; one more is read to learn whether the result was cut. */
  limit: number;
  /**
   * Stop keeping rows once their text would exceed this many bytes. A single row larger than
   * this is never read (see {@link BoundedQuery.refuseRow}): the first one fails the statement.
   */
  maxBytes: number;
}

/** The raw outcome: text-format values exactly as PostgreSQL printed them. */
export interface BoundedQueryOutcome {
  fields: FieldDescription[];
  rows: (string | null)[][];
  /** Command tag of the statement, e.g. "SELECT 5" or "UPDATE 3"; undefined when cut before completion. */
  commandTag?: string;
  /** More rows exist than were kept. */
  truncated: 'limit' | 'bytes' | false;
  /** Rows skipped for `offset` (fewer than asked when the result ended first). */
  skipped: number;
  keptBytes: number;
}

/** A parameter in the text form PostgreSQL parses for any type (pg's own conversion rules). */
function toWireValue(value: unknown): string | Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Rows read per Execute before the first batch tells us how large rows are. */
const FIRST_BATCH = 201;
const SKIP_BATCH = 1000;

type Phase = 'setup' | 'statement' | 'finish';

/**
 * Runs one statement inside its own transaction, reading rows through the unnamed portal in
 * batches, so at most `offset + limit + 1` rows and roughly `maxBytes` of row text ever leave
 * the server — the SQL is never rewritten. When a read's result fits the first batch the whole
 * exchange (BEGIN READ ONLY, SET LOCAL unless the session holds the timeout, statement, ROLLBACK,
 * Sync) is one round trip; a write
 * sends COMMIT only once its statement has completed and its rows were read.
 *
 * Implements pg's Submittable contract: pg routes every backend message to the active query.
 */
export class BoundedQuery implements pg.Submittable {
  private connection?: WireConnection;
  private phase: Phase = 'setup';
  private setupCompletions = 0;
  /** BEGIN, and SET LOCAL unless the session already holds the timeout. */
  private readonly setupStatements: number;
  private finishSent = false;
  private fields: FieldDescription[] = [];
  private readonly rows: (string | null)[][] = [];
  private seen = 0;
  private keptBytes = 0;
  private truncated: BoundedQueryOutcome['truncated'] = false;
  private commandTag?: string;
  private failure?: Error;
  /** The session was closed under the statement after enough rows were read (see refuseRow). */
  private cut = false;
  /** A row was refused: the session is closed. */
  private refused = false;
  private settled = false;
  private resolvePromise!: (outcome: BoundedQueryOutcome) => void;
  private rejectPromise!: (error: Error) => void;
  /** Settles when the exchange is over: resolves with the rows, rejects with the server's error. */
  readonly result: Promise<BoundedQueryOutcome>;

  constructor(private readonly plan: BoundedQueryPlan) {
    this.setupStatements =
      plan.mode === 'read-only' && plan.sessionTimeoutMs === plan.statementTimeoutMs ? 1 : 2;
    this.result = new Promise((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
  }

  /** Rows still wanted: those to skip, those to keep and the one that tells whether there are more. */
  private remaining(): number {
    return this.plan.offset + this.plan.limit + 1 - this.seen;
  }

  private nextBatch(): number {
    const remaining = this.remaining();
    if (this.seen < this.plan.offset) return Math.min(remaining, this.plan.offset - this.seen, SKIP_BATCH);
    const kept = this.rows.length;
    if (kept === 0) return Math.min(remaining, FIRST_BATCH);
    const averageRowBytes = Math.max(1, this.keptBytes / kept);
    const budgetRows = Math.floor((this.plan.maxBytes - this.keptBytes) / averageRowBytes);
    return Math.max(1, Math.min(remaining, budgetRows + 1));
  }

  private sendSimple(connection: WireConnection, text: string): void {
    connection.parse({ text });
    connection.bind({});
    connection.execute({});
  }

  /** Ends the transaction and the exchange: ROLLBACK (read-only) or COMMIT, then Sync. */
  private sendFinish(connection: WireConnection): void {
    this.finishSent = true;
    this.sendSimple(connection, this.plan.mode === 'read-only' ? 'ROLLBACK' : 'COMMIT');
    connection.sync();
  }

  submit(connection: pg.Connection): void {
    const wire = connection as unknown as WireConnection;
    this.connection = wire;
    const { plan } = this;
    // Everything that can throw happens before the first message is written.
    const values = plan.params.map(toWireValue);
    wire.stream.cork();
    try {
      this.sendSimple(wire, plan.mode === 'read-only' ? 'BEGIN READ ONLY' : 'BEGIN');
      if (this.setupStatements === 2) {
        // SET cannot take parameters; the value is an integer we computed.
        this.sendSimple(
          wire,
          `SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(plan.statementTimeoutMs))}`,
        );
      }
      wire.parse({ text: plan.sql });
      wire.bind({ values });
      wire.describe({ type: 'P' });
      const first = this.nextBatch();
      wire.execute({ rows: first });
      // A write commits only after its rows have been read: a RETURNING row too large to read
      // fails the statement before COMMIT is ever sent (one more round trip, for writes only).
      if (first >= this.remaining() && plan.mode === 'read-only') this.sendFinish(wire);
      else wire.flush();
    } finally {
      wire.stream.uncork();
    }
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    this.fields = message.fields;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    this.seen++;
    if (this.seen <= this.plan.offset || this.truncated) return;
    if (this.rows.length >= this.plan.limit) {
      this.truncated = 'limit';
      return;
    }
    let bytes = 0;
    for (const value of message.fields) if (value !== null) bytes += Buffer.byteLength(value);
    if (this.keptBytes + bytes > this.plan.maxBytes) {
      this.truncated = 'bytes';
      return;
    }
    this.keptBytes += bytes;
    this.rows.push(message.fields);
  }

  /**
   * Called (in protocol order) for a row larger than `maxBytes`, which the session's result
   * guard will not read: it cancels the statement and closes the session. In a read-only
   * transaction after kept rows, the result is simply cut there; otherwise (the first row
   * wanted, or a write that now cannot commit) the statement fails. Returns the error the
   * session is closed with.
   */
  refuseRow(exceeded: ResultSizeExceeded): Error {
    this.refused = true;
    const rowNumber = this.seen + 1;
    this.seen++;
    const wanted = this.seen > this.plan.offset;
    if (this.plan.mode === 'read-only' && wanted && (this.rows.length > 0 || this.truncated)) {
      this.truncated ||= this.rows.length >= this.plan.limit ? 'limit' : 'bytes';
      this.cut = true;
      return new Error('The result was cut at a row larger than the output budget.');
    }
    this.failure ??= rowTooLarge(
      exceeded,
      rowNumber,
      this.fields.map((f) => f.name),
      this.plan.mode === 'read-write',
    );
    return this.failure;
  }

  /** Whether the session ended under the statement (it must be discarded, not reused). */
  get sessionEnded(): boolean {
    return this.refused;
  }

  handlePortalSuspended(): void {
    const connection = this.connection!;
    if (this.finishSent) return;
    if (this.truncated || this.remaining() <= 0) {
      this.sendFinish(connection);
      return;
    }
    connection.execute({ rows: this.nextBatch() });
    connection.flush();
  }

  handleCommandComplete(message: { text: string }): void {
    if (this.phase === 'setup') {
      if (++this.setupCompletions === this.setupStatements) this.phase = 'statement';
      return;
    }
    if (this.phase === 'statement') {
      this.commandTag = message.text;
      this.phase = 'finish';
      if (!this.finishSent) this.sendFinish(this.connection!);
    }
  }

  handleEmptyQuery(): void {
    this.phase = 'finish';
    if (!this.finishSent) this.sendFinish(this.connection!);
  }

  handleCopyInResponse(connection: pg.Connection): void {
    (connection as unknown as WireConnection).sendCopyFail('pgmcp does not send data for COPY FROM STDIN');
  }

  handleCopyData(): void {
    // COPY TO STDOUT data is not collected; the statement completes normally.
  }

  handleError(error: Error): void {
    if (this.cut) {
      // The guard closed the session after the rows we keep; the read-only transaction dies with it.
      this.settle();
      return;
    }
    // The server skips everything up to the next Sync; make sure one is on its way so the
    // session returns to ReadyForQuery (in a failed transaction the caller must roll back).
    this.failure ??= error;
    if (!this.finishSent && this.connection) {
      this.finishSent = true;
      this.connection.sync();
    }
    // pg drops its reference to this query after an error, so ReadyForQuery will not reach us.
    this.settle();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.failure) {
      this.rejectPromise(this.failure);
      return;
    }
    this.resolvePromise({
      fields: this.fields,
      rows: this.rows,
      ...(this.commandTag ? { commandTag: this.commandTag } : {}),
      truncated: this.truncated,
      skipped: Math.min(this.seen, this.plan.offset),
      keptBytes: this.keptBytes,
    });
  }
}
