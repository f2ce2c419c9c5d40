import {
  addUsage,
  type AgentEvent,
  type CompactionBudget,
  compactionBudget,
  chatTokenEstimator,
  compactWithFallback,
  type ConfirmToolCall,
  createAgent,
  findHistoryProblem,
  isAgentError,
  NO_USAGE,
  recordTurn,
  type TurnResult,
  type UsageTotals,
} from '@pgmcp/agent';
import type { CompactResponse, Conversation, LlmModel, Message, Usage } from '@pgmcp/api-contract';
import type { ChatBackend, DatabaseInfo, ProviderList } from './backend.js';
import { ChatError, messageOf } from './chat-error.js';
import type { RememberedSettings } from './chat-files.js';

/** What the last compaction did, for the turn's notice and /compact. */
export interface CompactionReport {
  /** `server` (POST /api/v1/chat/compact), `local` (the in-process compactor) or `fallback` (first + last messages). */
  by: 'server' | 'local' | 'fallback';
  /** Why the fallback was used. */
  reason?: string;
  messagesBefore: number;
  messagesAfter: number;
  tokensBefore: number;
  tokensAfter: number;
  /** The compactor's own account (not for the fallback). */
  response?: CompactResponse;
}

/** A finished turn as the UI needs it. */
export interface TurnOutcome {
  result: TurnResult;
  /** The messages the user added (the question, or a prompt's messages). */
  userMessages: Message[];
  compaction?: CompactionReport;
  /** The conversation id it was saved under. */
  savedAs?: string;
  /** Why saving failed, if it did. */
  saveError?: string;
}

/** Options of {@link createChatSession}. */
export interface ChatSessionOptions {
  backend: ChatBackend;
  remembered: RememberedSettings;
  /** --provider, --model, --database for this run (they win over the remembered ones). */
  initial: { provider?: string; model?: string; database?: string };
  /** --max-context: compact above this many (estimated) tokens instead of the model's window share. */
  maxContextTokens?: number;
  /** Save the conversation after each turn (/save saves anyway). */
  autoSave: boolean;
  /** Told about things worth knowing that are not errors (a remembered database that is gone). */
  warn(text: string): void;
}

/** Settings the user can change with /set and see with /show. */
export interface SessionSettings {
  provider: string;
  model: string;
  database: string | undefined;
}

/** Token counts of the session. */
export type SessionUsage = UsageTotals;

/** The state of one chat: settings, history, usage, the stored conversation; runs turns. */
export interface ChatSession {
  readonly backend: ChatBackend;
  readonly settings: Readonly<SessionSettings>;
  /** Every message of the conversation (what is saved and shown). */
  readonly transcript: readonly Message[];
  /** What the model gets next: the transcript, compacted when it grew too long. */
  readonly context: readonly Message[];
  readonly conversation: { id: string; title: string } | undefined;
  readonly usage: SessionUsage;
  /** Tokens at which the history is compacted. */
  budgetTokens(): Promise<number>;
  runTurn(
    userMessages: Message[],
    options: {
      signal: AbortSignal;
      onEvent: (event: AgentEvent) => void;
      confirm: ConfirmToolCall;
      /** Told when the history was compacted before a model call. */
      onCompaction?: (report: CompactionReport) => void;
    },
  ): Promise<TurnOutcome>;
  setProvider(name: string): Promise<void>;
  setModel(id: string): Promise<string | undefined>;
  setDatabase(spec: string): Promise<DatabaseInfo>;
  providers(): Promise<ProviderList>;
  models(provider?: string): Promise<LlmModel[]>;
  databases(): Promise<DatabaseInfo[]>;
  compactNow(signal: AbortSignal): Promise<CompactionReport | undefined>;
  newConversation(): void;
  load(conversation: Conversation): void;
  save(title?: string): Promise<{ id: string; title: string }>;
}

/**
 * Starts a session on a backend: resolves the provider and model (flags, then what was remembered for
 * this server, then the defaults) and applies the database.
 */
