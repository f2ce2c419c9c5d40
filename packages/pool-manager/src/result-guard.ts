/**
 * A guard between the socket and pg's protocol parser. pg turns every DataRow into JavaScript
 * strings as soon as the whole message has arrived, buffering it first: one value of 540 MB is
 * a string over V8's limit (the parser throws inside a socket callback and the process exits),
 * and smaller ones still cost gigabytes. The guard reads each message header as the bytes
 * arrive and, when a message is larger than the session may read, never hands it to the parser:
 * it asks the server to cancel the statement and closes the session, so the running query fails
 * with an error that says what was too large. Nothing the parser throws reaches the event loop.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { PoolManagerError } from './errors.js';

/** Bounds on the result rows a session turns into JavaScript values, while in force. */
export interface ResultLimit {
  /** Largest row, in bytes of its values, that is read at all; a larger one ends the session. */
  maxRowBytes: number;
  /** Largest total of the rows read while this limit is in force (default: no total). */
  maxTotalBytes?: number;
  /**
   * The error the running query fails with (called once, in protocol order: every earlier row
   * has been delivered). Default: a {@link PoolManagerError} `RESULT_TOO_LARGE`.
   */
  onExceeded?: (exceeded: ResultSizeExceeded) => Error;
}

/** What was too large. */
export interface ResultSizeExceeded {
  /** `row`: one row is over `maxRowBytes`; `total`: the rows together are over `maxTotalBytes`. */
  reason: 'row' | 'total';
  /** Bytes of the row's values (its DataRow message less the protocol headers). */
  rowBytes: number;
  /** Bytes of every row read under this limit, this one included. */
  totalBytes: number;
  /** The limit that was exceeded. */
  limit: number;
  /** The row's largest value when its length was already at hand: 0-based column and bytes. */
  largestValue?: { column: number; bytes: number };
}

/** Lifts a limit set with {@link WireGuard.push}, restoring the one before it. */
export type LiftLimit = () => void;

const DATA_ROW = 0x44; // 'D'
const HEADER_BYTES = 5; // code + int32 length
const DATA_ROW_HEADER_BYTES = 7; // + int16 field count
const EMPTY = Buffer.alloc(0);

/** "515.0 MB", "1.0 MiB"-style sizes for messages (binary units, as the limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

interface ActiveLimit {
  readonly limit: ResultLimit;
  totalBytes: number;
}

/**
 * The per-connection state machine. `push` takes socket chunks and forwards whole-message
 * slices to pg's parser; a message it refuses is never forwarded, in part or in whole.
 */
export class WireGuard {
  /** Bytes of a header split across chunks (fewer than 7), not yet forwarded. */
  private head: Buffer = EMPTY;
  /** Bytes still to forward of the message being passed through. */
  private passing = 0;
  private stopped = false;
  private readonly limits: ActiveLimit[] = [];

  constructor(
    /** The session's own cap on any row or message, in force when no limit is set. */
    private readonly maxMessageBytes: number,
    /** Cancels the statement and closes the connection with `error`. */
    private readonly end: (error: Error) => void,
  ) {}

  /** Puts `limit` in force until the returned function is called. */
  push(limit: ResultLimit): LiftLimit {
    const active: ActiveLimit = { limit, totalBytes: 0 };
    this.limits.push(active);
    return () => {
      const index = this.limits.lastIndexOf(active);
      if (index !== -1) this.limits.splice(index, 1);
    };
  }

  /** Whether the guard has ended the session. */
  get ended(): boolean {
    return this.stopped;
  }

  /** Forwards what may be parsed of `incoming` to `forward`, in order; stops at a refused message. */
  receive(incoming: Buffer, forward: (piece: Buffer) => void): void {
    if (this.stopped) return;
    const chunk = this.head.length > 0 ? Buffer.concat([this.head, incoming]) : incoming;
    this.head = EMPTY;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.passing > 0) {
        const n = Math.min(this.passing, chunk.length - offset);
        offset += n;
        this.passing -= n;
        continue;
      }
      const available = chunk.length - offset;
      const code = chunk[offset]!;
      if (available < HEADER_BYTES || (code === DATA_ROW && available < DATA_ROW_HEADER_BYTES)) break;
      const length = chunk.readUInt32BE(offset + 1);
      const refusal = this.judge(code, length, chunk, offset);
      if (refusal) {
        // Every message before the refused one reaches the parser (and its handlers) first.
        if (!this.forward(chunk.subarray(0, offset), forward)) return;
        this.stop(refusal());
        return;
      }
      this.passing = 1 + length;
    }
    if (!this.forward(chunk.subarray(0, offset), forward)) return;
    // Fewer bytes than a header remain: keep them until the next chunk completes it.
    if (offset < chunk.length) this.head = Buffer.from(chunk.subarray(offset));
  }

  private forward(piece: Buffer, forward: (piece: Buffer) => void): boolean {
    if (piece.length === 0) return true;
    try {
      forward(piece);
      return true;
    } catch (error) {
      // pg's parser (or a handler it calls) threw: in a socket callback that would end the process.
      this.stopped = true;
      this.end(
        new PoolManagerError(
          'PROTOCOL_ERROR',
          `The database driver could not read the server's answer (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}); the session was closed. Try again.`,
          { cause: error },
        ),
      );
      return false;
    }
  }

  /**
   * Undefined when the message may be parsed; otherwise a function that makes the error to end
   * the session with (called once the messages before it have been parsed).
   */
  private judge(code: number, length: number, chunk: Buffer, offset: number): (() => Error) | undefined {
    if (code !== DATA_ROW) {
      if (length <= this.maxMessageBytes) return undefined;
      return () =>
        new PoolManagerError(
          'RESULT_TOO_LARGE',
          `The server sent a message of ${formatBytes(length)}, more than the ${formatBytes(this.maxMessageBytes)} a session may read; pgmcp closed the session without reading it.`,
        );
    }
    const fieldCount = chunk.readUInt16BE(offset + HEADER_BYTES);
    // length counts itself (4) and the field count (2); every value has a 4-byte length.
    const rowBytes = Math.max(0, length - 6 - 4 * fieldCount);
    const active = this.limits.at(-1);
    const maxRowBytes = Math.min(active?.limit.maxRowBytes ?? Infinity, this.maxMessageBytes);
    const totalBytes = (active?.totalBytes ?? 0) + rowBytes;
    let exceeded: ResultSizeExceeded | undefined;
    if (rowBytes > maxRowBytes) {
      exceeded = { reason: 'row', rowBytes, totalBytes, limit: maxRowBytes };
    } else if (active?.limit.maxTotalBytes !== undefined && totalBytes > active.limit.maxTotalBytes) {
      exceeded = { reason: 'total', rowBytes, totalBytes, limit: active.limit.maxTotalBytes };
    }
    if (!exceeded) {
      if (active) active.totalBytes = totalBytes;
      return undefined;
    }
    const largest = largestValue(chunk, offset + DATA_ROW_HEADER_BYTES, fieldCount);
    if (largest) exceeded.largestValue = largest;
    const seen = exceeded;
    const onExceeded = active?.limit.onExceeded;
    return () => (onExceeded ? onExceeded(seen) : defaultError(seen));
  }

  private stop(error: Error): void {
    this.stopped = true;
    this.end(error);
  }
}

