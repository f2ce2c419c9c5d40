import { describe, expect, it } from 'vitest';
import { PoolManagerError } from './errors.js';
import { type ResultSizeExceeded, WireGuard } from './result-guard.js';

function message(code: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(payload.length + 4, 1);
  return Buffer.concat([header, payload]);
}

function dataRow(values: (string | null)[]): Buffer {
  const parts = [Buffer.from([values.length >> 8, values.length & 0xff])];
  for (const value of values) {
    const length = Buffer.alloc(4);
    if (value === null) {
      length.writeInt32BE(-1);
      parts.push(length);
    } else {
      const bytes = Buffer.from(value);
      length.writeInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return message('D', Buffer.concat(parts));
}

const commandComplete = message('C', Buffer.from('SELECT 3\0'));

/** Feeds `stream` to a guard in pieces of `size` bytes; returns what reached the parser. */
function feed(guard: WireGuard, stream: Buffer, size: number): Buffer {
  const forwarded: Buffer[] = [];
  for (let i = 0; i < stream.length; i += size) {
    guard.receive(stream.subarray(i, i + size), (piece) => forwarded.push(Buffer.from(piece)));
  }
  return Buffer.concat(forwarded);
}

describe('WireGuard', () => {
  const rows = [dataRow(['1', 'alpha', null]), dataRow(['2', 'b'.repeat(300), 'x']), dataRow([])];
  const stream = Buffer.concat([...rows, commandComplete]);

  it('passes every message within the limits through unchanged, however the bytes are split', () => {
    for (const size of [1, 2, 3, 5, 6, 7, 11, 64, stream.length]) {
      const ended: Error[] = [];
      const guard = new WireGuard(1 << 20, (error) => ended.push(error));
      guard.push({ maxRowBytes: 1000, maxTotalBytes: 10_000 });
      expect(feed(guard, stream, size).equals(stream)).toBe(true);
      expect(ended).toEqual([]);
    }
  });

  it('never forwards any byte of a row over the limit, and ends the session once', () => {
    const big = dataRow(['3', 'y'.repeat(5000)]);
    const after = dataRow(['4', 'z']);
    const input = Buffer.concat([rows[0]!, big, after, commandComplete]);
    for (const size of [1, 4, 7, 9, 100, input.length]) {
      const ended: Error[] = [];
      const seen: ResultSizeExceeded[] = [];
      const guard = new WireGuard(1 << 20, (error) => ended.push(error));
      guard.push({
        maxRowBytes: 1000,
        onExceeded: (exceeded) => {
          seen.push(exceeded);
          return new Error('too large');
        },
      });
      expect(feed(guard, input, size).equals(rows[0]!)).toBe(true);
      expect(ended.map((e) => e.message)).toEqual(['too large']);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ reason: 'row', rowBytes: 5001, limit: 1000 });
      expect(guard.ended).toBe(true);
    }
  });

  it('names the largest value when its length has arrived', () => {
    const seen: ResultSizeExceeded[] = [];
    const guard = new WireGuard(1 << 20, () => undefined);
    guard.push({ maxRowBytes: 100, onExceeded: (e) => (seen.push(e), new Error('x')) });
    feed(guard, dataRow(['1', 'q'.repeat(500), 'r']), 1 << 16);
    expect(seen[0]?.largestValue).toEqual({ column: 1, bytes: 500 });
  });

  it('counts rows against a total and lifts limits in order', () => {
    const ended: Error[] = [];
    const guard = new WireGuard(1 << 20, (error) => ended.push(error));
    const liftOuter = guard.push({ maxRowBytes: 1000, maxTotalBytes: 320 });
    const liftInner = guard.push({ maxRowBytes: 10 });
    liftInner();
    const input = Buffer.concat([rows[0]!, rows[1]!, rows[1]!]);
    expect(feed(guard, input, 1 << 16).equals(Buffer.concat([rows[0]!, rows[1]!]))).toBe(true);
    expect(ended[0]).toBeInstanceOf(PoolManagerError);
    expect(ended[0]).toMatchObject({ code: 'RESULT_TOO_LARGE' });
    expect(ended[0]?.message).toMatch(/add up to more than 320 bytes/);
    liftOuter();
  });

  it('caps every other message at the session limit, rows included when no limit is set', () => {
    const ended: Error[] = [];
    const guard = new WireGuard(64, (error) => ended.push(error));
    const notice = message('N', Buffer.from(`M${'n'.repeat(100)}\0\0`));
    expect(feed(guard, Buffer.concat([rows[0]!, notice, rows[0]!]), 3).equals(rows[0]!)).toBe(true);
    expect(ended[0]?.message).toMatch(/message of 107 bytes, more than the 64 bytes/);

    const unlimited = new WireGuard(64, (error) => ended.push(error));
    expect(feed(unlimited, Buffer.concat([rows[0]!, rows[1]!]), 8).equals(rows[0]!)).toBe(true);
    expect(ended[1]?.message).toMatch(/A result row of 302 bytes is larger than the 64 bytes/);
  });

  it('turns an exception thrown by the parser into the end of the session, not of the process', () => {
    const ended: Error[] = [];
    const guard = new WireGuard(1 << 20, (error) => ended.push(error));
    guard.receive(stream, () => {
      throw new RangeError('Cannot create a string longer than 0x1fffffe8 characters');
    });
    expect(ended[0]).toMatchObject({ code: 'PROTOCOL_ERROR' });
    expect(ended[0]?.message).toMatch(/could not read the server's answer \(Cannot create a string/);
    // Nothing more is forwarded once the session has ended.
    const after: Buffer[] = [];
    guard.receive(stream, (piece) => after.push(piece));
    expect(after).toEqual([]);
  });
});
