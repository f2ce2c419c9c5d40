import type { Message } from '@pgmcp/api-contract';
import type { Tiktoken } from 'js-tiktoken/lite';
import {
  detectContentKind,
  hasExcessWhitespace,
  isNaturalLanguage,
  toolResultText,
  type ContentKind,
} from './content.js';
import { CompactorError } from './errors.js';
import type { ExactEncoding, TokenCounterType } from './types.js';

/** Counts tokens of text, messages and conversations, overhead included, the same way for every counter. */
export interface TokenCounter {
  readonly type: TokenCounterType;
  /** Tokens of a piece of text, without any message overhead. */
  countText(text: string): number;
  /** Tokens of one message: role overhead, text, tool calls, tool results and images. */
  countMessage(message: Message): number;
  /** Tokens of a whole conversation: every message plus the reply priming. */
  countMessages(messages: readonly Message[]): number;
}

/** Tokens every message costs for its role and framing. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens every tool_use, tool_result or image block costs for its framing (ids, names, delimiters). */
export const BLOCK_OVERHEAD_TOKENS = 3;
/** Tokens a conversation costs once, for priming the reply. */
export const CONVERSATION_OVERHEAD_TOKENS = 3;
/** Flat cost of an image block: about what providers charge for a ~1 megapixel image. */
export const IMAGE_TOKENS = 1600;

/**
 * Content multipliers shared by the estimators: SQL, JSON and code tokenize denser than prose, and
 * tabular query results (numbers, timestamps, ids) densest of all: about 2.2 characters per token
 * with o200k_base against ~5 for English (see bench/compactor/estimator-accuracy.ts).
 */
export const CONTENT_MULTIPLIERS: Readonly<Record<ContentKind, number>> = {
  sql: 1.2,
  json: 1.15,
  code: 1.1,
  tabular: 1.8,
  natural: 1.0,
};

interface EstimatorProfile {
  charsPerToken: number;
  adjust(text: string): number;
}

/** Characters per token and the provider-specific adjustment of each heuristic estimator. */
const PROFILES: Readonly<Record<Exclude<TokenCounterType, 'exact'>, EstimatorProfile>> = {
  generic: { charsPerToken: 4.0, adjust: () => 1 },
  // OpenAI's BPE merges single spaces into words but pays for runs of them.
  openai: { charsPerToken: 4.0, adjust: (text) => (hasExcessWhitespace(text) ? 1.05 : 1) },
  anthropic: { charsPerToken: 3.8, adjust: (text) => (isNaturalLanguage(text) ? 0.95 : 1) },
  // Ollama serves many tokenizers; a 10 % margin keeps the estimate on the safe side.
  ollama: { charsPerToken: 4.5, adjust: () => 1.1 },
};

/** The counter types this package knows. */
export const TOKEN_COUNTER_TYPES: readonly TokenCounterType[] = [
  'generic',
  'openai',
  'anthropic',
  'ollama',
  'exact',
];

const FENCE = '```';
const FENCE_KINDS: Readonly<Record<string, ContentKind>> = {
  sql: 'sql',
  postgresql: 'sql',
  psql: 'sql',
  json: 'json',
  text: 'natural',
  txt: 'natural',
  tsv: 'tabular',
  '': 'code',
};

function estimateSegment(text: string, kind: ContentKind, profile: EstimatorProfile): number {
  if (text.length === 0) return 0;
  const tokens = (text.length / profile.charsPerToken) * CONTENT_MULTIPLIERS[kind] * profile.adjust(text);
  // The epsilon keeps float noise (400 / 4 * 1.1 = 110.00000000000001) from adding a token.
  return Math.ceil(tokens - 1e-9);
}

/** Estimates text, counting fenced code blocks (```sql ...```) by their own kind. */
function estimateText(text: string, profile: EstimatorProfile): number {
  let start = text.indexOf(FENCE);
  if (start < 0) return estimateSegment(text, detectContentKind(text), profile);
  let tokens = 0;
  let cursor = 0;
  while (start >= 0) {
    const end = text.indexOf(FENCE, start + FENCE.length);
    if (end < 0) break;
    const before = text.slice(cursor, start);
    tokens += estimateSegment(before, detectContentKind(before), profile);
    const fenced = text.slice(start, end + FENCE.length);
    const newline = fenced.indexOf('\n');
    const info = (newline < 0 ? '' : fenced.slice(FENCE.length, newline)).trim().toLowerCase();
    tokens += estimateSegment(fenced, FENCE_KINDS[info] ?? 'code', profile);
    cursor = end + FENCE.length;
    start = text.indexOf(FENCE, cursor);
  }
  const rest = text.slice(cursor);
  return tokens + estimateSegment(rest, detectContentKind(rest), profile);
}

