import { getTokenizer } from '@anthropic-ai/tokenizer';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import llama3Tokenizer from 'llama3-tokenizer-js';

/** A provider family and the public tokenizer its estimator is calibrated against. */
export interface ReferenceTokenizer {
  family: 'openai' | 'anthropic' | 'ollama';
  /** What the numbers are measured against. */
  name: string;
  count(text: string): number;
}

const openai = new Tiktoken(o200k);
const claude = getTokenizer();

/**
 * The reference tokenizers: OpenAI's o200k_base (GPT-4o and later, js-tiktoken); Anthropic's only
 * published tokenizer (@anthropic-ai/tokenizer, Claude 2 era: later Claude models count with an
 * unpublished one); Llama 3's (llama3-tokenizer-js), the tokenizer of Ollama's default model family.
 */
export const REFERENCE_TOKENIZERS: readonly ReferenceTokenizer[] = [
  { family: 'openai', name: 'o200k_base (js-tiktoken)', count: (text) => openai.encode(text, [], []).length },
  {
    family: 'anthropic',
    name: '@anthropic-ai/tokenizer (Claude)',
    // As its countTokens does, without freeing the tokenizer after every call.
    count: (text) => claude.encode(text.normalize('NFKC'), 'all').length,
  },
  {
    family: 'ollama',
    name: 'Llama 3 (llama3-tokenizer-js)',
    count: (text) => llama3Tokenizer.encode(text, { bos: false, eos: false }).length,
  },
];
