import { chatTokenEstimator, resultText } from '@pgmcp/agent';
import type { Message } from '@pgmcp/api-contract';
import { type Style, truncate } from './ansi.js';
import { ChatError } from './chat-error.js';
import type { ChatSession } from './chat-session.js';
import type { Completion } from './line-editor.js';
import { renderGrid, renderMarkdown } from './markdown.js';
import { highlightSql } from './sql-highlight.js';
import { describeCompaction, formatCount, formatUsage } from './turn-view.js';

/** A slash command: name, arguments and one line of help. */
interface CommandSpec {
  name: string;
  args: string;
  help: string;
}

/** Every slash command, in the order /help lists them. */
const COMMANDS: readonly CommandSpec[] = [
  { name: 'help', args: '', help: 'this list' },
  {
    name: 'set',
    args: 'provider|model|database|preview VALUE',
    help: 'change a setting (remembered for this server)',
  },
  { name: 'show', args: '', help: 'the current settings' },
  {
    name: 'list',
    args: 'providers|models|databases|prompts|conversations',
    help: 'what there is to choose from',
  },
  { name: 'prompt', args: 'NAME [ARG=VALUE…]', help: "run one of the server's MCP prompts" },
  { name: 'new', args: '', help: 'start a new conversation' },
  { name: 'history', args: '', help: 'show this conversation again' },
  { name: 'load', args: 'ID|#N', help: 'continue a stored conversation' },
  { name: 'save', args: '[TITLE]', help: 'save this conversation (with a title)' },
  { name: 'compact', args: '', help: 'compact the history now and show what was kept' },
  { name: 'tokens', args: '', help: 'token usage of the last turn and the session' },
  { name: 'quit', args: '', help: 'leave (also Ctrl-D, or Ctrl-C on an empty line)' },
];

const SET_KEYS = ['provider', 'model', 'database', 'preview'] as const;
const LIST_KINDS = ['providers', 'models', 'databases', 'prompts', 'conversations'] as const;

/** Values Tab completes, loaded in the background and refreshed by /list and /set. */
export interface CompletionData {
  providers: string[];
  models: string[];
  databases: string[];
  prompts: string[];
  conversations: string[];
}

/** What the commands act on. */
export interface CommandContext {
  session: ChatSession;
  style: Style;
  width: () => number;
  write: (text: string) => void;
  completions: CompletionData;
  /** Rows of query results shown under a tool call. */
  preview: { rows: number };
  /** Runs a turn with these user messages (a prompt's) as if they were typed. */
  ask(messages: Message[]): Promise<void>;
  /** A signal that aborts when the user presses Esc or Ctrl-C while a command runs. */
  withCancel<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** Splits command arguments like a shell: spaces separate, quotes group, backslash escapes. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(char)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  return candidates.find((c) => c.startsWith(word)) ?? candidates.find((c) => c.includes(word));
}

/** Tab completion of slash commands and their arguments. */
export function completeCommand(before: string, data: CompletionData): Completion {
  if (!before.startsWith('/')) return { from: before.length, candidates: [] };
  const words = before.slice(1).split(/\s+/);
  const last = words[words.length - 1] ?? '';
  const from = before.length - last.length;
  const match = (values: readonly string[]) => ({
    from,
    candidates: values.filter((v) => v.startsWith(last)),
  });
  if (words.length === 1)
    return { from: 1, candidates: COMMANDS.map((c) => c.name).filter((n) => n.startsWith(last)) };
  const [command, sub] = words;
  if (words.length === 2) {
    switch (command) {
      case 'set':
        return match(SET_KEYS);
      case 'list':
        return match(LIST_KINDS);
      case 'prompt':
        return match(data.prompts);
      case 'load':
        return match(data.conversations);
      default:
        return { from, candidates: [] };
    }
  }
  if (words.length === 3 && command === 'set') {
    if (sub === 'provider') return match(data.providers);
    if (sub === 'model') return match(data.models);
    if (sub === 'database') return match(data.databases);
  }
  return { from, candidates: [] };
}

function table(ctx: CommandContext, header: string[], rows: string[][]): void {
  ctx.write(`${renderGrid(header, rows, { style: ctx.style, width: ctx.width }).join('\n')}\n`);
}

/** Converts an MCP prompt message to the chat model (text only; other content is described). */
function promptMessage(message: {
  role: string;
  content: { type: string; text?: string; resource?: { uri: string; text?: string } };
}): Message {
  const { content } = message;
  const text =
    content.type === 'text'
      ? (content.text ?? '')
      : content.type === 'resource' && content.resource?.text !== undefined
        ? `Resource ${content.resource.uri}:\n${content.resource.text}`
        : `[${content.type} content left out]`;
  return { role: message.role === 'assistant' ? 'assistant' : 'user', content: text };
}