function counterFrom(type: TokenCounterType, countText: (text: string) => number): TokenCounter {
  const countMessage = (message: Message): number => {
    if (typeof message.content === 'string') return MESSAGE_OVERHEAD_TOKENS + countText(message.content);
    let tokens = MESSAGE_OVERHEAD_TOKENS;
    for (const block of message.content) {
      switch (block.type) {
        case 'text':
          tokens += countText(block.text);
          break;
        case 'tool_use':
          tokens += BLOCK_OVERHEAD_TOKENS + countText(block.name) + countText(JSON.stringify(block.input));
          break;
        case 'tool_result':
          tokens += BLOCK_OVERHEAD_TOKENS + countText(toolResultText(block));
          if (typeof block.content !== 'string') {
            for (const part of block.content) if (part.type === 'image') tokens += IMAGE_TOKENS;
          }
          break;
        case 'image':
          tokens += BLOCK_OVERHEAD_TOKENS + IMAGE_TOKENS;
          break;
      }
    }
    return tokens;
  };
  return {
    type,
    countText,
    countMessage,
    countMessages(messages) {
      let tokens = CONVERSATION_OVERHEAD_TOKENS;
      for (const message of messages) tokens += countMessage(message);
      return tokens;
    },
  };
}

/**
 * A heuristic token estimator (synchronous, no tokenizer download).
 *
 * @example
 *   createEstimator('anthropic').countText('SELECT * FROM orders'); // 6
 */
export function createEstimator(type: Exclude<TokenCounterType, 'exact'>): TokenCounter {
  const profile = PROFILES[type];
  if (!profile) {
    throw new CompactorError(
      'INVALID_REQUEST',
      `Unknown estimator "${String(type)}"; use generic, openai, anthropic or ollama.`,
    );
  }
  return counterFrom(type, (text) => estimateText(text, profile));
}

const tokenizers = new Map<ExactEncoding, Promise<Tiktoken>>();

async function loadRanks(encoding: ExactEncoding) {
  // Literal specifiers so bundlers split each rank table into its own lazily loaded chunk.
  switch (encoding) {
    case 'o200k_base':
      return (await import('js-tiktoken/ranks/o200k_base')).default;
    case 'cl100k_base':
      return (await import('js-tiktoken/ranks/cl100k_base')).default;
  }
}

function loadTokenizer(encoding: ExactEncoding): Promise<Tiktoken> {
  let tokenizer = tokenizers.get(encoding);
  if (!tokenizer) {
    tokenizer = Promise.all([import('js-tiktoken/lite'), loadRanks(encoding)]).then(
      ([{ Tiktoken }, ranks]) => new Tiktoken(ranks),
      (cause: unknown) => {
        tokenizers.delete(encoding);
        throw new CompactorError('TOKENIZER_UNAVAILABLE', `Could not load the ${encoding} tokenizer ranks.`, {
          cause,
        });
      },
    );
    tokenizers.set(encoding, tokenizer);
  }
  return tokenizer;
}

/**
 * A token counter of the given type; `exact` loads the BPE ranks on first use (once per process).
 *
 * @example
 *   const counter = await createTokenCounter('exact', { encoding: 'o200k_base' });
 *   counter.countMessages([{ role: 'user', content: 'hello' }]);
 */
export async function createTokenCounter(
  type: TokenCounterType,
  options: { encoding?: ExactEncoding } = {},
): Promise<TokenCounter> {
  if (type !== 'exact') return createEstimator(type);
  const encoding = options.encoding ?? 'o200k_base';
  if (encoding !== 'o200k_base' && encoding !== 'cl100k_base') {
    throw new CompactorError(
      'INVALID_REQUEST',
      `Unknown exact_encoding "${String(encoding)}"; use o200k_base or cl100k_base.`,
    );
  }
  const tokenizer = await loadTokenizer(encoding);
  // Special-token strings in chat text are ordinary text to the provider, so nothing is special here.
  return counterFrom('exact', (text) => (text.length === 0 ? 0 : tokenizer.encode(text, [], []).length));
}
