import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import {
  type FakeProvider,
  lastToolResult,
  startFakeProvider,
  textReply,
  toolCallReply,
} from '@pgmcp/llm-clients/testing';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminQuery, chatEnv, freshQuestion, runChat } from './chat-harness.js';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

// Local mode: `pgmcp chat --stdio` spawns `pgmcp serve --stdio` (the same built binary) as its MCP
// server and calls the provider directly — here a fake Anthropic API on 127.0.0.1.

const db = useTestDatabase('cli-chat-local');
let fake: FakeProvider;
let topProduct: { name: string; units: string };

const SQL = `SELECT p.name, sum(l.quantity) AS units FROM sales.order_items l JOIN inventory.products p ON p.product_id = l.product_id GROUP BY p.name ORDER BY units DESC, p.name LIMIT 1`;

const localEnv = (extra: Record<string, string> = {}) =>
  chatEnv({
    ANTHROPIC_API_KEY: 'sk-ant-local-test',
    PGMCP_ANTHROPIC_BASE_URL: fake.url,
    PGMCP_LLM_MODEL: 'claude-test',
    ...extra,
  });

function answerTopProduct(): void {
  fake.respond(({ chat }) => {
    const last = lastToolResult(chat);
    if (!last || freshQuestion(chat) !== undefined)
      return toolCallReply({ name: 'query_database', input: { query: SQL } });
    const [name, units] = last.data.split('\n')[1]!.split('\t');
    return textReply(`The best seller is ${name} with ${units} units.`);
  });
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  await adminQuery(db.url, 'CREATE TABLE public.chat_notes (id serial PRIMARY KEY, note text NOT NULL)');
  const [row] = await adminQuery<{ name: string; units: string }>(
    db.url,
    `SELECT p.name, sum(l.quantity)::text AS units FROM inventory.products p JOIN sales.order_items l USING (product_id) GROUP BY 1 ORDER BY sum(l.quantity) DESC, 1 LIMIT 1`,
  );
  topProduct = row!;
  fake = await startFakeProvider({ provider: 'anthropic' });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
  fake.respond(undefined);
});

describe('pgmcp chat --stdio', () => {
  it('answers from the real data through the spawned stdio server and the provider directly', async () => {
    answerTopProduct();
    const result = await runChat(
      ['--stdio', '--database-url', db.url, '-p', 'Which product sells best?'],
      localEnv(),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`The best seller is ${topProduct.name} with ${topProduct.units} units.\n`);
    // The provider was called directly, with the key from the environment.
    expect(fake.chatRequests[0]!.headers.authorization).toBe('Bearer sk-ant-local-test');
    expect(fake.chatRequests[0]!.chat.model).toBe('claude-test');
  });

  // Two full CLI runs, each spawning its stdio server: more than the default 30 s on a loaded machine.
  it('prints the turn as JSON and keeps --save conversations as files that --resume continues', async () => {
    answerTopProduct();
    const env = localEnv();
    const first = await runChat(
      ['--stdio', '--database-url', db.url, '--json', '--save', '-p', 'Which product sells best?'],
      env,
    );
    expect(first.code).toBe(0);
    const turn = JSON.parse(first.stdout) as {
      answer: string;
      provider: string;
      conversation_id: string;
      tool_calls: { row_count: number }[];
    };
    expect(turn).toMatchObject({
      answer: `The best seller is ${topProduct.name} with ${topProduct.units} units.`,
      provider: 'anthropic',
    });
    expect(turn.tool_calls[0]!.row_count).toBe(1);
    const dir = path.join(env.PGMCP_DATA_DIR!, 'chat', 'conversations');
    expect(readdirSync(dir)).toEqual([`${turn.conversation_id}.json`]);
    const stored = JSON.parse(readFileSync(path.join(dir, `${turn.conversation_id}.json`), 'utf8')) as {
      title: string;
      messages: unknown[];
    };
    expect(stored.title).toBe('Which product sells best?');
    expect(stored.messages).toHaveLength(4);

    fake.reset();
    fake.respond(({ chat }) =>
      textReply(`You asked ${chat.messages.length - 1} messages ago; it is still ${topProduct.name}.`),
    );
    const second = await runChat(
      ['--stdio', '--database-url', db.url, '--resume', turn.conversation_id, '-p', 'And again?'],
      env,
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`You asked 4 messages ago; it is still ${topProduct.name}.\n`);
    expect(fake.chatRequests[0]!.chat.messages[0]).toEqual({
      role: 'user',
      content: 'Which product sells best?',
    });
    // A resumed conversation is saved again.
    expect(
      (
        JSON.parse(readFileSync(path.join(dir, `${turn.conversation_id}.json`), 'utf8')) as {
          messages: unknown[];
        }
      ).messages,
    ).toHaveLength(6);
  }, 120_000);

  it('declines writes without a terminal, and runs them with --yes on a connection that allows writes', async () => {
    const cwd = makeTempDir('pgmcp-chat-local-config-');
    const config = path.join(cwd, 'pgmcp.yaml');
    writeFileSync(config, `connections:\n  - name: scratch\n    url: ${db.url}\n    allow_writes: true\n`);
    const insert = "INSERT INTO public.chat_notes (note) VALUES ('from the chat')";
    fake.respond(({ chat }) => {
      const last = lastToolResult(chat);
      if (!last || freshQuestion(chat) !== undefined)
        return toolCallReply({ name: 'query_database', input: { query: insert } });
      return textReply(last.is_error ? `Not done: ${last.text}` : 'Noted.');
    });

    const declined = await runChat(
      ['--stdio', '--config', config, '-p', 'Note that I was here.'],
      localEnv(),
    );
    expect(declined.code).toBe(0);
    expect(declined.stdout).toMatch(/^Not done: .*declined/);
    expect(declined.stderr).toContain(
      '1 statement that writes was declined: there is no terminal to ask on. Pass --yes to allow writes in scripts.',
    );
    expect(await adminQuery(db.url, 'SELECT note FROM public.chat_notes')).toEqual([]);

    const approved = await runChat(
      ['--stdio', '--config', config, '--yes', '-p', 'Note that I was here.'],
      localEnv(),
    );
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe('Noted.\n');
    expect(await adminQuery(db.url, 'SELECT note FROM public.chat_notes')).toEqual([
      { note: 'from the chat' },
    ]);
  });

  it('names the variables to set when no provider is configured', async () => {
    const result = await runChat(['--stdio', '--database-url', db.url, '-p', 'hi'], chatEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^pgmcp: No LLM provider is configured for local mode \(--stdio\)\. Set ANTHROPIC_API_KEY/,
    );
    for (const variable of ['OPENAI_API_KEY', 'PGMCP_OPENAI_BASE_URL', 'OLLAMA_HOST', 'PGMCP_LLM_PROVIDER'])
      expect(result.stderr).toContain(variable);
  });

  it('says which provider is missing when PGMCP_LLM_PROVIDER names an unconfigured one', async () => {
    const result = await runChat(
      ['--stdio', '--database-url', db.url, '-p', 'hi'],
      localEnv({ PGMCP_LLM_PROVIDER: 'openai' }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      // The same words as the server's start-up check: both build providers with one function.
      'pgmcp: llm.default_provider (PGMCP_LLM_PROVIDER) is "openai", but OpenAI is not configured: set OPENAI_API_KEY or choose one of anthropic.\n',
    );
  });
});
