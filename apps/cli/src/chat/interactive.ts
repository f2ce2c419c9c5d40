import type { ConfirmationRequest } from '@pgmcp/agent';
import type { Message } from '@pgmcp/api-contract';
import type { Style } from './ansi.js';
import type { Prompter } from './backend.js';
import { ChatError, isChatError, messageOf } from './chat-error.js';
import type { HistoryFile } from './chat-files.js';
import type { ChatSession } from './chat-session.js';
import { type CommandContext, type CompletionData, completeCommand, runCommand } from './commands.js';
import type { Key } from './keys.js';
import { createLineEditor, type LineEditor } from './line-editor.js';
import type { Terminal } from './terminal.js';
import { createTurnView, type TurnView } from './turn-view.js';

/** A {@link Prompter} on a terminal (used to log in). */
export function createTerminalPrompter(terminal: Terminal): Prompter {
  const editor = createLineEditor({ terminal });
  return {
    async ask(question, options = {}) {
      terminal.start();
      try {
        const answer = await editor.read(question, options);
        if (answer.kind !== 'line') throw new ChatError('CANCELLED', 'Cancelled at the prompt.');
        return answer.text;
      } finally {
        terminal.stop();
      }
    },
  };
}

/** Waits for y (true) or anything else (false); Ctrl-C also calls `onInterrupt`. */
function readYesNo(terminal: Terminal, signal: AbortSignal, onInterrupt: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      release();
      signal.removeEventListener('abort', aborted);
      resolve(answer);
    };
    const aborted = () => done(false);
    const release = terminal.onKeys((key: Key) => {
      if (key.ctrl && key.name === 'c') {
        done(false);
        onInterrupt();
      } else if (key.name === 'char' && /^y(es)?$/i.test(key.text ?? '')) done(true);
      else if (key.name === 'char' || key.name === 'enter' || key.name === 'escape') done(false);
    });
    if (signal.aborted) done(false);
    else signal.addEventListener('abort', aborted, { once: true });
  });
}

/** Asks the y/N question of a statement that may write, below what the view showed. */
export async function confirmWrite(
  request: ConfirmationRequest,
  view: TurnView,
  terminal: Terminal,
  style: Style,
  database: string | undefined,
  onInterrupt: () => void,
): Promise<boolean> {
  view.showConfirmation(request.toolUseId, request.tool.name, request.sql, request.input, database);
  terminal.write(`${style.bold('Run it?')} [y/N] `);
  const yes = await readYesNo(terminal, request.signal, onInterrupt);
  terminal.write(yes ? `${style.green('yes')}\n` : `${style.dim('no')}\n`);
  return yes;
}

/** Options of {@link runInteractive}. */
export interface InteractiveOptions {
  session: ChatSession;
  terminal: Terminal;
  historyFile: HistoryFile;
  style: Style;
  /** --yes: run statements that write without asking. */
  autoApprove: boolean;
  previewRows: number;
}

/** The interactive chat: a prompt with history and completion, streamed answers, slash commands. */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const { session, terminal, style } = options;
  const write = (text: string) => terminal.write(text);
  const width = () => terminal.columns();
  const completions: CompletionData = {
    providers: [],
    models: [],
    databases: [],
    prompts: [],
    conversations: [],
  };
  const preview = { rows: options.previewRows };
  const editor: LineEditor = createLineEditor({
    terminal,
    history: options.historyFile.load(),
    complete: (before) => completeCommand(before, completions),
  });

  // Values for Tab, loaded while the user types the first question.
  void (async () => {
    const settled = await Promise.allSettled([
      session.providers(),
      session.models(),
      session.databases(),
      session.backend.mcp.listPrompts(),
    ]);
    const [providers, models, databases, prompts] = settled;
    if (providers.status === 'fulfilled')
      completions.providers = providers.value.providers.map((p) => p.name);
    if (models.status === 'fulfilled') completions.models = models.value.map((m) => m.id);
    if (databases.status === 'fulfilled') completions.databases = databases.value.map((d) => d.name);
    if (prompts.status === 'fulfilled') completions.prompts = prompts.value.prompts.map((p) => p.name);
  })();

  /** Runs `work` with a signal that Esc or Ctrl-C aborts. */
  const withCancel = async <T>(work: (signal: AbortSignal, abort: () => void) => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    const release = terminal.onKeys((key) => {
      if (key.name === 'escape' || (key.ctrl && key.name === 'c')) abort();
    });
    try {
      return await work(controller.signal, abort);
    } finally {
      release();
    }
  };

  const ask = (messages: Message[]): Promise<void> =>
    withCancel(async (signal, abort) => {
      const view = createTurnView({ write, style, width, live: true, previewRows: preview.rows });
      view.start();
      const outcome = await session.runTurn(messages, {
        signal,
        onEvent: (event) => view.onEvent(event),
        onCompaction: (report) => view.onCompaction(report),
        confirm: (request) => {
          if (options.autoApprove) {
            view.showConfirmation(
              request.toolUseId,
              request.tool.name,
              request.sql,
              request.input,
              session.settings.database,
            );
            write(style.dim('approved by --yes\n'));
            return true;
          }
          return confirmWrite(request, view, terminal, style, session.settings.database, abort);
        },
      });
      view.finish(outcome);
    });

  const context: CommandContext = { session, style, width, write, completions, preview, ask, withCancel };
  const { settings } = session;
  write(`${style.bold('pgmcp chat')} ${style.dim('·')} ${session.backend.label}\n`);
  write(
    style.dim(
      `${settings.provider}${settings.model ? ` · ${settings.model}` : ''} · database ${settings.database ?? '(none)'}${session.conversation ? ` · conversation "${session.conversation.title}"` : ''}\n`,
    ),
  );
  write(
    style.dim(
      'Ask about your database in plain words. /help lists commands · Esc stops an answer · Ctrl-D quits\n\n',
    ),
  );

  terminal.start();
  try {
    for (;;) {
      const prompt = `${style.dim(session.settings.database ?? 'pgmcp')} ${style.bold(style.green('›'))} `;
      const input = await editor.read(prompt);
      if (input.kind !== 'line') break;
      const text = input.text.trim();
      if (text === '') continue;
      editor.addHistory(input.text);
      try {
        options.historyFile.append(input.text);
      } catch {
        // History that cannot be written is not worth stopping the chat for.
      }
      if (text.startsWith('/')) {
        try {
          if ((await runCommand(text, context)) === 'quit') break;
        } catch (error) {
          if (isChatError(error, 'CANCELLED')) write(style.dim('Stopped.\n'));
          else write(`${style.red(`✗ ${messageOf(error)}`)}\n`);
        }
        write('\n');
        continue;
      }
      try {
        await ask([{ role: 'user', content: input.text }]);
      } catch (error) {
        write(`${style.red(`✗ ${messageOf(error)}`)}\n\n`);
      }
    }
  } finally {
    terminal.stop();
  }
  write(style.dim('Bye.\n'));
  return 0;
}
