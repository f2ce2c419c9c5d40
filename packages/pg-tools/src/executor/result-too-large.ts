import { formatBytes, type ResultSizeExceeded } from '@pgmcp/pool-manager';

/**
 * A result the executor refused to read: a row larger than the output budget (or, for
 * pgmcp's own catalog queries, rows larger than their total budget). The statement was
 * cancelled and its session closed; nothing of the row became a JavaScript string.
 */
export class ResultTooLargeError extends Error {
  override readonly name = 'ResultTooLargeError';

  constructor(
    message: string,
    /** What the protocol guard saw. */
    readonly exceeded: ResultSizeExceeded,
    /** 1-based number of the refused row in the result, when known. */
    readonly rowNumber?: number,
  ) {
    super(message);
  }
}

/** The model's message for a row of a user's statement that is over the output budget. */
export function rowTooLarge(
  exceeded: ResultSizeExceeded,
  rowNumber: number,
  columns: readonly string[],
  rolledBack: boolean,
): ResultTooLargeError {
  const largest = exceeded.largestValue;
  const column = largest ? columns[largest.column] : undefined;
  const where =
    largest && column !== undefined && largest.bytes * 2 > exceeded.rowBytes
      ? ` (column "${column}" alone holds ${formatBytes(largest.bytes)})`
      : '';
  const example = column ?? columns[0] ?? 'column';
  const quoted = /^[a-z_][a-z0-9_]*$/.test(example) ? example : `"${example.replace(/"/g, '""')}"`;
  return new ResultTooLargeError(
    `Row ${rowNumber} of the result is ${formatBytes(exceeded.rowBytes)}${where}, more than the ` +
      `${formatBytes(exceeded.limit)} one answer may hold, so pgmcp stopped reading it and cancelled the statement` +
      `${rolledBack ? ' (nothing it did was committed)' : ''}. Select less of it: e.g. left(${quoted}, 1000) ` +
      `or octet_length(${quoted}) instead of the whole value, or fewer columns` +
      `${columns.length > 1 ? ` (the result has ${columns.map((c) => `"${c}"`).join(', ')})` : ''}.`,
    exceeded,
    rowNumber,
  );
}

/** The model's message when pgmcp's own queries (catalog, server info) return too much. */
export function catalogTooLarge(exceeded: ResultSizeExceeded): ResultTooLargeError {
  const what =
    exceeded.reason === 'row'
      ? `a row of ${formatBytes(exceeded.rowBytes)} (a comment, default or view definition that large)`
      : `more than ${formatBytes(exceeded.limit)} in all`;
  return new ResultTooLargeError(
    `The database answered with ${what}, more than pgmcp reads for one call, so it stopped reading and cancelled the query. Ask for a narrower answer (for get_schema_info: one schema_name or table_name, or compact: true).`,
    exceeded,
  );
}
