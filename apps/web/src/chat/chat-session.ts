import {
  addUsage,
  type AgentEvent,
  type AgentLlm,
  COMPACTION_POLICY,
  compactionBudget,
  chatTokenEstimator,
  compactWithFallback,
  type ConfirmationRequest,
  createAgent,
  NO_USAGE,
  recordTurn,
  toolResultDisplay,
  type ToolCallStatus,
  type UsageTotals,
  withDisplays,
} from '@pgmcp/agent';
import { type ApiClient, type Conversation, isApiError, type Message, type Usage } from '@pgmcp/api-contract';
import { errorMessage } from '../api/error-message.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { createStore, type Store } from '../store.js';
import type { Notice, NoticeTone } from './transcript.js';

/** Where a tool call stands while a turn runs (stored conversations only have the result). */
export interface ToolRuntime {
  status: 'awaiting_confirmation' | 'pending' | 'running' | ToolCallStatus;
  durationMs?: number;
  rowCount?: number;
  /** The tool's structuredContent, e.g. query_database's rows; stored with its result as its display. */
  structured?: Record<string, unknown>;
}

/** A tool call waiting for the user's yes or no. */
export interface PendingConfirmation {
  toolUseId: string;
  toolName: string;
  toolTitle?: string;
  sql?: string;
  input: Record<string, unknown>;
  connection?: string;
  answer(run: boolean): void;
}

/** Token usage of the turns run since the conversation was opened. */
export type UsageSummary = UsageTotals;

/** Everything the chat renders. Components subscribe to slices (see useStore). */
export interface ChatState {
  conversationId?: string;
  title?: string;
  /** The whole conversation as stored; what the user sees. */
  messages: readonly Message[];
  toolRuntime: Readonly<Record<string, ToolRuntime>>;
  /** Text of the model call that is streaming right now ('' when none). */
  streamingText: string;
  running: boolean;
  notices: readonly Notice[];
  usage: UsageSummary;
  confirmation?: PendingConfirmation;
}

/** Provider, model and connection a turn runs with. */
export interface TurnSettings {
  provider?: string;
  model?: string;
  /** The model's context window, for the compaction budget. */
  contextWindow?: number;
  connection?: string;
}

/** What the chat needs from the rest of the app. */
export interface ChatDeps {
  llm: AgentLlm;
  /** The MCP session, connected on first use. */
  mcp: () => Promise<McpSession>;
  api: Pick<ApiClient, 'createConversation' | 'replaceConversation' | 'compact'>;
  /** A conversation was stored (created or updated). */
  onSaved?: (conversation: Conversation) => void;
  /** The session ended during a turn; `draft` is the message to put back in the composer. */
  onUnauthorized?: (draft: string) => void;
}

const ZERO_USAGE: Usage = NO_USAGE.total;

