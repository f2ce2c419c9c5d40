import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import {
  type FakeProvider,
  lastToolResult,
  startFakeProvider,
  textReply,
  toolCallReply,
} from '@pgmcp/llm-clients/testing';
import type { RunningServer } from '@pgmcp/server';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonFile } from '../src/chat/chat-files.js';
import {
  adminQuery,
  chatEnv,
  credentialsFile,
  freshQuestion,
  login,
  runChat,
  startChatServer,
} from './chat-harness.js';

// `pgmcp chat` one question at a time, against the real server (auth on, LLM proxy to a fake OpenAI
// provider on 127.0.0.1) and the demo data in a real PostgreSQL.

const db = useTestDatabase('cli-chat-oneshot');
let fake: FakeProvider;
let server: RunningServer;
let token: string;
let delivered2024: string;

const SQL = `SELECT count(*) AS delivered FROM sales.orders WHERE status = 'delivered' AND ordered_at >= '2024-01-01' AND ordered_at < '2025-01-01'`;

/** Asks for the count with query_database, then answers with the figure the tool returned. */
function answerFromTheDatabase(): void {
  fake.respond(({ chat }) => {
    const last = lastToolResult(chat);
    if (!last || freshQuestion(chat) !== undefined)
      return toolCallReply(
        { name: 'query_database', input: { query: SQL } },
        { text: 'Counting.', usage: { input_tokens: 900, output_tokens: 20 } },
      );
    const figure = last.data.split('\n')[1];
    return textReply(`**${figure}** orders were delivered in 2024.`, {
      usage: { input_tokens: 1000, output_tokens: 12 },
    });
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  // Computed independently of the SQL the model writes, on a separate connection.
  const [row] = await adminQuery<{ n: string }>(
    db.url,
    `SELECT count(*)::text AS n FROM sales.orders WHERE status = 'delivered' AND date_part('year', ordered_at AT TIME ZONE 'UTC') = 2024`,
  );
  delivered2024 = row!.n;
  fake = await startFakeProvider({ provider: 'openai' });
  server = await startChatServer({ fake, databaseUrl: db.url });
  token = await login(server);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
  fake.respond(undefined);
});

describe('pgmcp chat -p (server mode)', () => {
  it('prints the answer with the real figure and exits 0', async () => {
    answerFromTheDatabase();
    expect(Number(delivered2024)).toBeGreaterThan(1000);
    const result = await runChat(
      ['--server', server.url, '-p', 'How many orders were delivered in 2024?'],
      chatEnv({ PGMCP_TOKEN: token }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`**${delivered2024}** orders were delivered in 2024.\n`);
    // The model got pgmcp's tools through the server's proxy, and the SQL ran on the real database.
    expect(fake.chatRequests).toHaveLength(2);
    expect(fake.chatRequests[0]!.chat.tools.map((t) => t.name)).toContain('query_database');
    expect(fake.chatRequests[0]!.headers.authorization).toBe('Bearer sk-test-chat');
  });

  it('prints the whole turn with --json, taking the question from stdin', async () => {
    answerFromTheDatabase();
    const result = await runChat(
      ['--server', server.url, '--json'],
      chatEnv({ PGMCP_TOKEN: token }),
      'How many orders were delivered in 2024?\n',
    );
    expect(result.code).toBe(0);
    const turn = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(turn).toMatchObject({
      question: 'How many orders were delivered in 2024?',
      answer: `**${delivered2024}** orders were delivered in 2024.`,
      stop_reason: 'end_turn',
      provider: 'openai',
      model: 'gpt-test',
      database: 'default',
      iterations: 2,
      usage: { input_tokens: 1900, output_tokens: 32 },
      conversation_id: null,
    });
    const [call] = turn.tool_calls as Record<string, unknown>[];
    expect(call).toMatchObject({
      name: 'query_database',
      sql: SQL,
      needs_confirmation: false,
      status: 'ok',
      is_error: false,
      row_count: 1,
      structured_content: { columns: [{ name: 'delivered' }], rows: [[Number(delivered2024)]] },
    });
    expect(call!.result).toContain(delivered2024);
    expect(typeof call!.duration_ms).toBe('number');
    const messages = turn.messages as { role: string }[];
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('shows tool activity on stderr with --verbose, the answer alone on stdout', async () => {
    answerFromTheDatabase();
    const result = await runChat(
      ['--server', server.url, '--verbose', '-p', 'Delivered in 2024?'],
      chatEnv({ PGMCP_TOKEN: token }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`**${delivered2024}** orders were delivered in 2024.\n`);
    expect(result.stderr).toContain('⏺ query_database');
    expect(result.stderr).toContain("WHERE status = 'delivered'");
    expect(result.stderr).toMatch(/✓ 1 row · \d+ ms/);
  });

  it('saves the question as a conversation with --save', async () => {
    answerFromTheDatabase();
    const env = chatEnv({ PGMCP_TOKEN: token });
    const result = await runChat(
      ['--server', server.url, '--json', '--save', '-p', 'Delivered orders in 2024?'],
      env,
    );
    const id = (JSON.parse(result.stdout) as { conversation_id: string }).conversation_id;
    expect(id).toMatch(/\S/);
    const stored = (await (
      await fetch(`${server.url}/api/v1/conversations/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { title: string; provider: string; connection: string; messages: unknown[] };
    expect(stored).toMatchObject({
      title: 'Delivered orders in 2024?',
      provider: 'openai',
      connection: 'default',
    });
    expect(stored.messages).toHaveLength(4);
  });

  it('fails with exit 1 and a way forward when the model call fails', async () => {
    // No reply scripted: the fake answers 418, which the proxy reports as a provider failure.
    const result = await runChat(
      ['--server', server.url, '-p', 'Anything?'],
      chatEnv({ PGMCP_TOKEN: token }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^pgmcp: The model call failed \(/);
  });
});

describe('pgmcp chat errors', () => {
  it('says how to log in when the token is refused', async () => {
    const result = await runChat(
      ['--server', server.url, '-p', 'hi'],
      chatEnv({ PGMCP_TOKEN: 'pgmcp_not-a-real-token' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `pgmcp: ${server.url} refused the token from PGMCP_TOKEN (it has expired, was revoked or is mistyped). Create a new API token with \`pgmcp token create --user NAME\`, or leave out PGMCP_TOKEN to log in with a password.\n`,
    );
  });

  it('says how to log in when there is no session and no terminal to ask on', async () => {
    const result = await runChat(['--server', server.url, '-p', 'hi'], chatEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `pgmcp: Log in to ${server.url}. Run \`pgmcp chat --server ${server.url}\` on a terminal once to log in`,
    );
    expect(result.stderr).toContain('--token or PGMCP_TOKEN');
  });

  it('says to check --server when the server cannot be reached', async () => {
    const closed = await closedPort();
    const result = await runChat(
      ['--server', `127.0.0.1:${closed}`, '-p', 'hi'],
      chatEnv({ PGMCP_TOKEN: token }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `pgmcp: Could not reach the pgmcp server at http://127.0.0.1:${closed} (ECONNREFUSED). Check --server (or PGMCP_SERVER) and that \`pgmcp serve\` runs there.\n`,
    );
  });

  it('refuses flags that do not go together, and --json without a question', async () => {
    const mixed = await runChat(['--stdio', '--server', server.url, '-p', 'x'], chatEnv());
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--stdio (local mode) does not use a server');
    const urlWithoutStdio = await runChat(['--database-url', db.url, '-p', 'x'], chatEnv());
    expect(urlWithoutStdio.code).toBe(2);
    expect(urlWithoutStdio.stderr).toContain('add --stdio');
    const noQuestion = await runChat(['--server', server.url, '--json'], chatEnv({ PGMCP_TOKEN: token }), '');
    expect(noQuestion.code).toBe(2);
    expect(noQuestion.stderr).toContain('No question');
    const badRows = await runChat(['--preview-rows', 'many'], chatEnv());
    expect(badRows.code).toBe(2);
    expect(badRows.stderr).toContain('--preview-rows takes a whole number from 0 to 100.');
  });

  it('documents itself in --help', async () => {
    const help = await runChat(['--help'], chatEnv());
    expect(help.code).toBe(0);
    for (const flag of [
      '--server <url>',
      '--token <token>',
      '--stdio',
      '--database-url <url>',
      '-p, --prompt <question>',
      '--json',
      '--yes',
      'Examples:',
      'PGMCP_OPENAI_BASE_URL',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it('ends the stored session on the server with --logout', async () => {
    const env = chatEnv();
    const session = await login(server);
    writeJsonFile(
      credentialsFile(env),
      { servers: { [server.url]: { token: session, expires_at: null } } },
      { secret: true },
    );
    const result = await runChat(['--server', server.url, '--logout'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Logged out of ${server.url}; its session token was removed from ${credentialsFile(env)}.\n`,
    );
    expect(JSON.parse(readFileSync(credentialsFile(env), 'utf8'))).toEqual({ servers: {} });
    const me = await fetch(`${server.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${session}` },
    });
    expect(me.status).toBe(401);
    expect((await runChat(['--server', server.url, '--logout'], env)).stdout).toBe(
      `There was no stored session for ${server.url}.\n`,
    );
  });

  it('keeps no credentials file after a token run', async () => {
    answerFromTheDatabase();
    const env = chatEnv({ PGMCP_TOKEN: token });
    await runChat(['--server', server.url, '-p', 'Delivered in 2024?'], env);
    expect(() => statSync(credentialsFile(env))).toThrow();
  });
});
