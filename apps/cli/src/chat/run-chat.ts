import { fileURLToPath } from 'node:url';
import { PGMCP_VERSION } from '@pgmcp/config';
import { createStyle, wantsColor } from './ansi.js';
import type { ChatBackend } from './backend.js';
import { ChatError, exitCodeOf, isChatError } from './chat-error.js';
import {
  chatConfigDir,
  chatDataDir,
  createCredentialStore,
  createHistoryFile,
  createRememberedSettings,
} from './chat-files.js';
import { createChatSession } from './chat-session.js';
import { createTerminalPrompter, runInteractive } from './interactive.js';
import { startLocal } from './local-backend.js';
import { runOneShot } from './one-shot.js';
import { connectServer, logoutServer, normalizeServerUrl } from './server-backend.js';
import { createTerminal, type TerminalInput, type TerminalOutput } from './terminal.js';

/** Where `pgmcp chat` reads and writes; tests pass their own. */
export interface ChatIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Questions and key presses (default process.stdin). */
  input?: TerminalInput;
  /** The environment (default process.env), read once here. */
  env?: Record<string, string | undefined>;
}

/** The options of `pgmcp chat`, as commander parses them. */
export interface ChatFlags {
  prompt?: string;
  json?: boolean;
  server?: string;
  token?: string;
  user?: string;
  logout?: boolean;
  stdio?: boolean;
  databaseUrl?: string;
  config?: string;
  provider?: string;
  model?: string;
  database?: string;
  resume?: string;
  save?: boolean;
  yes?: boolean;
  maxContext?: number;
  previewRows: number;
  verbose?: boolean;
  color: boolean;
}

/** The server when neither --server nor PGMCP_SERVER names one. */
const DEFAULT_SERVER = 'http://127.0.0.1:8080';
/** bin/pgmcp.js, two folders up from this file in src/chat and in dist/chat alike. */
const BIN_PATH = fileURLToPath(new URL('../../bin/pgmcp.js', import.meta.url));

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) text += chunk as string;
  return text;
}

/** Checks flag combinations before anything connects; the messages say what to use instead. */
function checkFlags(flags: ChatFlags): void {
  if (flags.stdio && (flags.server || flags.token || flags.user || flags.logout)) {
    throw new ChatError(
      'USAGE',
      '--stdio (local mode) does not use a server: leave out --server, --token, --user and --logout.',
    );
  }
  if (!flags.stdio && (flags.databaseUrl || flags.config)) {
    throw new ChatError(
      'USAGE',
      '--database-url and --config are for local mode: add --stdio. Against a server, choose one of its connections with --database NAME.',
    );
  }
}

/** Runs `pgmcp chat` with parsed flags; resolves with the exit code (ChatErrors become their codes). */
export async function runChat(flags: ChatFlags, io: ChatIo): Promise<number> {
  try {
    return await chat(flags, io);
  } catch (error) {
    if (!isChatError(error)) throw error;
    if (error.code !== 'CANCELLED') io.err.write(`pgmcp: ${error.message}\n`);
    return exitCodeOf(error.code);
  }
}

