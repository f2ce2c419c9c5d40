import type { Block, Message } from '@pgmcp/api-contract';
import { collectStream, createLlmClient, isLlmClientError, type LlmClient } from '@pgmcp/llm-clients';
import {
  lastToolResult,
  lastUserText,
  rawReply,
  startFakeProvider,
  textReply,
  toolCallReply,
  type FakeProvider,
  type FakeResponder,
} from '@pgmcp/llm-clients/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, clientFor, PROVIDERS, TOOLS } from './helpers.js';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A model that looks at the schema, queries, then answers with the number it saw. */
const analyst: FakeResponder = ({ chat }) => {
  const last = lastToolResult(chat);
  if (!last)
    return toolCallReply({ name: 'get_schema_info', input: { schema_name: 'public' } }, { text: 'Looking.' });
  if (last.name === 'get_schema_info') {
    return toolCallReply({ name: 'query_database', input: { query: 'SELECT count(*) FROM users' } });
  }
  return textReply(`There are ${last.text} users.`);
};

/** Runs a tool-use loop the way the agent package will, with canned tool outputs. */
async function runAgent(llm: LlmClient, streaming: boolean): Promise<string> {
  const outputs: Record<string, string> = {
    get_schema_info: 'users(id int, name text)',
    query_database: '42',
  };
  const messages: Message[] = [{ role: 'user', content: 'How many users do we have?' }];
  for (let turn = 0; turn < 5; turn++) {
    const answer = streaming
      ? await collectStream(llm.stream({ tools: TOOLS, messages }))
      : await llm.chat({ tools: TOOLS, messages });
    messages.push({ role: 'assistant', content: answer.content });
    if (answer.stop_reason !== 'tool_use') {
      return answer.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    }
    const results: Block[] = answer.content.flatMap((b) =>
      b.type === 'tool_use'
        ? [{ type: 'tool_result' as const, tool_use_id: b.id, content: outputs[b.name] ?? 'unknown tool' }]
        : [],
    );
    messages.push({ role: 'user', content: results });
  }
  throw new Error('the loop did not finish');
}

describe.each(PROVIDERS)('%s fake', (provider) => {
  it.each([false, true])(
    'drives a scripted tool-using model through a whole loop (streaming: %s)',
    async (streaming) => {
      fake = await startFakeProvider({ provider, responder: analyst });
      expect(await runAgent(clientFor(fake), streaming)).toBe('There are 42 users.');
      const chats = fake.chatRequests;
      expect(chats).toHaveLength(3);
      expect(chats.map((r) => r.chat.stream)).toEqual([streaming, streaming, streaming]);
      expect(lastUserText(chats[2]!.chat)).toBe('How many users do we have?');
      expect(lastToolResult(chats[2]!.chat)).toMatchObject({
        name: 'query_database',
        text: '42',
        is_error: false,
      });
    },
  );

  it('answers an unscripted chat with an error that says so, without retries', async () => {
    fake = await startFakeProvider({ provider });
    const error = await clientFor(fake)
      .chat({ messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(isLlmClientError(error, 'BAD_REQUEST')).toBe(true);
    expect((error as Error).message).toContain('no scripted reply');
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('uses scripted replies before the responder, and reset forgets both requests and script', async () => {
    fake = await startFakeProvider({
      provider,
      replies: [textReply('scripted')],
      responder: () => textReply('responder'),
    });
    const llm = clientFor(fake);
    const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };
    expect((await llm.chat(ask)).content).toEqual([{ type: 'text', text: 'scripted' }]);
    expect((await llm.chat(ask)).content).toEqual([{ type: 'text', text: 'responder' }]);
    fake.script(textReply('left over'));
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect(fake.pendingReplies).toBe(0);
  });

  it('answers unknown paths the way the provider does', async () => {
    fake = await startFakeProvider({ provider });
    const response = await fetch(`${fake.origin}/nowhere`);
    expect(response.status).toBe(404);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/nowhere', kind: 'other' });
  });
});

describe('fake provider details', () => {
  it('sends raw chunks exactly as scripted', async () => {
    fake = await startFakeProvider({ provider: 'openai' });
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    fake.script(
      rawReply(
        [
          chunk({ role: 'assistant', content: 'Hel' }),
          chunk({ content: 'lo' }),
          chunk({}, 'stop'),
          'data: [DONE]\n\n',
        ],
        {
          headers: { 'content-type': 'text/event-stream' },
        },
      ),
    );
    const result = await collectStream(
      clientFor(fake).stream({ messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(result.content).toEqual([{ type: 'text', text: 'Hello' }]);
  });

  it('waits for requests and reports a timeout when they do not come', async () => {
    fake = await startFakeProvider({ provider: 'anthropic' });
    await expect(fake.waitForRequests(1, 50)).rejects.toThrow(/timed out after 50 ms waiting for 1 request/);
  });
});

describe('createLlmClient', () => {
  it('picks the adapter by provider and rejects unknown providers', async () => {
    fake = await startFakeProvider({ provider: 'ollama', replies: [textReply('picked')] });
    const llm = createLlmClient({ provider: 'ollama', baseUrl: fake.url, defaultModel: 'llama3.2' });
    expect(llm.provider).toBe('ollama');
    expect(llm.defaultModel).toBe('llama3.2');
    expect((await llm.chat({ messages: [{ role: 'user', content: 'hi' }] })).content).toEqual([
      { type: 'text', text: 'picked' },
    ]);
    expect(() => createLlmClient({ provider: 'gemini', apiKey: API_KEY } as never)).toThrow(
      /Unknown LLM provider "gemini"/,
    );
  });

  it('asks for a model when neither the request nor the config names one', async () => {
    const llm = createLlmClient({ provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' });
    await expect(llm.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    const events = [];
    for await (const event of llm.stream({ messages: [{ role: 'user', content: 'hi' }] })) events.push(event);
    expect(events).toEqual([
      { type: 'error', code: 'BAD_REQUEST', message: expect.stringContaining('defaultModel') },
    ]);
  });
});
