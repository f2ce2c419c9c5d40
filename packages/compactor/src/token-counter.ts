import type { Message } from '@pgmcp/api-contract';
import type { Tiktoken } from 'js-tiktoken/lite';
import { toolResultText } from './content.js';
import { CompactorError } from './errors.js';
import { createPieceEstimator } from './token-estimate.js';
import { PIECE_COSTS } from './token-tables.js';
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

/** The counter types this package knows. */
export const TOKEN_COUNTER_TYPES: readonly TokenCounterType[] = [
  'generic',
  'openai',
  'anthropic',
  'ollama',
  'exact',
];

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

const estimators = new Map<Exclude<TokenCounterType, 'exact'>, (text: string) => number>();

/**
 * A heuristic token estimator (synchronous, no tokenizer download): the text is cut into the
 * pieces its provider's tokenizer would make, and each piece costs what pieces of its shape cost
 * that tokenizer on the calibration corpus (bench/compactor/calibrate.ts).
 *
 * @example
 *   createEstimator('anthropic').countText('SELECT * FROM orders'); // 5
 */
export function createEstimator(type: Exclude<TokenCounterType, 'exact'>): TokenCounter {
  if (!Object.hasOwn(PIECE_COSTS, type)) {
    throw new CompactorError(
      'INVALID_REQUEST',
      `Unknown estimator "${String(type)}"; use generic, openai, anthropic or ollama.`,
    );
  }
  let estimate = estimators.get(type);
  if (!estimate) estimators.set(type, (estimate = createPieceEstimator(PIECE_COSTS[type])));
  return counterFrom(type, estimate);
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