async function chat(flags: ChatFlags, io: ChatIo): Promise<number> {
  const env = io.env ?? process.env;
  const input = io.input ?? process.stdin;
  const out = io.out as TerminalOutput;
  const err = io.err as TerminalOutput;
  const color = (stream: TerminalOutput) => flags.color && wantsColor(stream, env);
  const outStyle = createStyle(color(out));
  const errStyle = createStyle(color(err));
  const widthOf = (stream: TerminalOutput) => () =>
    stream.columns && stream.columns > 0 ? stream.columns : 80;
  const configDir = chatConfigDir(env);
  const dataDir = chatDataDir(env);
  const credentials = createCredentialStore(configDir);
  const serverUrl = flags.server ?? env.PGMCP_SERVER ?? DEFAULT_SERVER;

  checkFlags(flags);
  if (flags.logout) {
    const url = normalizeServerUrl(serverUrl);
    const removed = await logoutServer(url, credentials);
    io.out.write(
      removed
        ? `Logged out of ${url}; its session token was removed from ${credentials.file}.\n`
        : `There was no stored session for ${url}.\n`,
    );
    return 0;
  }
  if (flags.token) {
    io.err.write(
      'pgmcp: warning: a token given with --token is visible to other users of this machine (ps); prefer PGMCP_TOKEN.\n',
    );
  }

  let question = flags.prompt;
  if (question === undefined && !input.isTTY) {
    question = (await readAll(input)).trim();
    if (question === '')
      throw new ChatError(
        'USAGE',
        'No question: give one with -p "…" or on stdin, or run pgmcp chat on a terminal.',
      );
  }
  if (question !== undefined && question.trim() === '') throw new ChatError('USAGE', '-p needs a question.');
  const interactive = question === undefined;
  if (flags.json && interactive) throw new ChatError('USAGE', '--json needs a question: -p "…" or on stdin.');

  // Interactive: the session draws on stdout. One-shot: prompts (login, y/N) go to stderr. Raw mode is
  // on only while the chat or a prompt reads keys, so Ctrl-C while connecting stops the process.
  const terminal = input.isTTY ? createTerminal(input, interactive ? out : err) : undefined;
  const restore = () => void input.setRawMode?.(false);
  process.once('exit', restore);
  const notices = interactive ? outStyle : errStyle;
  const notify = (text: string) => (interactive ? io.out : io.err).write(`${notices.dim(text)}\n`);

  try {
    const backend: ChatBackend = flags.stdio
      ? await startLocal({
          env,
          cwd: process.cwd(),
          ...(flags.config ? { configFile: flags.config } : {}),
          ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
          binPath: BIN_PATH,
          dataDir,
          clientVersion: PGMCP_VERSION,
        })
      : await connectServer({
          url: serverUrl,
          ...(flags.token
            ? { token: { value: flags.token, source: '--token' } }
            : env.PGMCP_TOKEN
              ? { token: { value: env.PGMCP_TOKEN, source: 'PGMCP_TOKEN' } }
              : {}),
          ...(flags.user ? { username: flags.user } : {}),
          credentials,
          ...(terminal ? { prompter: createTerminalPrompter(terminal) } : {}),
          notify,
          clientVersion: PGMCP_VERSION,
        });
    try {
      const session = await createChatSession({
        backend,
        remembered: createRememberedSettings(dataDir),
        initial: {
          ...(flags.provider ? { provider: flags.provider } : {}),
          ...(flags.model ? { model: flags.model } : {}),
          ...(flags.database ? { database: flags.database } : {}),
        },
        ...(flags.maxContext ? { maxContextTokens: flags.maxContext } : {}),
        autoSave: flags.save ?? (interactive || flags.resume !== undefined),
        warn: (text) => notify(text),
      });
      if (flags.resume) session.load(await backend.conversations.get(flags.resume));
      if (interactive) {
        return await runInteractive({
          session,
          terminal: terminal!,
          historyFile: createHistoryFile(dataDir),
          style: outStyle,
          autoApprove: flags.yes === true,
          previewRows: flags.previewRows,
        });
      }
      return await runOneShot({
        session,
        question: question!,
        json: flags.json === true,
        out: io.out,
        err: io.err,
        stdout: { style: outStyle, isTTY: out.isTTY === true, width: widthOf(out) },
        ...(flags.verbose || (err.isTTY && !out.isTTY)
          ? { activity: { style: errStyle, width: widthOf(err) } }
          : {}),
        ...(terminal ? { terminal } : {}),
        autoApprove: flags.yes === true,
        previewRows: flags.previewRows,
      });
    } finally {
      await backend.close();
    }
  } finally {
    process.off('exit', restore);
  }
}