/** Assigns `/prompt` arguments: `name=value` pairs, else in the declared order (the last one takes the rest). */
export function assignPromptArguments(
  declared: { name: string; required?: boolean }[],
  words: string[],
): Record<string, string> {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (const word of words) {
    const pair = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(word);
    if (pair && declared.some((a) => a.name === pair[1])) values[pair[1]!] = pair[2]!;
    else positional.push(word);
  }
  const open = declared.filter((a) => values[a.name] === undefined);
  open.forEach((argument, index) => {
    if (positional.length === 0) return;
    values[argument.name] = index === open.length - 1 ? positional.splice(0).join(' ') : positional.shift()!;
  });
  if (positional.length > 0) {
    throw new ChatError(
      'USAGE',
      `Too many arguments: the prompt takes ${declared.map((a) => a.name).join(', ') || 'none'}.`,
    );
  }
  return values;
}

/** Prints a conversation: questions, answers as markdown, tool calls with their SQL. */
function renderTranscript(messages: readonly Message[], style: Style, width: () => number): string {
  const out: string[] = [];
  for (const message of messages) {
    const blocks =
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : message.content;
    for (const block of blocks) {
      if (block.type === 'text') {
        if (message.role === 'user') out.push(`${style.bold(style.green('›'))} ${block.text}`);
        else out.push(renderMarkdown(block.text, { style, width }));
      } else if (block.type === 'tool_use') {
        const sql = ['query', 'sql', 'statement']
          .map((k) => block.input[k])
          .find((v): v is string => typeof v === 'string');
        out.push(`${style.cyan('⏺')} ${style.bold(block.name)}`);
        if (sql)
          out.push(
            highlightSql(sql.trim(), style)
              .split('\n')
              .map((l) => `    ${l}`)
              .join('\n'),
          );
      } else if (block.type === 'tool_result') {
        const first = resultText(block.content).split('\n')[0] ?? '';
        out.push(
          `  ${block.is_error ? style.red('✗') : style.green('✓')} ${style.dim(truncate(first, Math.max(20, width() - 6)))}`,
        );
      }
    }
    if (message.role === 'assistant') out.push('');
  }
  return out.join('\n');
}

