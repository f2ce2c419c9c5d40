import { parseQueryText, type QueryResult, queryResultOf } from '../chat/query-result.js';

/** Types whose JSON number may drop digits PostgreSQL printed (166.00 → 166): shown from the text. */
const EXACT_TEXT_TYPES = /^(numeric|decimal|money|real|double precision|float)/i;
const NUMERIC_TYPES = /^(int|float|numeric|decimal|real|double|money|oid|smallint|bigint)/i;

/** True for columns that hold numbers (right-aligned, sorted as numbers, charted). */
export function isNumericType(type: string | undefined): boolean {
  return NUMERIC_TYPES.test(type ?? '');
}

/**
 * query_database's page with every value exact: the structured rows, except numeric-like columns,
 * which take PostgreSQL's own text from the TSV answer, so `166.00` keeps its scale.
 */
export function exactResult(
  structured: Record<string, unknown> | undefined,
  text: string,
): QueryResult | undefined {
  const result = queryResultOf(structured);
  if (!result) return undefined;
  const exactColumns = result.columns.flatMap((c, i) => (EXACT_TEXT_TYPES.test(c.type ?? '') ? [i] : []));
  if (exactColumns.length === 0) return result;
  const fromText = parseQueryText(text);
  if (!fromText || fromText.rows.length !== result.rows.length) return result;
  const rows = result.rows.map((row, r) => {
    const copy = [...row];
    for (const i of exactColumns) copy[i] = fromText.rows[r]![i];
    return copy;
  });
  return { ...result, rows };
}

const BYTEA_SHOWN = 32;

/** A value as the grid shows it: NULL, bytea as hex with its length, json compact, else the text. */
export function displayValue(value: unknown, type?: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (type === 'bytea' && value.startsWith('\\x')) {
      const bytes = (value.length - 2) / 2;
      return value.length - 2 > BYTEA_SHOWN * 2
        ? `${value.slice(0, 2 + BYTEA_SHOWN * 2)}… (${bytes.toLocaleString('en-US')} bytes)`
        : value;
    }
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/** A value as copied or exported: like the grid, but bytea in full and NULL as empty. */
export function plainValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/** Orders two cells: NULLs last, numbers by value (exact strings too), the rest by text. */
export function compareCells(a: unknown, b: unknown, numeric: boolean): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (numeric) {
    const x = Number(a);
    const y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y) && x !== y) return x < y ? -1 : 1;
  }
  return plainValue(a).localeCompare(plainValue(b), undefined, { numeric: true });
}
