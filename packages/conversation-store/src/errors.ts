/** What went wrong in @pgmcp/conversation-store. */
export type ConversationStoreErrorCode =
  /** A field or paging option has a bad value (named in the message). */
  | 'INVALID_INPUT'
  /** No such conversation for this user (other users' conversations are reported the same way). */
  | 'NOT_FOUND'
  /** The messages exceed the configured size or count limit. */
  | 'TOO_LARGE'
  /** The user keeps as many conversations as one user may. */
  | 'TOO_MANY'
  /** The user's conversations together would exceed the bytes one user may keep. */
  | 'QUOTA_EXCEEDED';

/** The one error type of @pgmcp/conversation-store; `code` says what failed. */
export class ConversationStoreError extends Error {
  override readonly name = 'ConversationStoreError';
  readonly code: ConversationStoreErrorCode;

  constructor(code: ConversationStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
