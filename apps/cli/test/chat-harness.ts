import { execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChatView, FakeProvider } from '@pgmcp/llm-clients/testing';
import { createLogger, type RunningServer, startServer } from '@pgmcp/server';
import { expect } from 'vitest';
import { makeTempDir } from '@pgmcp/vitest-config/temp';

// Shared by the chat suites: the real server in-process (auth on), the built `pgmcp` binary as a
// child process (plain pipes, or a pseudo-terminal through tmux), and helpers to read what it did.

const execFileAsync = promisify(execFile);
export const BIN = fileURLToPath(new URL('../bin/pgmcp.js', import.meta.url));
export const ADMIN_PASSWORD = 'admin password for chat tests';

/** The caller's environment without pgmcp, provider and XDG settings, plus fresh config and data folders. */
export function chatEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(PGMCP_|XDG_|ANTHROPIC_|OPENAI_|OLLAMA_|NO_COLOR|FORCE_COLOR|TMUX)/.test(key)) continue;
    env[key] = value;
  }
  const home = makeTempDir('pgmcp-chat-');
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    PGMCP_DATA_DIR: path.join(home, 'data'),
    ...extra,
  };
}

/** The credentials file of an environment made by {@link chatEnv}. */
export function credentialsFile(env: Record<string, string>): string {
  return path.join(env.XDG_CONFIG_HOME!, 'pgmcp', 'credentials.json');
}

/** Starts the real server with auth on and `fake` as its OpenAI-compatible provider. */
export async function startChatServer(options: {
  fake: FakeProvider;
  databaseUrl?: string;
  yaml?: string;
  env?: Record<string, string>;
}): Promise<RunningServer> {
  const cwd = makeTempDir('pgmcp-chat-server-');
  writeFileSync(path.join(cwd, 'pgmcp.yaml'), options.yaml ?? 'auth:\n  bcrypt_cost: 4\n');
  return startServer({
    env: {
      PGMCP_PORT: '0',
      PGMCP_DATA_DIR: path.join(cwd, 'data'),
      PGMCP_AUTH: 'on',
      PGMCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PGMCP_LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test-chat',
      PGMCP_OPENAI_BASE_URL: options.fake.url,
      PGMCP_LLM_MODEL: 'gpt-test',
      ...(options.databaseUrl ? { PGMCP_DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    },
    cwd,
    banner: false,
    logger: createLogger('silent', { pretty: false }),
  });
}

/** Logs in over REST and returns the session token. */
export async function login(
  server: RunningServer,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** Runs `pgmcp chat …` with pipes (no terminal); `stdin` is written and closed. */
export async function runChat(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'chat', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number>((resolve) =>
    child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))),
  );
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export { adminQuery } from '@pgmcp/vitest-config/postgres';

/**
 * `pgmcp chat` in a real pseudo-terminal: a tmux session on its own socket, driven with send-keys and
 * read with capture-pane (the text as a user sees it, colours left out).
 */
export class TmuxChat {
  /** Its own server socket, removed on close (tmux leaves socket files behind). */
  private readonly socket = path.join(makeTempDir('pgmcp-chat-tmux-'), 'tmux.sock');

  private constructor(private readonly env: Record<string, string>) {}

  /** Starts `pgmcp chat ARGS` in a 120×50 terminal; the pane stays after it exits and shows its exit code. */
  static async start(args: string[], env: Record<string, string>): Promise<TmuxChat> {
    const session = new TmuxChat(env);
    const quoted = [process.execPath, BIN, 'chat', ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    await session.tmux(
      'new-session',
      '-d',
      '-s',
      'chat',
      '-x',
      '120',
      '-y',
      '50',
      `${quoted}; echo "[exited $?]"; sleep 600`,
    );
    return session;
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('tmux', ['-S', this.socket, ...args], { env: this.env });
    return stdout;
  }

  /** Types text literally (no key names). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', '-l', text);
  }

  /** Sends tmux key names: Enter, Escape, Tab, Up, C-c, C-r, … */
  async keys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'chat', ...keys);
  }

  /** Types a line and presses Enter. */
  async line(text: string): Promise<void> {
    await this.type(text);
    await this.keys('Enter');
  }

  /** The whole pane with its scroll-back, wrapped lines joined. */
  async screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'chat', '-S', '-2000');
  }

  /** Waits until the screen matches (a string is found `times` times), and returns the screen. */
  async waitFor(pattern: RegExp | string, { timeoutMs = 20_000, times = 1 } = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.screen();
      const count =
        typeof pattern === 'string' ? screen.split(pattern).length - 1 : pattern.test(screen) ? Infinity : 0;
      if (count >= times) return screen;
      if (Date.now() > deadline) {
        throw new Error(
          `The screen did not show ${String(pattern)}${times > 1 ? ` ${times} times` : ''} in ${timeoutMs} ms:\n${screen}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The text after the last occurrence of `marker` (what a step printed). */
  async after(marker: string): Promise<string> {
    const screen = await this.screen();
    return screen.slice(screen.lastIndexOf(marker) + marker.length);
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(path.dirname(this.socket), { recursive: true, force: true });
  }
}

/** Reads the stored credentials of an environment made by {@link chatEnv}. */
export function storedToken(env: Record<string, string>, serverUrl: string): string | undefined {
  try {
    const data = JSON.parse(readFileSync(credentialsFile(env), 'utf8')) as {
      servers: Record<string, { token: string }>;
    };
    return data.servers[serverUrl]?.token;
  } catch {
    return undefined;
  }
}

/** The text of the chat's last message when it is the user's question (not tool results), else undefined. */
export function freshQuestion(chat: ChatView): string | undefined {
  const last = chat.messages.at(-1);
  if (!last || last.role !== 'user') return undefined;
  if (typeof last.content === 'string') return last.content;
  if (last.content.some((b) => b.type === 'tool_result')) return undefined;
  return last.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
}
