import type { Message } from '@pgmcp/api-contract';
import { createAnthropicClient, createOllamaClient, createOpenAiClient } from '@pgmcp/llm-clients';
import { startFakeProvider, textReply, type FakeProviderKind } from '@pgmcp/llm-clients/testing';
import { describe, expect, it } from 'vitest';
import { API_KEY } from './helpers.js';

// A stored conversation's tool_result carries a `display` (the rows and timing a client showed);
// it is for people only and must never reach a provider.
const MARKER = 'display-only-9f3a';
const messages: Message[] = [
  { role: 'user', content: 'How many?' },
  { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'query_database', input: {} }] },
  {
    role: 'user',
    content: [
      {
        type: 'tool_result',
        tool_use_id: 'call_1',
        content: 'n\n42\n(1 row)',
        display: { structured: { columns: [{ name: MARKER }], rows: [[42]] }, duration_ms: 12 },
      },
    ],
  },
];

const clients = {
  anthropic: (url: string) =>
    createAnthropicClient({ apiKey: API_KEY, baseUrl: url, defaultModel: 'claude-sonnet-4-5' }),
  openai: (url: string) => createOpenAiClient({ apiKey: API_KEY, baseUrl: url, defaultModel: 'gpt-4o' }),
  ollama: (url: string) => createOllamaClient({ baseUrl: url, defaultModel: 'llama3.2' }),
} satisfies Record<FakeProviderKind, unknown>;

describe.each(Object.keys(clients) as FakeProviderKind[])('a tool result display, %s', (provider) => {
  it('is not sent to the provider; the result text is', async () => {
    const fake = await startFakeProvider({ provider });
    try {
      fake.script(textReply('42'));
      await clients[provider](fake.url).chat({ messages });
      const body = JSON.stringify(fake.chatRequests[0]!.body);
      expect(body).toContain('42');
      expect(body).not.toContain(MARKER);
      expect(body).not.toContain('duration_ms');
    } finally {
      await fake.close();
    }
  });
});
