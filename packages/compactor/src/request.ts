import type { Message } from '@pgmcp/api-contract';
import { CompactorError } from './errors.js';
import { TOKEN_COUNTER_TYPES } from './token-counter.js';
import type { CompactOptions, CompactRequest, ExactEncoding, TokenCounterType } from './types.js';

/** The defaults of every request field and option. */
export const COMPACT_DEFAULTS = {
  max_tokens: 100_000,
  recent_window: 10,
  keep_anchors: true,
  options: {
    preserve_tool_results: true,
    preserve_schema_info: true,
    enable_summarization: true,
    min_important_messages: 3,
    token_counter_type: 'generic',
    exact_encoding: 'o200k_base',
    enable_llm_summarization: false,
    enable_caching: true,
    enable_analytics: true,
  },
} as const satisfies Omit<Required<CompactRequest>, 'messages' | 'options'> & { options: CompactOptions };

/** A request with every default applied. */
export interface ResolvedRequest {
  messages: Message[];
  maxTokens: number;
  recentWindow: number;
  keepAnchors: boolean;
  preserveToolResults: boolean;
  preserveSchemaInfo: boolean;
  summarize: boolean;
  minImportant: number;
  counterType: TokenCounterType;
  exactEncoding: ExactEncoding;
  llmSummary: boolean;
  caching: boolean;
  /** Undefined: use the compactor's default TTL. */
  cacheTtlMs: number | undefined;
  analytics: boolean;
}

const BLOCK_TYPES = ['text', 'tool_use', 'tool_result', 'image'];
const ENCODINGS: readonly ExactEncoding[] = ['o200k_base', 'cl100k_base'];

function invalid(message: string): never {
  throw new CompactorError('INVALID_REQUEST', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkBlock(block: unknown, path: string, inToolResult: boolean): void {
  if (!isObject(block)) invalid(`${path} must be an object.`);
  const allowed = inToolResult ? ['text', 'image'] : BLOCK_TYPES;
  if (typeof block.type !== 'string' || !allowed.includes(block.type)) {
    invalid(`${path}.type must be one of ${allowed.join(', ')}.`);
  }
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') invalid(`${path}.text must be a string.`);
      break;
    case 'tool_use':
      if (typeof block.id !== 'string' || block.id === '') invalid(`${path}.id must be a non-empty string.`);
      if (typeof block.name !== 'string' || block.name === '')
        invalid(`${path}.name must be a non-empty string.`);
      if (!isObject(block.input)) invalid(`${path}.input must be an object.`);
      break;
    case 'tool_result':
      if (typeof block.tool_use_id !== 'string' || block.tool_use_id === '') {
        invalid(`${path}.tool_use_id must be a non-empty string.`);
      }
      if (Array.isArray(block.content)) {
        block.content.forEach((part, k) => checkBlock(part, `${path}.content[${k}]`, true));
      } else if (typeof block.content !== 'string') {
        invalid(`${path}.content must be a string or an array of text and image blocks.`);
      }
      break;
    case 'image':
      if (!isObject(block.source) || typeof block.source.data !== 'string') {
        invalid(`${path}.source must be {type: "base64", media_type, data}.`);
      }
      break;
  }
}

function checkMessages(messages: unknown): asserts messages is Message[] {
  if (!Array.isArray(messages)) invalid('messages must be an array of {role, content} messages.');
  messages.forEach((message: unknown, i) => {
    if (!isObject(message)) invalid(`messages[${i}] must be an object with role and content.`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      invalid(`messages[${i}].role must be "user" or "assistant" (the system prompt travels separately).`);
    }
    if (Array.isArray(message.content)) {
      message.content.forEach((block, j) => checkBlock(block, `messages[${i}].content[${j}]`, false));
    } else if (typeof message.content !== 'string') {
      invalid(`messages[${i}].content must be a string or an array of blocks.`);
    }
  });
}

function integer(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    invalid(`${name} must be an integer >= ${min}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalid(`${name} must be true or false; got ${JSON.stringify(value)}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    invalid(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

/** Checks a request and applies the defaults; throws INVALID_REQUEST naming the first bad field. */
export function resolveRequest(request: CompactRequest): ResolvedRequest {
  if (!isObject(request)) invalid('The request must be an object with a messages array.');
  checkMessages(request.messages);
  const options: unknown = request.options ?? {};
  if (!isObject(options)) invalid('options must be an object.');
  const d = COMPACT_DEFAULTS.options;
  let cacheTtlMs: number | undefined;
  if (options.cache_ttl !== undefined) {
    const ttl = options.cache_ttl;
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
      invalid(`options.cache_ttl must be a number of seconds > 0; got ${JSON.stringify(ttl)}.`);
    }
    cacheTtlMs = ttl * 1000;
  }
  return {
    messages: request.messages,
    maxTokens: integer(request.max_tokens, 'max_tokens', 1, COMPACT_DEFAULTS.max_tokens),
    recentWindow: integer(request.recent_window, 'recent_window', 0, COMPACT_DEFAULTS.recent_window),
    keepAnchors: flag(request.keep_anchors, 'keep_anchors', COMPACT_DEFAULTS.keep_anchors),
    preserveToolResults: flag(
      options.preserve_tool_results,
      'options.preserve_tool_results',
      d.preserve_tool_results,
    ),
    preserveSchemaInfo: flag(
      options.preserve_schema_info,
      'options.preserve_schema_info',
      d.preserve_schema_info,
    ),
    summarize: flag(options.enable_summarization, 'options.enable_summarization', d.enable_summarization),
    minImportant: integer(
      options.min_important_messages,
      'options.min_important_messages',
      0,
      d.min_important_messages,
    ),
    counterType: oneOf(
      options.token_counter_type,
      'options.token_counter_type',
      TOKEN_COUNTER_TYPES,
      d.token_counter_type,
    ),
    exactEncoding: oneOf(options.exact_encoding, 'options.exact_encoding', ENCODINGS, d.exact_encoding),
    llmSummary: flag(
      options.enable_llm_summarization,
      'options.enable_llm_summarization',
      d.enable_llm_summarization,
    ),
    caching: flag(options.enable_caching, 'options.enable_caching', d.enable_caching),
    cacheTtlMs,
    analytics: flag(options.enable_analytics, 'options.enable_analytics', d.enable_analytics),
  };
}
