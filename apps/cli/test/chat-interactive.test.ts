import { statSync } from 'node:fs';
import { seedDemoDatabase } from '@pgmcp/demo-data';
import {
  type FakeProvider,
  lastToolResult,
  lastUserText,
  startFakeProvider,
  textReply,
  toolCallReply,
} from '@pgmcp/llm-clients/testing';
import type { RunningServer } from '@pgmcp/server';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeJsonFile } from '../src/chat/chat-files.js';
import {
  ADMIN_PASSWORD,
  adminQuery,
  chatEnv,
  credentialsFile,
  freshQuestion,
  login,
  startChatServer,
  storedToken,
  TmuxChat,
} from './chat-harness.js';

// The interactive client in a real pseudo-terminal (tmux), against the real server with two
// connections to the demo database (read-only "shop", write-enabled "scratch") and a fake OpenAI
// provider behind the server's LLM proxy. What the tests check is what the screen shows.

const db = useTestDatabase('cli-chat-interactive');
let fake: FakeProvider;
let server: RunningServer;
let chat: TmuxChat | undefined;
let cancelledCount: string;

const COUNT_SQL = "SELECT count(*) AS cancelled FROM sales.orders WHERE status = 'cancelled'";

beforeAll(async () => {
  await seedDemoDatabase(db.url);
  await adminQuery(db.url, 'CREATE TABLE public.chat_notes (id serial PRIMARY KEY, note text NOT NULL)');
  const [row] = await adminQuery<{ n: string }>(
    db.url,
    "SELECT count(*)::text AS n FROM sales.orders WHERE status::text = 'cancelled'",
  );
  cancelledCount = row!.n;
  fake = await startFakeProvider({
    provider: 'openai',
    models: [
      { id: 'gpt-test', context_window: 128_000 },
      { id: 'gpt-small', context_window: 3000 },
    ],
  });
  server = await startChatServer({
    fake,
    yaml: `auth:
  bcrypt_cost: 4
connections:
  - name: shop
    url: ${db.url}
    description: the demo shop
  - name: scratch
    url: ${db.url}
    allow_writes: true
default_connection: shop
`,
  });
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
  fake.respond(undefined);
});
afterEach(async () => {
  await chat?.close();
  chat = undefined;
});

/** An environment whose credentials file already holds a session for the server (as after a login). */
async function loggedInEnv(): Promise<Record<string, string>> {
  const env = chatEnv();
  const token = await login(server);
  writeJsonFile(
    credentialsFile(env),
    { servers: { [server.url]: { token, expires_at: null, username: 'admin' } } },
    { secret: true },
  );
  return env;
}

/** Lines that show an idle prompt or a submitted one, e.g. "shop › how many…". */
const PROMPT_LINE = /^\S+ ›(?: |$)/gm;
const promptCount = (screen: string) => screen.match(PROMPT_LINE)?.length ?? 0;
const lastLine = (screen: string) => screen.trimEnd().split('\n').at(-1) ?? '';

