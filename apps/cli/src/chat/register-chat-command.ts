import { type Command, InvalidArgumentError, Option } from 'commander';
import type { ChatFlags, ChatIo } from './run-chat.js';

/** Where `pgmcp chat` reads and writes, and where its work goes; tests pass their own streams. */
export interface ChatCommandIo extends ChatIo {
  /** Receives the command's work; it resolves with the exit code. */
  run(work: Promise<number>): void;
}

function positiveInt(name: string, max: number, min = 1) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} takes a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * Adds `pgmcp chat`: ask a database questions in plain language, against a pgmcp server (default)
 * or locally (--stdio), interactively or one question at a time.
 */
export function registerChatCommand(program: Command, io: ChatCommandIo): void {
  program
    .command('chat')
    .description(
      'Ask your database questions in plain language and see the SQL, the data and the answer. Talks to a pgmcp server (its LLM proxy and MCP endpoint) by default, or runs locally with --stdio.',
    )
    .option(
      '-p, --prompt <question>',
      'ask one question, print the answer and exit (the question may also come on stdin)',
    )
    .option(
      '--json',
      'with a question: print the whole turn as JSON (answer, tool calls, results, messages, usage)',
    )
    .option('-s, --server <url>', 'pgmcp server (default PGMCP_SERVER, else http://127.0.0.1:8080)')
    .option('--token <token>', 'session or API token (prefer PGMCP_TOKEN); otherwise log in with a password')
    .option('-u, --user <name>', 'username to log in with')
    .option('--logout', 'end the stored session for the server and forget its token')
    .option('--stdio', 'local mode: run `pgmcp serve --stdio` and call the LLM provider directly')
    .option('--database-url <url>', 'local mode: the PostgreSQL database (prefer PGMCP_DATABASE_URL)')
    .option('-c, --config <file>', 'local mode: pgmcp.yaml with connections and llm settings')
    .option('--provider <name>', 'LLM provider for this run: anthropic, openai or ollama')
    .option('-m, --model <id>', 'model for this run')
    .option('-d, --database <name>', 'connection to use (NAME or NAME/DATABASE)')
    .option('-r, --resume <id>', 'continue a stored conversation')
    .option('--save', 'save a one-shot question as a conversation (interactive chats are saved anyway)')
    .option('--no-save', 'do not save the conversation')
    .option(
      '-y, --yes',
      'run statements that write without asking (for scripts; a connection must allow writes)',
    )
    .addOption(
      new Option(
        '--max-context <tokens>',
        "compact the history above this many tokens (default: 70% of the model's context window)",
      ).argParser(positiveInt('--max-context', 10_000_000, 256)),
    )
    .addOption(
      new Option('--preview-rows <n>', 'rows of query results shown under each query (0: none)')
        .argParser(positiveInt('--preview-rows', 100, 0))
        .default(5),
    )
    .option('--verbose', 'with a question: show tool activity (tools, SQL, rows, time) on stderr')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .addHelpText(
      'after',
      `
Examples:
  pgmcp chat                                         interactive, against http://127.0.0.1:8080 (logs in once)
  pgmcp chat --server https://pgmcp.example.com
  pgmcp chat -p "how many orders last month?"        prints the answer and exits
  echo "which products sell best?" | pgmcp chat --json | jq .answer
  PGMCP_TOKEN=pgmcp_… pgmcp chat -p "…"              with an API token (pgmcp token create)
  ANTHROPIC_API_KEY=… pgmcp chat --stdio --database-url postgres://localhost/shop

Local mode (--stdio) reads ANTHROPIC_API_KEY(_FILE), OPENAI_API_KEY(_FILE), PGMCP_ANTHROPIC_BASE_URL,
PGMCP_OPENAI_BASE_URL, OLLAMA_HOST, PGMCP_LLM_PROVIDER and PGMCP_LLM_MODEL.
In a chat, /help lists the commands. Exit codes: 0 answered, 1 failed, 2 bad usage or not set up, 130 cancelled.`,
    )
    .action((flags: ChatFlags) => {
      // The chat client loads only for chat, so the other commands start fast.
      io.run(import('./run-chat.js').then(({ runChat }) => runChat(flags, io)));
    });
}