/** Runs one slash command line; resolves with 'quit' when the session should end. */
export async function runCommand(line: string, ctx: CommandContext): Promise<'continue' | 'quit'> {
  const { session, style, write } = ctx;
  const [name = '', ...args] = splitArguments(line.slice(1));
  const spec =
    COMMANDS.find((c) => c.name === name) ??
    (name === 'exit' ? COMMANDS.find((c) => c.name === 'quit') : undefined);
  if (!spec) {
    const guess = closest(
      name,
      COMMANDS.map((c) => c.name),
    );
    throw new ChatError(
      'USAGE',
      `Unknown command /${name}.${guess ? ` Did you mean /${guess}?` : ''} /help lists the commands.`,
    );
  }
  const usage = () => new ChatError('USAGE', `Usage: /${spec.name} ${spec.args}`);

  switch (spec.name) {
    case 'help': {
      const usageOf = (c: CommandSpec) => `/${c.name}${c.args ? ` ${c.args}` : ''}`;
      const column = Math.min(34, Math.max(...COMMANDS.map((c) => usageOf(c).length)));
      for (const c of COMMANDS) {
        const usageText = usageOf(c);
        const fits = usageText.length <= column && 2 + column + 2 + c.help.length <= ctx.width();
        write(
          fits
            ? `  ${style.cyan(usageText.padEnd(column))}  ${style.dim(c.help)}\n`
            : `  ${style.cyan(usageText)}\n      ${style.dim(c.help)}\n`,
        );
      }
      write(
        style.dim(
          [
            '',
            '  Tab completes commands and values. Up/Down and Ctrl-R search earlier input.',
            '  Alt-Enter or Ctrl-J starts a new line. Esc or Ctrl-C stops an answer.',
            '  Ctrl-D, /quit, or Ctrl-C on an empty line leaves.',
            '',
          ].join('\n'),
        ),
      );
      return 'continue';
    }
    case 'quit':
      return 'quit';
    case 'show': {
      const { settings, conversation } = session;
      const rows: [string, string][] = [
        [session.backend.mode === 'server' ? 'Server' : 'Mode', session.backend.label],
        ['Provider', settings.provider],
        ['Model', settings.model || '(the provider default)'],
        ['Database', settings.database ?? '(none)'],
        ['Conversation', conversation ? `${conversation.title} (${conversation.id})` : 'not saved yet'],
        ['Compacts above', `~${formatCount(await session.budgetTokens())} tokens`],
        ['Result preview', `${ctx.preview.rows} rows`],
      ];
      for (const [key, value] of rows) write(`  ${style.dim(key.padEnd(15))}${value}\n`);
      return 'continue';
    }
    case 'tokens': {
      const { usage } = session;
      const budget = await session.budgetTokens();
      write(
        `  ${style.dim('Last turn'.padEnd(10))}${usage.lastTurn ? formatUsage(usage.lastTurn) : 'no turn yet'}\n`,
      );
      write(
        `  ${style.dim('Session'.padEnd(10))}${formatUsage(usage.total)} over ${usage.turns} turn${usage.turns === 1 ? '' : 's'}\n`,
      );
      write(
        `  ${style.dim('History'.padEnd(10))}~${formatCount(chatTokenEstimator(session.settings.provider)(session.context))} tokens of ~${formatCount(budget)} before compaction · ${session.context.length} messages sent, ${session.transcript.length} in the conversation\n`,
      );
      return 'continue';
    }
    case 'set': {
      const [key, ...rest] = args;
      const value = rest.join(' ');
      if (!key || !value) throw usage();
      switch (key) {
        case 'provider':
          await session.setProvider(value);
          ctx.completions.models = (await session.models().catch(() => [])).map((m) => m.id);
          write(
            `Provider ${style.bold(session.settings.provider)}, model ${style.bold(session.settings.model)}.\n`,
          );
          return 'continue';
        case 'model': {
          const warning = await session.setModel(value);
          if (warning) write(`${style.yellow(warning)}\n`);
          write(`Model ${style.bold(value)}.\n`);
          return 'continue';
        }
        case 'database': {
          const current = await session.setDatabase(value);
          write(
            `Database ${style.bold(current.name)} (${current.host}:${current.port}/${current.database}, ${current.writesAllowed ? style.yellow('read-write: statements that write ask first') : 'read-only'}).\n`,
          );
          return 'continue';
        }
        case 'preview': {
          const rows = Number(value);
          if (!Number.isInteger(rows) || rows < 0 || rows > 100)
            throw new ChatError('USAGE', '/set preview takes a number of rows from 0 to 100.');
          ctx.preview.rows = rows;
          write(`Query results show ${rows} row${rows === 1 ? '' : 's'}.\n`);
          return 'continue';
        }
        default:
          throw new ChatError('USAGE', `/set takes ${SET_KEYS.join(', ')}; not "${key}".`);
      }
    }
    case 'list': {
      const [kind] = args;
      switch (kind) {
        case 'providers': {
          const list = await session.providers();
          ctx.completions.providers = list.providers.map((p) => p.name);
          table(
            ctx,
            ['', 'PROVIDER', 'DEFAULT MODEL'],
            list.providers.map((p) => [
              p.name === session.settings.provider ? '*' : '',
              `${p.name}${p.name === list.defaultProvider ? ' (default)' : ''}`,
              p.defaultModel,
            ]),
          );
          return 'continue';
        }
        case 'models': {
          const models = await session.models();
          ctx.completions.models = models.map((m) => m.id);
          if (models.length === 0) write(`${session.settings.provider} lists no models.\n`);
          else
            table(
              ctx,
              ['', 'MODEL', 'CONTEXT'],
              models.map((m) => [
                m.id === session.settings.model ? '*' : '',
                m.id,
                m.context_window ? formatCount(m.context_window) : '',
              ]),
            );
          return 'continue';
        }
        case 'databases': {
          const list = await session.databases();
          ctx.completions.databases = list.map((d) => d.name);
          if (list.length === 0) write('You may use no database connection; ask an administrator for one.\n');
          else
            table(
              ctx,
              ['', 'CONNECTION', 'SERVER / DATABASE', 'ACCESS', 'DESCRIPTION'],
              list.map((d) => [
                d.current ? '*' : '',
                d.name,
                `${d.host}:${d.port}/${d.database}`,
                d.writesAllowed ? 'read-write' : 'read-only',
                d.description ?? '',
              ]),
            );
          return 'continue';
        }
        case 'prompts': {
          const { prompts } = await session.backend.mcp.listPrompts();
          ctx.completions.prompts = prompts.map((p) => p.name);
          if (prompts.length === 0) write('The server offers no prompts.\n');
          for (const p of prompts) {
            const argsText = (p.arguments ?? []).map((a) => (a.required ? a.name : `[${a.name}]`)).join(' ');
            write(
              `  ${style.cyan(p.name)}${argsText ? ` ${style.dim(argsText)}` : ''}\n    ${p.description ?? ''}\n`,
            );
          }
          return 'continue';
        }
        case 'conversations': {
          const list = await session.backend.conversations.list(20);
          ctx.completions.conversations = list.map((c) => c.id);
          if (list.length === 0) {
            write('No stored conversations yet.\n');
            return 'continue';
          }
          table(
            ctx,
            ['#', 'ID', 'TITLE', 'MESSAGES', 'UPDATED'],
            list.map((c, i) => [
              `#${i + 1}`,
              c.id,
              c.title,
              String(c.message_count),
              c.updated_at.slice(0, 16).replace('T', ' '),
            ]),
          );
          write(style.dim('/load ID (or #N, or the first characters of an ID) continues one.\n'));
          return 'continue';
        }
        default:
          throw new ChatError('USAGE', `/list takes ${LIST_KINDS.join(', ')}.`);
      }
    }
    case 'prompt': {
      const [promptName, ...words] = args;
      if (!promptName) throw usage();
      const { prompts } = await session.backend.mcp.listPrompts();
      const prompt = prompts.find((p) => p.name === promptName);
      if (!prompt) {
        throw new ChatError(
          'USAGE',
          `There is no prompt "${promptName}". /list prompts shows them: ${prompts.map((p) => p.name).join(', ')}.`,
        );
      }
      const declared = prompt.arguments ?? [];
      const values = assignPromptArguments(declared, words);
      const missing = declared.filter((a) => a.required && !values[a.name]);
      if (missing.length > 0) {
        throw new ChatError(
          'USAGE',
          `The prompt ${promptName} needs ${missing.map((a) => a.name).join(', ')}, e.g. /prompt ${promptName} ${missing.map((a) => `${a.name}="…"`).join(' ')}`,
        );
      }
      const result = await session.backend.mcp.getPrompt({ name: promptName, arguments: values });
      const messages = result.messages.map((m) => promptMessage(m as Parameters<typeof promptMessage>[0]));
      if (messages.length === 0 || messages[messages.length - 1]!.role !== 'user') {
        throw new ChatError(
          'SERVER_ERROR',
          `The prompt ${promptName} does not end with a user message, so there is nothing to answer.`,
        );
      }
      write(
        style.dim(
          `Running the prompt ${promptName}${
            Object.keys(values).length
              ? ` (${Object.entries(values)
                  .map(([k, v]) => `${k}=${truncate(v, 60)}`)
                  .join(', ')})`
              : ''
          }\n`,
        ),
      );
      await ctx.ask(messages);
      return 'continue';
    }
    case 'new':
      session.newConversation();
      write('New conversation.\n');
      return 'continue';
    case 'history':
      if (session.transcript.length === 0) write('Nothing yet in this conversation.\n');
      else write(`${renderTranscript(session.transcript, style, ctx.width)}\n`);
      return 'continue';
    case 'load': {
      const [ref] = args;
      if (!ref) throw usage();
      const stores = session.backend.conversations;
      let id = ref;
      if (/^#\d+$/.test(ref)) {
        id = ctx.completions.conversations[Number(ref.slice(1)) - 1] ?? '';
        if (!id) throw new ChatError('USAGE', `There is no ${ref} in the last /list conversations.`);
      } else if (!ctx.completions.conversations.includes(ref)) {
        const matches = (await stores.list(200)).map((c) => c.id).filter((c) => c.startsWith(ref));
        if (matches.length === 1) id = matches[0]!;
        else if (matches.length > 1)
          throw new ChatError(
            'USAGE',
            `"${ref}" starts ${matches.length} conversation ids; give more of it.`,
          );
      }
      const conversation = await stores.get(id);
      session.load(conversation);
      write(
        `Loaded "${conversation.title}" (${conversation.messages.length} messages). /history shows it.\n`,
      );
      return 'continue';
    }
    case 'save': {
      const title = args.join(' ').trim();
      const saved = await session.save(title || undefined);
      write(`Saved as "${saved.title}" (${saved.id}).\n`);
      return 'continue';
    }
    case 'compact': {
      const report = await ctx.withCancel((signal) => session.compactNow(signal));
      if (!report) {
        write('The conversation is too short to compact.\n');
        return 'continue';
      }
      write(`${describeCompaction(report)}\n`);
      const info = report.response?.compaction_info;
      if (info) {
        const tiers = Object.entries(info.tier_counts)
          .filter(([, n]) => n > 0)
          .map(([tier, n]) => `${n} ${tier}`)
          .join(', ');
        write(
          style.dim(
            `  kept ${info.compacted_count} of ${info.original_count} (${info.anchor_count} anchors; ${tiers}), dropped ${info.dropped_count}\n`,
          ),
        );
      }
      const summary = report.response?.summary;
      if (summary)
        write(
          style.dim(
            `  summary of the dropped messages (${summary.method}): ${truncate(summary.text.replace(/\s+/g, ' '), 400)}\n`,
          ),
        );
      for (const warning of report.response?.warnings ?? []) write(style.yellow(`  ! ${warning}\n`));
      write(style.dim('  The full conversation is still saved; only what the model gets is shorter.\n'));
      return 'continue';
    }
  }
  throw usage();
}