/** Waits for a new, empty prompt. */
async function idle(session: TmuxChat, atLeast: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const screen = await session.screen();
    if (promptCount(screen) >= atLeast && /^\S+ ›$/.test(lastLine(screen))) return screen;
    if (Date.now() > deadline) throw new Error(`No idle prompt:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Submits a line at the prompt and waits for the next prompt; returns what the line printed. */
async function submit(session: TmuxChat, text: string): Promise<string> {
  const before = promptCount(await idle(session, 1));
  await session.line(text);
  const screen = await idle(session, before + 1);
  const lines = screen.trimEnd().split('\n');
  const start = lines.findLastIndex((l, i) => i < lines.length - 1 && l.endsWith(`› ${text.split('\n')[0]}`));
  return lines.slice(start + 1, -1).join('\n');
}

async function start(env: Record<string, string>, args: string[] = []): Promise<TmuxChat> {
  chat = await TmuxChat.start(['--server', server.url, ...args], env);
  return chat;
}

describe('pgmcp chat on a terminal', () => {
  it('logs in without echoing the password, keeps the session private, and shows the SQL, the data and the answer', async () => {
    const env = chatEnv();
    const session = await start(env);
    await session.waitFor('Username:');
    await session.line('admin');
    await session.waitFor('Password for admin:');
    await session.line(ADMIN_PASSWORD);
    const banner = await idle(session, 1);
    expect(banner).not.toContain(ADMIN_PASSWORD);
    expect(banner).toContain(`Logged in to ${server.url} as admin.`);
    expect(banner).toContain(`pgmcp chat · ${server.url} as admin`);
    expect(banner).toContain('openai · gpt-test · database shop');
    expect(statSync(credentialsFile(env)).mode & 0o777).toBe(0o600);
    expect(storedToken(env, server.url)).toMatch(/\S{20,}/);

    fake.respond(({ chat: request }) => {
      if (freshQuestion(request) !== undefined) {
        return toolCallReply(
          { name: 'query_database', input: { query: COUNT_SQL } },
          { text: 'Let me count them.' },
        );
      }
      const figure = lastToolResult(request)!.data.split('\n')[1];
      return textReply(
        `## Cancelled orders\n\nThere are **${figure}** cancelled orders.\n\n| status | orders |\n|---|---:|\n| cancelled | ${figure} |\n\n- checked in \`sales.orders\`\n- nothing else\n\n\`\`\`sql\n${COUNT_SQL};\n\`\`\`\n`,
        { stream: { textChunkSize: 9 } },
      );
    });
    const output = await submit(session, 'How many orders were cancelled?');
    expect(output).toContain('Let me count them.');
    // The tool line, then its SQL, then rows and time, then a preview of the data.
    expect(output).toMatch(
      /⏺ query_database\n {4}SELECT count\(\*\) AS cancelled FROM sales\.orders WHERE status = 'cancelled'\n {2}✓ 1 row · \d+ ms\n/,
    );
    expect(output).toMatch(new RegExp(`│ cancelled │\\n.*\\n {2}│ +${cancelledCount} │`));
    // The answer as terminal markdown: no markup left, a drawn table, bullets, an indented code block.
    expect(output).toContain(`There are ${cancelledCount} cancelled orders.`);
    expect(output).toMatch(new RegExp(`│ cancelled │ +${cancelledCount} │`));
    expect(output).toContain('• checked in sales.orders');
    expect(output).toContain(`  ${COUNT_SQL};`);
    for (const markup of ['**', '##', '```', '|---|']) expect(output).not.toContain(markup);

    await session.line('/quit');
    await session.waitFor('[exited 0]');
  });

  it('runs slash commands with tab completion, and remembers the database and model for the server', async () => {
    const env = await loggedInEnv();
    let session = await start(env);
    await idle(session, 1);
    await session.type('/he');
    await session.keys('Tab');
    await session.waitFor('› /help');
    await session.keys('Enter');
    await session.waitFor('/set provider|model|database|preview VALUE');

    const databases = await submit(session, '/list databases');
    expect(databases).toMatch(/│ \* │ shop +│ .*│ read-only +│ the demo shop/);
    expect(databases).toMatch(/│ +│ scratch +│ .*│ read-write +│/);

    await idle(session, 3);
    await session.type('/set da');
    await session.keys('Tab');
    await session.type('scr');
    await session.keys('Tab');
    await session.waitFor('› /set database scratch');
    await session.keys('Enter');
    await session.waitFor(/Database scratch \(.*read-write: statements that write ask first\)/);

    expect(await submit(session, '/list models')).toMatch(/│ +│ gpt-small +│ 3k +│/);
    expect(await submit(session, '/set model gpt-small')).toContain('Model gpt-small.');
    const show = await submit(session, '/show');
    expect(show).toMatch(/Database +scratch/);
    expect(show).toMatch(/Model +gpt-small/);
    expect(show).toMatch(/Compacts above +~2\.1k tokens/);
    expect(await submit(session, '/list providers')).toMatch(/│ \* │ openai \(default\) │ gpt-test/);
    expect(await submit(session, '/lsit')).toContain('✗ Unknown command /lsit. /help lists the commands.');
    expect(await submit(session, '/set colour red')).toContain(
      '/set takes provider, model, database, preview; not "colour".',
    );
    await session.keys('C-d');
    await session.waitFor('[exited 0]');
    await session.close();

    session = await start(env);
    const banner = await idle(session, 1);
    expect(banner).toContain('openai · gpt-small · database scratch');
    expect(lastLine(banner)).toBe('scratch ›');
  });

  it('stops a streaming answer on Esc, and the provider sees the connection close', async () => {
    const session = await start(await loggedInEnv());
    await idle(session, 1);
    fake.respond(() => textReply('word '.repeat(400), { stream: { textChunkSize: 5, delayMs: 40 } }));
    await session.line('Tell me a long story.');
    await session.waitFor('word word word word');
    await session.keys('Escape');
    await session.waitFor('⏹ Stopped. What finished before is kept.');
    const index = fake.requests.indexOf(fake.chatRequests.at(-1)!);
    await fake.waitForClientClose(index, 5000);
    const partial = (await session.screen()).split('word').length - 1;
    expect(partial).toBeLessThan(400);

    // The conversation goes on, with the cut answer in it.
    fake.respond(({ chat: request }) =>
      textReply(`You cut me off after ${request.messages.length} messages.`),
    );
    expect(await submit(session, 'Sorry, go on.')).toContain('You cut me off after 3 messages.');
    const sent = fake.chatRequests.at(-1)!.chat.messages;
    expect(sent[1]).toMatchObject({ role: 'assistant' });
    await session.keys('C-c');
    await session.waitFor('[exited 0]');
  });

  it('asks before a statement that writes: no leaves the data alone, yes changes it; reads do not ask', async () => {
    const session = await start(await loggedInEnv(), ['--database', 'scratch']);
    await idle(session, 1);
    const insert = "INSERT INTO public.chat_notes (note) VALUES ('written from the terminal')";
    fake.respond(({ chat: request }) => {
      const question = freshQuestion(request);
      if (question !== undefined) {
        return toolCallReply({
          name: 'query_database',
          input: {
            query: /note/.test(question) ? insert : 'SELECT count(*) AS notes FROM public.chat_notes',
          },
        });
      }
      const last = lastToolResult(request)!;
      return textReply(
        /declined/.test(last.text) ? 'I did not write anything.' : `Done: ${last.data.split('\n')[0]}`,
      );
    });
    const before = promptCount(await session.screen());

    await session.line('Add a note please.');
    let screen = await session.waitFor('Run it? [y/N]');
    expect(screen).toContain(`⚠ query_database may change data on scratch:\n    ${insert}\nRun it? [y/N]`);
    await session.type('n');
    await idle(session, before + 1);
    screen = await session.after('Add a note please.');
    expect(screen).toContain('Run it? [y/N] no');
    expect(screen).toContain('⊘ declined — not run');
    expect(screen).toContain('I did not write anything.');
    expect(await adminQuery(db.url, 'SELECT note FROM public.chat_notes')).toEqual([]);

    await session.line('Add the note again.');
    await session.waitFor('Run it? [y/N]', { times: 2 });
    await session.type('y');
    await idle(session, before + 2);
    screen = await session.after('Add the note again.');
    expect(screen).toContain('Run it? [y/N] yes');
    expect(screen).toMatch(/✓ INSERT · 1 row affected · \d+ ms/);
    expect(await adminQuery(db.url, 'SELECT note FROM public.chat_notes')).toEqual([
      { note: 'written from the terminal' },
    ]);

    const read = await submit(session, 'How many are there?');
    expect(read).not.toContain('Run it?');
    expect(read).toMatch(
      /⏺ query_database\n {4}SELECT count\(\*\) AS notes FROM public\.chat_notes\n {2}✓ 1 row/,
    );
    await adminQuery(db.url, 'TRUNCATE public.chat_notes');
  });

  it('recalls earlier input with Up and Ctrl-R, also in the next session', async () => {
    const env = await loggedInEnv();
    let session = await start(env);
    fake.respond(({ chat: request }) => textReply(`Answer to: ${lastUserText(request)}`));
    expect(await submit(session, 'first question about customers')).toContain(
      'Answer to: first question about customers',
    );
    expect(await submit(session, 'second question about stock')).toContain(
      'Answer to: second question about stock',
    );

    await session.keys('Up');
    await session.waitFor(/› second question about stock$/m);
    await session.keys('Up');
    await session.waitFor(/› first question about customers$/m);
    await session.keys('C-u', 'C-r');
    await session.type('cust');
    await session.waitFor("(reverse-i-search)'cust': first question about customers");
    await session.keys('Escape');
    await session.waitFor(/› first question about customers$/m);
    await session.keys('C-u', 'C-d');
    await session.waitFor('[exited 0]');
    await session.close();

    session = await start(env);
    await idle(session, 1);
    await session.keys('Up');
    await session.waitFor(/› second question about stock$/m);
  });

  it('compacts a long conversation through the server before it outgrows the model, and shows /compact', async () => {
    const env = await loggedInEnv();
    const session = await start(env, ['--model', 'gpt-small']);
    // gpt-small has a 3000-token window: the history may take 70% of it, about 2100 tokens.
    fake.respond(({ chat: request }) =>
      textReply(`Answer ${request.messages.length}: ${'the shop sells outdoor gear. '.repeat(34)}`),
    );
    let compacted = '';
    for (let turn = 1; turn <= 12 && !compacted; turn++) {
      const output = await submit(session, `Question number ${turn} about the shop?`);
      compacted = /↻ History compacted by the server: (\d+) → (\d+) messages/.exec(output)?.[0] ?? '';
    }
    const [, before, after] = /(\d+) → (\d+)/.exec(compacted)!.map(Number);
    expect(before).toBeGreaterThan(10);
    expect(after).toBeLessThan(before!);
    // The model got the shorter history, and the server's compactor did the work.
    expect(fake.chatRequests.at(-1)!.chat.messages.length).toBe(after);
    const token = storedToken(env, server.url)!;
    const analytics = (await (
      await fetch(`${server.url}/api/v1/chat/analytics`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      compactions: number;
    };
    expect(analytics.compactions).toBeGreaterThanOrEqual(1);

    const tokens = await submit(session, '/tokens');
    expect(tokens).toMatch(
      /History +~[\d.]+k? tokens of ~2\.1k before compaction · \d+ messages sent, \d+ in the conversation/,
    );
    const manual = await submit(session, '/compact');
    expect(manual).toMatch(
      /History compacted by the server: \d+ → \d+ messages, ~[\d.]+k? → ~[\d.]+k? tokens\./,
    );
    expect(manual).toMatch(/kept \d+ of \d+ \(\d+ anchors; .*\), dropped \d+/);
  });

  it('asks for the password again when the session ends, then finishes the question', async () => {
    const env = await loggedInEnv();
    const session = await start(env);
    fake.respond(({ chat: request }) => textReply(`Answer to: ${lastUserText(request)}`));
    expect(await submit(session, 'before the logout')).toContain('Answer to: before the logout');

    const old = storedToken(env, server.url)!;
    const logout = await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${old}` },
    });
    expect(logout.status).toBe(204);

    await session.line('after the logout');
    const screen = await session.waitFor('Password for admin:');
    expect(screen).toContain(
      `Your session on ${server.url} has ended (expired or logged out); log in again to go on.`,
    );
    await session.line(ADMIN_PASSWORD);
    await session.waitFor('Answer to: after the logout');
    expect(storedToken(env, server.url)).not.toBe(old);
    expect(await session.screen()).not.toContain(ADMIN_PASSWORD);
  });

  it('logs in again at start when the stored session was ended', async () => {
    const env = await loggedInEnv();
    await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${storedToken(env, server.url)}` },
    });
    const session = await start(env);
    await session.waitFor(`Your session on ${server.url} has ended; log in again.\nPassword for admin:`);
    await session.line(ADMIN_PASSWORD);
    await idle(session, 1);
  });

  it("runs the server's MCP prompts with /prompt", async () => {
    const session = await start(await loggedInEnv());
    fake.respond(({ chat: request }) => textReply(`Prompt said: ${lastUserText(request)!.split('\n')[0]}`));
    expect(await submit(session, '/list prompts')).toMatch(
      /diagnose-query-issue issue_description\n +Find out why a query is slow/,
    );
    expect(await submit(session, '/prompt diagnose-query-issue')).toContain(
      '✗ The prompt diagnose-query-issue needs issue_description',
    );
    const output = await submit(session, '/prompt diagnose-query-issue the nightly report takes an hour');
    expect(output).toContain(
      'Running the prompt diagnose-query-issue (issue_description=the nightly report takes an hour)',
    );
    expect(output).toContain('Prompt said: Help me diagnose this query problem:');
    expect(fake.chatRequests.at(-1)!.chat.messages.at(-1)!.content).toContain(
      'the nightly report takes an hour',
    );
  });

  it('saves, lists, loads and shows conversations', async () => {
    const session = await start(await loggedInEnv());
    fake.respond(({ chat: request }) => textReply(`Answer to: ${lastUserText(request)}`));
    await submit(session, 'what does the shop sell?');
    expect(await submit(session, '/save Shop questions')).toMatch(/Saved as "Shop questions" \(\S+\)\./);
    expect(await submit(session, '/list conversations')).toMatch(/│ #1 │ \S+ +│ Shop questions +│ +2 │/);
    expect(await submit(session, '/new')).toContain('New conversation.');
    expect(await submit(session, '/history')).toContain('Nothing yet in this conversation.');
    expect(await submit(session, '/load #1')).toContain(
      'Loaded "Shop questions" (2 messages). /history shows it.',
    );
    const history = await submit(session, '/history');
    expect(history).toContain('› what does the shop sell?');
    expect(history).toContain('Answer to: what does the shop sell?');
  });
});
