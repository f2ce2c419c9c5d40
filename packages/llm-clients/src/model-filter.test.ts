import { describe, expect, it } from 'vitest';
import { isChatModelId } from './model-filter.js';

describe('isChatModelId', () => {
  it.each([
    'gpt-4o',
    'gpt-4.1-mini',
    'o3-mini',
    'claude-sonnet-4-5',
    'models/gemini-2.5-flash',
    'meta-llama/Llama-3.1-8B-Instruct',
    'qwen3:8b',
    'llama3.2-vision:latest',
  ])('keeps %s', (id) => expect(isChatModelId(id)).toBe(true));

  it.each([
    'text-embedding-3-small',
    'models/gemini-embedding-001',
    'nomic-embed-text',
    'whisper-1',
    'tts-1-hd',
    'gpt-4o-mini-tts',
    'gpt-4o-transcribe',
    'dall-e-3',
    'gpt-image-1',
    'models/imagen-3.0-generate-002',
    'models/veo-2.0-generate-001',
    'omni-moderation-latest',
    'babbage-002',
    'davinci-002',
    'gpt-3.5-turbo-instruct',
    'gpt-4o-realtime-preview',
    'computer-use-preview',
    'BAAI/bge-m3',
  ])('drops %s', (id) => expect(isChatModelId(id)).toBe(false));
});
