import type { StreamEvent, ToolDefinition } from '@pgmcp/api-contract';
import { createLlmClient, type LlmClient, type LlmClientOptions, type LlmProvider } from '@pgmcp/llm-clients';
import type { FakeProvider } from '@pgmcp/llm-clients/testing';

/** The three providers every behaviour is checked against. */
export const PROVIDERS: LlmProvider[] = ['anthropic', 'openai', 'ollama'];

/** A key that looks real enough for redaction to matter. */
export const API_KEY = 'sk-test-4f9c2a7e1b3d5f6a8c0e';

/** A client of the fake's provider, pointed at the fake (or any URL), with fast retries. */
export function clientFor(
  fake: Pick<FakeProvider, 'provider' | 'url'>,
  options: LlmClientOptions = {},
): LlmClient {
  return createLlmClient({
    provider: fake.provider,
    baseUrl: fake.url,
    apiKey: API_KEY,
    defaultModel: 'test-model',
    retryBaseDelayMs: 10,
    ...options,
  });
}

/** Reads a whole stream. */
export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The text a stream carried. */
export function textOf(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.text : '')).join('');
}

/** Tools as MCP tools/list gives them. */
export const TOOLS: ToolDefinition[] = [
  {
    name: 'get_schema_info',
    description: 'Tables and columns.',
    input_schema: { type: 'object', properties: { schema_name: { type: 'string' } } },
  },
  {
    name: 'query_database',
    description: 'Runs one read-only SQL statement.',
    input_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
  },
];

/** A URL where nothing listens. */
export async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