export async function createChatSession(options: ChatSessionOptions): Promise<ChatSession> {
  const { backend, remembered } = options;
  const saved = remembered.get(backend.settingsKey);
  const providerList = await backend.providers();
  const findProvider = (name: string) => providerList.providers.find((p) => p.name === name);

  let provider: string;
  if (options.initial.provider) {
    if (!findProvider(options.initial.provider)) {
      throw new ChatError(
        'USAGE',
        `--provider: "${options.initial.provider}" is not configured${backend.mode === 'server' ? ' on this server' : ''}; choose one of ${providerList.providers.map((p) => p.name).join(', ')}.`,
      );
    }
    provider = options.initial.provider;
  } else
    provider = saved.provider && findProvider(saved.provider) ? saved.provider : providerList.defaultProvider;
  const model =
    options.initial.model ??
    (saved.provider === provider && !options.initial.provider ? saved.model : undefined) ??
    findProvider(provider)?.defaultModel ??
    '';

  const settings: SessionSettings = { provider, model, database: undefined };
  const modelCache = new Map<string, LlmModel[]>();
  const models = async (name = settings.provider) => {
    const cached = modelCache.get(name);
    if (cached) return cached;
    const list = await backend.models(name);
    modelCache.set(name, list);
    return list;
  };

  const selectDatabase = async (spec: string): Promise<DatabaseInfo> => {
    const [name, database] = spec.split('/', 2) as [string, string | undefined];
    const list = await backend.databases();
    if (!list.some((d) => d.name === name)) {
      throw new ChatError(
        'USAGE',
        `There is no connection "${name}" you may use. Choose one of: ${list.map((d) => d.name).join(', ') || '(none)'}.`,
      );
    }
    await backend.selectDatabase(name, database || undefined);
    const current = (await backend.databases()).find((d) => d.name === name)!;
    settings.database = current.name;
    return current;
  };

  const wantedDatabase = options.initial.database ?? saved.database;
  if (wantedDatabase) {
    try {
      await selectDatabase(wantedDatabase);
    } catch (error) {
      if (options.initial.database) throw error;
      options.warn(`The database remembered for this server is not available (${messageOf(error)}).`);
    }
  }
  if (!settings.database) {
    settings.database = (await backend.databases().catch(() => [])).find((d) => d.current)?.name;
  }

  let transcript: Message[] = [];
  let context: Message[] = [];
  let conversation: { id: string; title: string } | undefined;
  let usage: SessionUsage = NO_USAGE;

  const budget = async (): Promise<CompactionBudget> => {
    const window = options.maxContextTokens
      ? undefined
      : (await models().catch(() => [])).find((m) => m.id === settings.model)?.context_window;
    return compactionBudget(window, options.maxContextTokens);
  };
  const budgetTokens = async () => (await budget()).triggerTokens;

  /** Compacts `messages` to `maxTokens`: the backend's compactor, else the first and last messages. */
  const compact = async (
    messages: Message[],
    maxTokens: number,
    signal: AbortSignal,
  ): Promise<CompactionReport & { messages: Message[] }> => {
    let response: CompactResponse | undefined;
    const outcome = await compactWithFallback(
      messages,
      { tokens: maxTokens, provider: settings.provider },
      async (request) => {
        response = await backend.compact(request, signal);
        const problem = findHistoryProblem(response.messages);
        if (problem) throw new ChatError('SERVER_ERROR', `the compacted history is not valid: ${problem}`);
        return response.messages;
      },
      signal,
    );
    return {
      by: outcome.fallbackReason !== undefined ? 'fallback' : backend.mode === 'server' ? 'server' : 'local',
      ...(outcome.fallbackReason !== undefined ? { reason: outcome.fallbackReason } : { response }),
      messages: outcome.messages,
      messagesBefore: messages.length,
      messagesAfter: outcome.messages.length,
      tokensBefore: chatTokenEstimator(settings.provider)(messages),
      tokensAfter: chatTokenEstimator(settings.provider)(outcome.messages),
    };
  };

  const persist = async (title?: string) => {
    const input = {
      ...(title ? { title } : {}),
      provider: settings.provider,
      ...(settings.model ? { model: settings.model } : {}),
      ...(settings.database ? { connection: settings.database } : {}),
      messages: transcript,
    };
    const stored = conversation
      ? await backend.conversations.replace(conversation.id, input)
      : await backend.conversations.create(input);
    conversation = { id: stored.id, title: stored.title };
    return conversation;
  };

  return {
    backend,
    settings,
    get transcript() {
      return transcript;
    },
    get context() {
      return context;
    },
    get conversation() {
      return conversation;
    },
    get usage() {
      return usage;
    },
    budgetTokens,

    async runTurn(userMessages, turn) {
      const { triggerTokens, targetTokens } = await budget();
      let compaction: CompactionReport | undefined;
      const agent = createAgent({
        llm: backend.llm,
        toolbox: backend.toolbox,
        provider: settings.provider,
        ...(settings.model ? { model: settings.model } : {}),
        confirm: turn.confirm,
        compaction: {
          budgetTokens: triggerTokens,
          estimateTokens: chatTokenEstimator(settings.provider),
          compact: async (messages, { signal }) => {
            const { messages: shorter, ...report } = await compact(messages, targetTokens, signal);
            compaction = report;
            turn.onCompaction?.(report);
            return shorter;
          },
        },
      });

      let history: Message[] = [...context, ...userMessages];
      const added: Message[] = [];
      let total: Usage = { input_tokens: 0, output_tokens: 0 };
      let result: TurnResult;
      let relogged = false;
      for (;;) {
        result = await agent.runTurn(history, { signal: turn.signal, onEvent: turn.onEvent });
        added.push(...result.newMessages);
        total = addUsage(total, result.usage);
        // The server ended the session (expired, logged out): log in again and go on where the turn stopped.
        if (isAgentError(result.error, 'UNAUTHORIZED') && !relogged && (await backend.relogin())) {
          relogged = true;
          if (settings.database) await backend.selectDatabase(settings.database).catch(() => undefined);
          history = result.messages;
          continue;
        }
        break;
      }
      const outcome: TurnOutcome = {
        result: { ...result, newMessages: added, usage: total },
        userMessages,
        ...(compaction ? { compaction } : {}),
      };
      transcript = [...transcript, ...userMessages, ...added];
      context = result.messages;
      usage = recordTurn(usage, total);

      if (options.autoSave) {
        try {
          outcome.savedAs = (await persist()).id;
        } catch (error) {
          outcome.saveError = messageOf(error);
        }
      }
      return outcome;
    },

    async setProvider(name) {
      const list = await backend.providers();
      const found = list.providers.find((p) => p.name === name);
      if (!found) {
        throw new ChatError(
          'USAGE',
          `"${name}" is not a configured provider; choose one of ${list.providers.map((p) => p.name).join(', ')}.`,
        );
      }
      settings.provider = found.name;
      settings.model = found.defaultModel;
      remembered.update(backend.settingsKey, { provider: settings.provider, model: settings.model });
    },
    async setModel(id) {
      settings.model = id;
      remembered.update(backend.settingsKey, { provider: settings.provider, model: id });
      const list = await models().catch(() => undefined);
      if (list && !list.some((m) => m.id === id)) {
        return `"${id}" is not in ${settings.provider}'s model list; it is used anyway (/list models shows the list).`;
      }
      return undefined;
    },
    async setDatabase(spec) {
      const current = await selectDatabase(spec);
      remembered.update(backend.settingsKey, { database: spec });
      return current;
    },
    providers: () => backend.providers(),
    models,
    databases: () => backend.databases(),

    async compactNow(signal) {
      if (context.length < 3) return undefined;
      const tokens = chatTokenEstimator(settings.provider)(context);
      const target = Math.min((await budget()).targetTokens, Math.floor(tokens / 2));
      const { messages, ...report } = await compact([...context], Math.max(1, target), signal);
      context = messages;
      return report;
    },
    newConversation() {
      transcript = [];
      context = [];
      conversation = undefined;
    },
    load(stored) {
      const problem = findHistoryProblem(stored.messages);
      if (problem) throw new ChatError('SERVER_ERROR', `The conversation cannot be continued: ${problem}.`);
      transcript = [...stored.messages];
      context = [...stored.messages];
      conversation = { id: stored.id, title: stored.title };
    },
    save: (title) => persist(title),
  };
}