/** The largest value whose length is within `chunk` (the rest of the row has not arrived). */
function largestValue(
  chunk: Buffer,
  start: number,
  fieldCount: number,
): { column: number; bytes: number } | undefined {
  let offset = start;
  let best: { column: number; bytes: number } | undefined;
  for (let column = 0; column < fieldCount && offset + 4 <= chunk.length; column++) {
    const bytes = chunk.readInt32BE(offset);
    offset += 4;
    if (bytes > 0) {
      if (!best || bytes > best.bytes) best = { column, bytes };
      offset += bytes;
    }
  }
  return best;
}

function defaultError(exceeded: ResultSizeExceeded): PoolManagerError {
  const what =
    exceeded.reason === 'row'
      ? `A result row of ${formatBytes(exceeded.rowBytes)} is larger than the ${formatBytes(exceeded.limit)} one row may have`
      : `The result rows add up to more than ${formatBytes(exceeded.limit)}`;
  return new PoolManagerError(
    'RESULT_TOO_LARGE',
    `${what}; pgmcp stopped reading, cancelled the statement and closed the session. Select less: fewer rows, or parts of large values (e.g. left(column, 1000), octet_length(column)).`,
  );
}

/** The slice of pg's (untyped) Connection the guard hooks into. */
interface InternalConnection {
  stream: { destroy(error?: Error): void };
  attachListeners(stream: EventEmitter): void;
}

/** The slice of pg's Client needed to send a CancelRequest. */
interface CancelTarget {
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
}

/** Asks the server to cancel whatever `client`'s session runs, over a separate connection. */
export function sendCancelRequest(client: pg.ClientBase): void {
  const target = client as unknown as CancelTarget;
  if (target.processID === null || target.secretKey === null) return;
  // pg's Connection speaks the protocol without logging in, which is all a CancelRequest needs.
  const connection = new pg.Connection() as pg.Connection & {
    connect(portOrPath: number | string, host?: string): void;
    cancel(processId: number, secretKey: number): void;
  };
  const { processID, secretKey } = target;
  connection.on('error', () => undefined);
  connection.on('connect', () => connection.cancel(processID, secretKey));
  if (target.host.startsWith('/')) connection.connect(`${target.host}/.s.PGSQL.${target.port}`);
  else connection.connect(target.port, target.host);
}

/** A pg Client whose connection reads the server's answers through a {@link WireGuard}. */
export interface GuardedClient extends pg.Client {
  readonly wireGuard: WireGuard;
}

/** The pg.Client class every session of a pool manager uses (see the file comment). */
export function guardedClientClass(maxMessageBytes: number): new (config?: pg.ClientConfig) => GuardedClient {
  return class extends pg.Client implements GuardedClient {
    readonly wireGuard: WireGuard;

    constructor(config?: pg.ClientConfig) {
      super(config);
      const connection = (this as unknown as { connection: InternalConnection }).connection;
      this.wireGuard = new WireGuard(maxMessageBytes, (error) => {
        sendCancelRequest(this);
        connection.stream.destroy(error);
      });
      const attach = connection.attachListeners.bind(connection);
      // pg attaches its parser to the socket (or the TLS socket after the upgrade) here; it
      // listens for 'data' and 'end' only, so a relay carrying the filtered bytes stands in.
      connection.attachListeners = (stream: EventEmitter) => {
        const relay = new EventEmitter();
        stream.on('data', (chunk: Buffer) =>
          this.wireGuard.receive(chunk, (piece) => relay.emit('data', piece)),
        );
        stream.on('end', () => relay.emit('end'));
        attach(relay);
      };
    }
  };
}