/** The server's own words for a failed model call (the agent prefixes them with the code). */
export function modelErrorText(message: string, upstreamCode: string | undefined): string {
  const prefix = `The model call failed (${upstreamCode}): `;
  return upstreamCode && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/**
 * One open conversation and its turns: runs the shared tool-use loop (@pgmcp/agent) in the browser,
 * streams into `store`, asks before writes, compacts long histories (server, else locally) and
 * stores the conversation after every turn.
 */
export class ChatSession {
  readonly store: Store<ChatState>;
  private controller: AbortController | undefined;
  /** What the model sees next turn: the conversation, or its compacted form after a compaction. */
  private context: readonly Message[] | undefined;
  private noticeIds = 0;
  /** Bumped when another conversation is opened, so a turn still finishing leaves the new one alone. */
  private generation = 0;
  private pendingText = '';
  private flushHandle: number | undefined;

  constructor(private readonly deps: ChatDeps) {
    this.store = createStore<ChatState>(ChatSession.emptyState());
  }

  private static emptyState(): ChatState {
    // Explicit undefineds: the store merges, and a new conversation must drop the old id and title.
    return {
      conversationId: undefined,
      title: undefined,
      messages: [],
      toolRuntime: {},
      streamingText: '',
      running: false,
      notices: [],
      usage: NO_USAGE,
    };
  }

  /** Starts an empty conversation (stops a running turn first). */
  reset(): void {
    this.stop();
    this.generation++;
    this.context = undefined;
    this.store.set(ChatSession.emptyState());
  }

  /** Shows a stored conversation. */
  open(conversation: Conversation): void {
    this.stop();
    this.generation++;
    this.context = undefined;
    this.store.set({
      ...ChatSession.emptyState(),
      conversationId: conversation.id,
      title: conversation.title,
      messages: conversation.messages,
    });
  }

  /** The title changed elsewhere (rename in the sidebar). */
  retitle(id: string, title: string): void {
    if (this.store.get().conversationId === id) this.store.set({ title });
  }

  /** Adds a notice after the current messages (not sent to the model, not stored). */
  notify(tone: NoticeTone, text: string): void {
    const notice: Notice = {
      id: String(++this.noticeIds),
      afterMessages: this.store.get().messages.length,
      tone,
      text,
    };
    this.store.set((s) => ({ notices: [...s.notices, notice] }));
  }

  /** Cancels the running turn: the model stream and running tool calls are aborted. */
  stop(): void {
    this.controller?.abort();
    this.store.get().confirmation?.answer(false);
  }

  /** Runs one turn with the user's message. Resolves when the turn has ended and been stored. */
  async send(text: string, settings: TurnSettings = {}): Promise<void> {
    if (this.store.get().running || text.trim() === '') return;
    const controller = new AbortController();
    this.controller = controller;
    const generation = this.generation;
    const current = () => generation === this.generation;
    const before = this.store.get().messages;
    const userMessage: Message = { role: 'user', content: text };
    const context = [...(this.context ?? before), userMessage];
    this.store.set({ messages: [...before, userMessage], running: true, streamingText: '' });

    let usage = ZERO_USAGE;
    try {
      const mcp = await this.deps.mcp();
      const budget = compactionBudget(settings.contextWindow);
      const agent = createAgent({
        llm: this.deps.llm,
        toolbox: mcp.toolbox,
        ...(settings.provider ? { provider: settings.provider } : {}),
        ...(settings.model ? { model: settings.model } : {}),
        confirm: (request) => this.confirm(request, settings.connection),
        compaction: {
          budgetTokens: budget.triggerTokens,
          estimateTokens: chatTokenEstimator(settings.provider),
          compact: async (messages, { signal }) => {
            const outcome = await compactWithFallback(
              messages,
              { tokens: budget.targetTokens, provider: settings.provider },
              async (body) => (await this.deps.api.compact({ body }, { signal })).messages,
              signal,
            );
            if (outcome.fallbackReason !== undefined) {
              this.notify(
                'warning',
                `The server could not compact the conversation (${outcome.fallbackReason}); kept the first and the last ${COMPACTION_POLICY.recentWindow} messages for the model instead.`,
              );
            }
            return outcome.messages;
          },
        },
      });
      const result = await agent.runTurn(context, {
        signal: controller.signal,
        onEvent: (event) => {
          if (!current()) return;
          this.onEvent(event);
          if (event.type === 'usage') usage = addUsage(usage, event.usage);
        },
      });
      if (!current()) return;
      const newMessages = result.newMessages;
      this.context = result.messages;
      this.flushText();
      this.store.set({
        messages: [...before, userMessage, ...this.withDisplays(newMessages)],
        streamingText: '',
      });

      if (result.error?.code === 'UNAUTHORIZED') {
        this.sessionLost(before, newMessages, text);
        return;
      }
      if (result.error) {
        this.notify('error', modelErrorText(result.error.message, result.error.upstreamCode));
      } else if (result.notice) {
        this.notify(result.cancelled ? 'info' : 'warning', result.notice);
      }
    } catch (error) {
      // Connecting to MCP failed; nothing ran.
      if (!current()) return;
      this.flushText();
      this.store.set({ streamingText: '' });
      if (isApiError(error, 'UNAUTHORIZED')) {
        this.sessionLost(before, [], text);
        return;
      }
      this.notify('error', `Could not reach the database tools: ${errorMessage(error)}`);
    } finally {
      if (this.controller === controller) this.controller = undefined;
      if (current())
        this.store.set((s) => ({
          running: false,
          confirmation: undefined,
          usage: recordTurn(s.usage, usage),
        }));
    }
    if (current()) await this.save(settings);
  }

  /** The session ended mid-turn: give the message back to the composer if the turn produced nothing. */
  private sessionLost(before: readonly Message[], produced: Message[], text: string): void {
    if (produced.length === 0) {
      this.context = undefined;
      this.store.set({ messages: before });
      this.deps.onUnauthorized?.(text);
    } else {
      this.deps.onUnauthorized?.('');
    }
  }

  private async save(settings: TurnSettings): Promise<void> {
    const { conversationId, messages } = this.store.get();
    const input = {
      messages: [...messages],
      ...(settings.provider ? { provider: settings.provider } : {}),
      ...(settings.model ? { model: settings.model } : {}),
      ...(settings.connection ? { connection: settings.connection } : {}),
    };
    try {
      const saved = conversationId
        ? await this.deps.api.replaceConversation({ params: { id: conversationId }, body: input })
        : await this.deps.api.createConversation({ body: input });
      // Only if the user has not moved on to another conversation meanwhile.
      if (this.store.get().messages === messages) {
        this.store.set({ conversationId: saved.id, title: saved.title });
      }
      this.deps.onSaved?.(saved);
    } catch (error) {
      if (isApiError(error, 'UNAUTHORIZED')) return;
      this.notify('warning', `This conversation could not be saved: ${errorMessage(error)}`);
    }
  }

  private confirm(request: ConfirmationRequest, connection: string | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const answer = (run: boolean) => {
        if (settled) return;
        settled = true;
        request.signal.removeEventListener('abort', onAbort);
        if (this.store.get().confirmation?.toolUseId === request.toolUseId) {
          this.store.set({ confirmation: undefined });
        }
        resolve(run);
      };
      const onAbort = () => answer(false);
      request.signal.addEventListener('abort', onAbort);
      const title = request.tool.title ?? request.tool.annotations.title;
      this.store.set({
        confirmation: {
          toolUseId: request.toolUseId,
          toolName: request.tool.name,
          ...(title ? { toolTitle: title } : {}),
          ...(request.sql !== undefined ? { sql: request.sql } : {}),
          input: request.input,
          ...(connection ? { connection } : {}),
          answer,
        },
      });
    });
  }

  /** Tool results with what their cards showed live (rows with types, timing), so a reopened chat looks the same. */
  private withDisplays(messages: readonly Message[]): Message[] {
    const runtimes = this.store.get().toolRuntime;
    return withDisplays(messages, (id) => {
      const runtime = runtimes[id];
      return runtime ? toolResultDisplay(runtime.structured, runtime.durationMs || undefined) : undefined;
    });
  }

  private setRuntime(id: string, patch: ToolRuntime): void {
    this.store.set((s) => ({ toolRuntime: { ...s.toolRuntime, [id]: { ...s.toolRuntime[id], ...patch } } }));
  }

  private onEvent(event: AgentEvent): void {
    switch (event.type) {
      case 'text':
        this.pendingText += event.text;
        this.scheduleFlush();
        break;
      case 'message':
        this.flushText();
        this.store.set((s) => ({
          messages: [...s.messages, ...this.withDisplays([event.message])],
          streamingText: '',
        }));
        break;
      case 'tool_call_requested':
        this.setRuntime(event.id, { status: event.needsConfirmation ? 'awaiting_confirmation' : 'pending' });
        break;
      case 'tool_call_started':
        this.setRuntime(event.id, { status: 'running' });
        break;
      case 'tool_call_finished':
        this.setRuntime(event.id, {
          status: event.status,
          durationMs: event.durationMs,
          ...(event.rowCount !== undefined ? { rowCount: event.rowCount } : {}),
          ...(event.structuredContent ? { structured: event.structuredContent } : {}),
        });
        break;
      case 'compacted':
        this.notify(
          'info',
          `The conversation was compacted for the model (${event.messagesBefore} → ${event.messagesAfter} messages, about ${event.tokensBefore.toLocaleString('en-US')} → ${event.tokensAfter.toLocaleString('en-US')} tokens). Everything stays visible here.`,
        );
        break;
      case 'compaction_failed':
        this.notify('warning', `Compaction failed (${event.message}); the full conversation was sent.`);
        break;
      default:
        break;
    }
  }

  // Text deltas are applied at most once per frame: a fast stream costs one render per frame, not per token.
  private scheduleFlush(): void {
    if (this.flushHandle !== undefined) return;
    this.flushHandle = requestAnimationFrame(() => {
      this.flushHandle = undefined;
      this.flushText();
    });
  }

  private flushText(): void {
    if (this.flushHandle !== undefined) {
      cancelAnimationFrame(this.flushHandle);
      this.flushHandle = undefined;
    }
    if (this.pendingText === '') return;
    const text = this.pendingText;
    this.pendingText = '';
    this.store.set((s) => ({ streamingText: s.streamingText + text }));
  }
}
