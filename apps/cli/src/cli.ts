import { ConfigError, type ConfigFlags, PGMCP_VERSION } from '@pgmcp/config';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerAdminCommands } from './admin/register-admin-commands.js';
import { registerChatCommand } from './chat/register-chat-command.js';

import { EXIT } from './exit-codes.js';

export { EXIT };

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('expected a port number between 0 and 65535 (0 picks a free port).');
  }
  return port;
}

interface ServeOptions extends ConfigFlags {
  stdio?: boolean;
}

function warnAboutPasswordInArgs(url: string | undefined, err: NodeJS.WritableStream): void {
  if (!url) return;
  try {
    if (new URL(url).password) {
      err.write(
        'pgmcp: warning: a password in --database-url is visible to other users of this machine (ps). ' +
          'Prefer PGMCP_DATABASE_URL or a config file with password_file.\n',
      );
    }
  } catch {
    // An invalid URL is reported by the configuration check with a proper message.
  }
}

/** Keeps the process alive until a signal or (stdio) the client closing stdin, then closes `handle`. */
function runUntilStopped(handle: { close(): Promise<void> }, stdio: boolean): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        resolve(EXIT.FAILURE);
        return;
      }
      stopping = true;
      handle.close().then(
        () => resolve(EXIT.OK),
        () => resolve(EXIT.FAILURE),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (stdio) process.stdin.once('end', stop);
  });
}

/** Builds the `pgmcp` command tree. */
export function createProgram(io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {}): {
  program: Command;
  result: () => Promise<number> | undefined;
} {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  let pending: Promise<number> | undefined;

  const program = new Command('pgmcp')
    .description(
      'pgmcp: a safe, fast MCP server for PostgreSQL, with the tools, accounts and clients a team needs.',
    )
    .version(PGMCP_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run pgmcp --help for usage)')
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) })
    .exitOverride();

  program
    .command('serve')
    .description(
      'Start the MCP server: over HTTP (/mcp/v1) by default, or on stdin/stdout with --stdio for desktop clients that spawn servers. Without a configured database it starts an embedded PostgreSQL with a demo database.',
    )
    .option('--stdio', 'serve MCP on stdin/stdout instead of HTTP')
    .option('-c, --config <file>', 'YAML configuration file (default ./pgmcp.yaml, or PGMCP_CONFIG)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .addOption(new Option('-p, --port <port>', 'port to listen on (default 8080)').argParser(parsePort))
    .option(
      '--database-url <url>',
      'PostgreSQL URL of the connection named "default" (prefer PGMCP_DATABASE_URL)',
    )
    .option('--data-dir <dir>', 'where pgmcp keeps its data and the embedded PostgreSQL')
    .addOption(
      new Option('--log-level <level>', 'log verbosity').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .addHelpText(
      'after',
      `
Examples:
  pgmcp serve                                   demo database on http://127.0.0.1:8080/mcp/v1
  PGMCP_DATABASE_URL=postgres://... pgmcp serve --port 9000
  pgmcp serve --stdio --config /etc/pgmcp.yaml  for Claude Desktop and other spawning clients`,
    )
    .action((options: ServeOptions) => {
      warnAboutPasswordInArgs(options.databaseUrl, err);
      const flags = {
        ...(options.config ? { config: options.config } : {}),
        ...(options.host ? { host: options.host } : {}),
        ...(options.port ? { port: options.port } : {}),
        ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      };
      // The server loads only for serve, so administration commands start fast.
      pending = import('@pgmcp/server')
        .then(({ startServer, startStdioServer }) =>
          options.stdio ? startStdioServer({ flags }) : startServer({ flags, surviveUncaughtErrors: true }),
        )
        .then((handle) => runUntilStopped(handle, Boolean(options.stdio)));
    });

  program
    .command('collector')
    .description(
      'Run the monitoring collector as a process of its own: it collects every connection marked is_monitored into the datastore (datastore.url or a postgres:// store_url). Replicas and servers share the work through leader locks; set collector.enabled: false on the servers to leave collection to these processes.',
    )
    .option('-c, --config <file>', 'YAML configuration file (default ./pgmcp.yaml, or PGMCP_CONFIG)')
    .option('--data-dir <dir>', 'where pgmcp keeps its data (the key file of stored connections)')
    .addOption(
      new Option('--log-level <level>', 'log verbosity').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .action((options: ConfigFlags) => {
      const flags = {
        ...(options.config ? { config: options.config } : {}),
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      };
      pending = import('@pgmcp/server')
        .then(({ startCollectorProcess }) => startCollectorProcess({ flags }))
        .then((handle) => runUntilStopped(handle, false));
    });

  registerAdminCommands(program, { out, err, run: (work) => void (pending = work) });
  registerChatCommand(program, { out, err, run: (work) => void (pending = work) });

  return { program, result: () => pending };
}

/** Runs the CLI with `argv` (as process.argv) and resolves with the exit code. */
export async function runCli(
  argv: string[],
  io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {},
): Promise<number> {
  const err = io.err ?? process.stderr;
  const { program, result } = createProgram(io);
  try {
    await program.parseAsync(argv);
    const pending = result();
    if (!pending) {
      program.outputHelp({ error: true });
      return EXIT.USAGE;
    }
    return await pending;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof ConfigError) {
      err.write(`pgmcp: ${error.message.replace(/\n/g, '\npgmcp: ')}\n`);
      return EXIT.USAGE;
    }
    err.write(`pgmcp: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILURE;
  }
}
