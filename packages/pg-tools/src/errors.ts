/** Codes of {@link PgToolsError}. */
export type PgToolsErrorCode = 'INVALID_OPTIONS' | 'INVALID_CUSTOM_ITEM';

/** Local errors of `@pgmcp/pg-tools` (tool failures reach the model as `ToolError` results instead). */
export class PgToolsError extends Error {
  override readonly name = 'PgToolsError';
  readonly code: PgToolsErrorCode;

  constructor(code: PgToolsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
