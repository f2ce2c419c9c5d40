/**
 * Column value conventions shared by the stores, so the same code reads and writes the same values
 * on SQLite and PostgreSQL: timestamps are epoch milliseconds in `bigint` columns, booleans are 0/1
 * in `integer` columns, JSON is text.
 */

/** A Date as stored: epoch milliseconds. */
export function toDbTime(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('Cannot store an invalid Date.');
  return ms;
}

/** A stored timestamp back as a Date. */
export function fromDbTime(value: number | string): Date {
  return new Date(Number(value));
}

/** A stored timestamp that may be NULL back as a Date or undefined. */
export function fromDbTimeOrUndefined(value: number | string | null | undefined): Date | undefined {
  return value === null || value === undefined ? undefined : fromDbTime(value);
}

/** A boolean as stored: 1 or 0 (better-sqlite3 cannot bind booleans). */
export function toDbBool(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** A stored 0/1 (or a native boolean) back as a boolean. */
export function fromDbBool(value: number | boolean): boolean {
  return value === true || value === 1;
}

/** A JSON value as stored: its text. */
export function toDbJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Stored JSON text back as a value; the caller states the type it wrote. */
export function fromDbJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
