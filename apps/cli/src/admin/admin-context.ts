import { existsSync } from 'node:fs';
import { AuthStoreError, createAuthStore, type AuthStore } from '@pgmcp/auth-store';
import { authStoreOptions, ConfigError, defaultDataDir, loadConfig, type LoadedConfig } from '@pgmcp/config';
import { parseStoreUrl, SqlStoreError } from '@pgmcp/sql-store';
import { Option, type Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { Cancelled, CliError } from './cli-error.js';
import type { PromptInput } from './prompt.js';

/** Streams and the hand-off of a command's exit code to runCli. */
export interface AdminIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Where passwords and confirmations are read from (process.stdin). */
  readonly input: PromptInput;
  /** Receives the work of the command that commander selected; runCli awaits it for the exit code. */
  run(work: Promise<number>): void;
}

/** Options every admin command takes. */
export interface StoreOptions {
  config?: string;
  dataDir?: string;
  json?: boolean;
}

/** What a command handler works with. */
export interface AdminContext {
  readonly store: AuthStore;
  readonly loaded: LoadedConfig;
  readonly json: boolean;
  readonly now: Date;
  readonly io: AdminIo;
  /** `pgmcp: warning: …` on stderr. */
  warn(message: string): void;
  /** Text for people on stderr (so stdout stays what a script captures). */
  note(text: string): void;
}

/** A command's result: the --json value and the text for people. */
export interface Output {
  readonly json: unknown;
  readonly text: string;
}

/** exit code 130: cancelled at a prompt (Ctrl-C), as shells report an interrupt. */
export const EXIT_CANCELLED = 130;

/**
 * Exit codes of the admin commands: what the caller typed is wrong (bad arguments, bad config,
 * invalid values, a name or id that does not exist) → 2; the request was fine but could not be
 * carried out (name taken, group cycle, last superuser, store unreachable) → 1.
 */
function exitCodeFor(error: unknown): number {
  if (error instanceof Cancelled) return EXIT_CANCELLED;
  if (error instanceof CliError) return error.kind === 'usage' ? EXIT.USAGE : EXIT.FAILURE;
  if (error instanceof ConfigError) return EXIT.USAGE;
  if (error instanceof SqlStoreError) return error.code === 'INVALID_URL' ? EXIT.USAGE : EXIT.FAILURE;
  if (error instanceof AuthStoreError) {
    switch (error.code) {
      case 'INVALID_INPUT':
      case 'WEAK_PASSWORD':
      case 'PASSWORD_TOO_LONG':
      case 'NOT_FOUND':
        return EXIT.USAGE;
      default:
        return EXIT.FAILURE;
    }
  }
  return EXIT.FAILURE;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof AuthStoreError && error.code === 'LAST_SUPERUSER') {
    return `${message} To add one: pgmcp user add NAME --superuser.`;
  }
  return message;
}

/** The SQLite file a store URL names, if it is one. */
function sqliteFile(storeUrl: string): string | undefined {
  const location = parseStoreUrl(storeUrl);
  return location.dialect === 'sqlite' && location.filename !== ':memory:' ? location.filename : undefined;
}

async function openStore(
  loaded: LoadedConfig,
  create: boolean,
  err: NodeJS.WritableStream,
): Promise<AuthStore> {
  const file = sqliteFile(loaded.storeUrl);
  const isNew = file !== undefined && !existsSync(file);
  if (isNew && !create) {
    throw new CliError(
      `There is no pgmcp store at ${file}. Point at the right one with --data-dir, --config or ` +
        'PGMCP_STORE_URL; pgmcp serve or pgmcp user add creates a new one.',
    );
  }
  const store = await createAuthStore({
    ...authStoreOptions(loaded.config),
    url: loaded.storeUrl,
    // One command, one process: nothing to cache.
    cache: { ttlMs: 0 },
    onWarning: (message) => err.write(`pgmcp: warning: ${message}\n`),
  });
  if (isNew) err.write(`pgmcp: created a new store at ${file}\n`);
  return store;
}

/**
 * Loads the configuration, opens the store, runs `body` and prints its output (JSON with --json);
 * errors go to stderr as one message, and the result is the exit code.
 */
export async function runAdmin(
  io: AdminIo,
  options: StoreOptions,
  body: (ctx: AdminContext) => Promise<Output>,
  { create = false }: { create?: boolean } = {},
): Promise<number> {
  let store: AuthStore | undefined;
  try {
    const loaded = loadConfig({
      ...(options.config ? { config: options.config } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    store = await openStore(loaded, create, io.err);
    const output = await body({
      store,
      loaded,
      json: Boolean(options.json),
      now: new Date(),
      io,
      warn: (message) => io.err.write(`pgmcp: warning: ${message}\n`),
      note: (text) => io.err.write(text.endsWith('\n') ? text : `${text}\n`),
    });
    const text = options.json ? JSON.stringify(output.json, null, 2) : output.text;
    if (text) io.out.write(text.endsWith('\n') ? text : `${text}\n`);
    return EXIT.OK;
  } catch (error) {
    io.err.write(`pgmcp: ${messageOf(error).replace(/\n/g, '\npgmcp: ')}\n`);
    return exitCodeFor(error);
  } finally {
    await store?.close();
  }
}

const storeCommands = new WeakSet<Command>();

/** A subcommand that works on the store; {@link addStoreOptions} gives it --config, --data-dir and --json. */
export function storeCommand(parent: Command, nameAndArgs: string, description: string): Command {
  const command = parent.command(nameAndArgs).description(description);
  storeCommands.add(command);
  return command;
}

/**
 * Adds the options every store command takes, after its own (so its own come first in --help),
 * under their own heading.
 */
export function addStoreOptions(commands: readonly Command[]): void {
  const heading = 'Store and output:';
  for (const command of commands) {
    addStoreOptions(command.commands);
    if (!storeCommands.has(command)) continue;
    command
      .addOption(
        new Option('-c, --config <file>', 'YAML configuration file (default ./pgmcp.yaml, or PGMCP_CONFIG)'),
      )
      .addOption(
        new Option(
          '--data-dir <dir>',
          `data directory with the store pgmcp.sqlite (or PGMCP_DATA_DIR; default here: ${process.env.PGMCP_DATA_DIR || defaultDataDir(process.env)})`,
        ),
      )
      .addOption(new Option('--json', 'print machine-readable JSON on stdout'));
    for (const option of command.options.slice(-3)) option.helpGroup(heading);
  }
}

/** Appends an Examples section to a command's help. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`);
}
