// The compactor: one long-lived instance per server, with cache and analytics.
export { createCompactor, type Compactor, type CompactorConfig } from './compactor.js';
export type { CompactionCacheConfig } from './cache.js';
export type { CompactionAnalytics } from './analytics.js';
export type { LlmSummarizerConfig } from './llm-summary.js';
export { COMPACT_DEFAULTS } from './request.js';

// Request and result shapes (they mirror POST /api/v1/chat/compact).
export type {
  CompactionInfo,
  CompactionSummary,
  CompactOptions,
  CompactRequest,
  CompactResult,
  ExactEncoding,
  MessageTier,
  TokenCounterType,
} from './types.js';

// The client-side fallback.
export { compactLocally, type LocalCompactOptions } from './compact-locally.js';

// Building blocks: classification and token counting.
export {
  classifyMessage,
  classifyMessages,
  isAcknowledgement,
  MESSAGE_TIERS,
  TIER_SCORES,
  type Classification,
  type ClassifyOptions,
} from './classifier.js';
export {
  BLOCK_OVERHEAD_TOKENS,
  CONVERSATION_OVERHEAD_TOKENS,
  createEstimator,
  createTokenCounter,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  TOKEN_COUNTER_TYPES,
  type TokenCounter,
} from './token-counter.js';
export { detectContentKind, type ContentKind } from './content.js';

export { CompactorError, type CompactorErrorCode } from './errors.js';

// The pre-tokenizer behind the estimators, for calibrating them against a real tokenizer.
export { CASE, PIECE, PREFIX, scanPieces, type PieceRules, type PieceVisitor } from './token-pieces.js';
