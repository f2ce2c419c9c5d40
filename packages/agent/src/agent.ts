import type {
  Block,
  ChatRequest,
  Message,
  StopReason,
  StreamEvent,
  ToolDefinition,
  ToolResultBlock,
  ToolUseBlock,
  Usage,
} from '@pgmcp/api-contract';
import type { AgentLlm } from './agent-llm.js';
import { withoutDisplays } from './display.js';
import { isUnauthorized } from './connect-mcp.js';
import { AgentError, messageOf } from './errors.js';
import type { AgentEvent, AgentEventHandler, ToolCallStatus, TurnStopReason } from './events.js';
import { findHistoryProblem } from './history.js';
import { resolveSystemPrompt, type SystemPromptOption } from './system-prompt.js';
import {
  type AgentTool,
  type AgentToolbox,
  confirmIfWriting,
  mayWrite,
  resultText,
  rowCountOf,
  statementOf,
  type ToolCallOutcome,
} from './toolbox.js';

/** Shortens a history that is over budget; the compactor package provides one. Must keep tool calls with their results. */
export type CompactHistory = (
  messages: Message[],
  context: { budgetTokens: number; estimatedTokens: number; signal: AbortSignal },
) => Promise<Message[]>;

/** When and how the agent compacts the history before a model call. */
export interface CompactionOptions {
  compact: CompactHistory;
  /** Compact when the history is estimated above this many tokens. */
  budgetTokens: number;
  /** Token estimate of a history; default {@link estimateTokensRoughly} (4 characters per token). */
  estimateTokens?: (messages: readonly Message[]) => number;
}

/** What the confirmation hook is asked about. */
export interface ConfirmationRequest {
  /** The tool, with its description and annotations. */
  tool: AgentTool;
  toolUseId: string;
  input: Record<string, unknown>;
  /** The SQL or statement the call carries (`query`, `sql` or `statement` argument), if any. */
  sql?: string;
  /** Aborted when the turn is cancelled: close the dialog. */
  signal: AbortSignal;
}

/** Asked before every tool that may write; true runs the call, false declines it. Asked one call at a time. */
export type ConfirmToolCall = (request: ConfirmationRequest) => boolean | Promise<boolean>;

/** Options of {@link createAgent}. */
export interface AgentOptions {
  /** The model: {@link createProxyLlm} (web, CLI against a server) or {@link createDirectLlm} (CLI local mode). */
  llm: AgentLlm;
  /** The tools: {@link createMcpToolbox}. Without one the model answers without tools. */
  toolbox?: AgentToolbox;
  /** A string replaces {@link DEFAULT_SYSTEM_PROMPT}; a function receives it and returns the prompt to use. */
  system?: SystemPromptOption;
  /** Provider for the LLM proxy (its default when omitted); ignored by a direct LLM. */
  provider?: string;
  /** Model id (the proxy's or client's default when omitted). */
  model?: string;
  /** Output token limit per model call. */
  maxTokens?: number;
  temperature?: number;
  /** Most model calls in one turn (default 50); then the turn stops cleanly with stopReason 'iteration_limit'. */
  maxIterations?: number;
  /** Most tool calls running at once when the model asks for several (default 4). */
  toolConcurrency?: number;
  /** Asked before each call of a tool that may write. Without it such calls are declined. */
  confirm?: ConfirmToolCall;
  /**
   * Which calls need confirmation; default {@link confirmIfWriting}: tools that may write
   * (readOnlyHint not true, or destructiveHint true), except statements the server classifies as reads.
   */
  needsConfirmation?: (
    tool: AgentTool,
    input: Record<string, unknown>,
    signal: AbortSignal,
  ) => boolean | Promise<boolean>;
  /** Compacts the history before a model call when it is over budget. */
  compaction?: CompactionOptions;
  /** Receives every event of every turn. */
  onEvent?: AgentEventHandler;
}

/** Per-turn options of {@link Agent.runTurn}. */
export interface RunTurnOptions {
  /** Cancels the turn: the model stream and running tool calls are aborted; the turn resolves with `cancelled: true`. */
  signal?: AbortSignal;
  /** Receives this turn's events (after the agent's own `onEvent`). */
  onEvent?: AgentEventHandler;
  /** Overrides the agent's system prompt for this turn. */
  system?: SystemPromptOption;
  provider?: string;
  model?: string;
}

/** What a turn produced. It resolves also when cancelled, stopped by the limit, or failed; it never leaves a tool call unanswered. */
export interface TurnResult {
  /** The whole history after the turn (compacted, if compaction ran), valid to send again. */
  messages: Message[];
  /** The messages this turn added: assistant answers and the user-side tool results. */
  newMessages: Message[];
  /** Text of the turn's last assistant message ('' if there is none). */
  text: string;
  stopReason: TurnStopReason;
  cancelled: boolean;
  /** Model calls made. */
  iterations: number;
  /** Usage summed over the turn's model calls. */
  usage: Usage;
  /** True when the compaction hook shortened the history during the turn. */
  compacted: boolean;
  /** Set when stopReason is 'error'. */
  error?: AgentError;
  /** A sentence for the user when the turn stopped early. */
  notice?: string;
}

/** The tool-use loop. */
export interface Agent {
  /** The system prompt in use. */
  readonly systemPrompt: string;
  /** Runs one turn on `messages` (the history ending with the user's new message). */
  runTurn(messages: readonly Message[], options?: RunTurnOptions): Promise<TurnResult>;
}

/** The default token estimate: about 4 characters per token over the JSON of the messages. */
export function estimateTokensRoughly(messages: readonly Message[]): number {
  return Math.ceil(JSON.stringify(messages).length / 4);
}

const DEFAULT_MAX_ITERATIONS = 50;
const DEFAULT_TOOL_CONCURRENCY = 4;

/** Thrown internally when the turn's signal aborts a wait. */
class Aborted extends Error {}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function createLimiter(size: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    acquire(): Promise<void> {
      if (active < size) {
        active++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
  };
}

function addUsage(total: Usage, add: Usage): Usage {
  const sum = (a?: number, b?: number) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const cacheRead = sum(total.cache_read_tokens, add.cache_read_tokens);
  const cacheWrite = sum(total.cache_write_tokens, add.cache_write_tokens);
  return {
    input_tokens: total.input_tokens + add.input_tokens,
    output_tokens: total.output_tokens + add.output_tokens,
    ...(cacheRead !== undefined ? { cache_read_tokens: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cache_write_tokens: cacheWrite } : {}),
  };
}

function textOf(message: Message | undefined): string {
  if (!message) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
}

function requirePositiveInt(value: number | undefined, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined || !Number.isInteger(value) || value < 1) {
    throw new AgentError(
      'BAD_OPTIONS',
      `createAgent: ${name} must be a positive integer, got ${String(value)}.`,
    );
  }
  return value;
}

interface ModelCall {
  outcome: 'done' | 'error' | 'cancelled';
  /** Text and complete tool_use blocks in stream order (text only unless the call completed). */
  content: Block[];
  stopReason?: StopReason;
  usage?: Usage;
  error?: { code: string; message: string };
}

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; input?: Record<string, unknown> };

/** Reads one model stream into content blocks, forwarding text deltas; stops at once when the signal aborts. */
async function callModel(
  llm: AgentLlm,
  request: ChatRequest,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<ModelCall> {
  const parts: Part[] = [];
  const finish = (outcome: ModelCall['outcome'], extra: Partial<ModelCall> = {}): ModelCall => {
    const complete = outcome === 'done';
    const content: Block[] = parts.flatMap((part): Block[] => {
      if (part.kind === 'text') return part.text.trim() !== '' ? [{ type: 'text', text: part.text }] : [];
      return complete && part.input
        ? [{ type: 'tool_use', id: part.id, name: part.name, input: part.input }]
        : [];
    });
    return { outcome, content, ...extra };
  };

  let iterator: AsyncIterator<StreamEvent>;
  try {
    iterator = llm.stream(request, signal)[Symbol.asyncIterator]();
  } catch (error) {
    return finish('error', { error: { code: 'LLM_ERROR', message: messageOf(error) } });
  }
  try {
    for (;;) {
      const next = await abortable(iterator.next(), signal);
      if (next.done)
        return finish('error', {
          error: { code: 'BAD_STREAM', message: 'the stream ended without a done event' },
        });
      const event = next.value;
      switch (event.type) {
        case 'text': {
          const last = parts[parts.length - 1];
          if (last?.kind === 'text') last.text += event.text;
          else parts.push({ kind: 'text', text: event.text });
          onText(event.text);
          break;
        }
        case 'tool_use_start':
          parts.push({ kind: 'tool', id: event.id, name: event.name });
          break;
        case 'tool_use_delta':
          break;
        case 'tool_use_end': {
          const part = parts.find((p) => p.kind === 'tool' && p.id === event.id);
          if (part?.kind === 'tool') part.input = event.input;
          break;
        }
        case 'done':
          return finish('done', { stopReason: event.stop_reason, usage: event.usage });
        case 'error':
          if (signal.aborted) return finish('cancelled');
          return finish('error', { error: { code: event.code, message: event.message } });
      }
    }
  } catch (error) {
    if (error instanceof Aborted || signal.aborted) return finish('cancelled');
    return finish('error', { error: { code: 'LLM_ERROR', message: messageOf(error) } });
  } finally {
    // Stops the underlying HTTP stream; not awaited, since a stream stuck in a read only ends with its abort.
    void iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * Creates the tool-use loop: sends the history and the tools to the model, runs the tools it asks for
 * (in parallel, bounded, confirming writes), feeds the results back, and repeats until the model
 * answers, the iteration limit is hit, the turn is cancelled or a model call fails.
 *
 * @example
 * const agent = createAgent({ llm: createProxyLlm({ baseUrl: '' }), toolbox: createMcpToolbox(client), confirm });
 * const result = await agent.runTurn([...history, { role: 'user', content: 'How many orders shipped late?' }], {
 *   signal: controller.signal,
 *   onEvent: (event) => render(event),
 * });
 */
export function createAgent(options: AgentOptions): Agent {
  if (typeof options?.llm?.stream !== 'function') {
    throw new AgentError(
      'BAD_OPTIONS',
      'createAgent: llm must be an AgentLlm (createProxyLlm or createDirectLlm).',
    );
  }
  const maxIterations = requirePositiveInt(options.maxIterations, 'maxIterations', DEFAULT_MAX_ITERATIONS);
  const toolConcurrency = requirePositiveInt(
    options.toolConcurrency,
    'toolConcurrency',
    DEFAULT_TOOL_CONCURRENCY,
  );
  const { compaction } = options;
  if (compaction) {
    if (typeof compaction.compact !== 'function') {
      throw new AgentError(
        'BAD_OPTIONS',
        'createAgent: compaction.compact must be a function (messages) => Promise<messages>.',
      );
    }
    requirePositiveInt(compaction.budgetTokens, 'compaction.budgetTokens');
  }
  const needsConfirmation =
    options.needsConfirmation ??
    ((tool: AgentTool, input: Record<string, unknown>, signal: AbortSignal) =>
      confirmIfWriting(tool, input, options.toolbox, signal));
  const systemPrompt = resolveSystemPrompt(options.system);

  async function runTurn(input: readonly Message[], turnOptions: RunTurnOptions = {}): Promise<TurnResult> {
    const given: unknown = input;
    if (!Array.isArray(given))
      throw new AgentError('INVALID_HISTORY', 'runTurn: messages must be an array of messages.');
    const problem = findHistoryProblem(input);
    if (problem) throw new AgentError('INVALID_HISTORY', `runTurn: ${problem}.`);
    if (input[input.length - 1]!.role !== 'user') {
      throw new AgentError(
        'INVALID_HISTORY',
        "runTurn: the last message must be the user's (the new question).",
      );
    }

    const signal = turnOptions.signal ?? new AbortController().signal;
    const system = turnOptions.system !== undefined ? resolveSystemPrompt(turnOptions.system) : systemPrompt;
    const provider = turnOptions.provider ?? options.provider;
    const model = turnOptions.model ?? options.model;
    const handlers = [options.onEvent, turnOptions.onEvent].filter(
      (h): h is AgentEventHandler => h !== undefined,
    );
    const emit = (event: AgentEvent) => {
      for (const handler of handlers) {
        try {
          handler(event);
        } catch {
          // A failing UI handler must not leave the history half-updated.
        }
      }
    };

    // Stored conversations carry what the UI shows (tool result displays); the model never gets it.
    let history = withoutDisplays(input);
    const newMessages: Message[] = [];
    const append = (message: Message) => {
      history.push(message);
      newMessages.push(message);
      emit({ type: 'message', message });
    };
    let usage: Usage = { input_tokens: 0, output_tokens: 0 };
    let iterations = 0;
    let compacted = false;
    let tools: AgentTool[] = [];
    let toolsStale = true;

    const finish = (
      stopReason: TurnStopReason,
      extra: { error?: AgentError; notice?: string } = {},
    ): TurnResult => {
      const cancelled = stopReason === 'cancelled';
      const notice =
        extra.notice ??
        (cancelled
          ? 'The turn was cancelled; what finished before is kept.'
          : extra.error
            ? extra.error.message
            : undefined);
      if (extra.error) emit({ type: 'error', error: extra.error });
      emit({ type: 'done', stopReason, cancelled, iterations, usage, ...(notice ? { notice } : {}) });
      const lastAssistant = [...newMessages].reverse().find((m) => m.role === 'assistant');
      return {
        messages: history,
        newMessages,
        text: textOf(lastAssistant),
        stopReason,
        cancelled,
        iterations,
        usage,
        compacted,
        ...(extra.error ? { error: extra.error } : {}),
        ...(notice ? { notice } : {}),
      };
    };

    for (;;) {
      if (signal.aborted) return finish('cancelled');

      if (options.toolbox && toolsStale) {
        try {
          tools = await abortable(options.toolbox.listTools(signal), signal);
          toolsStale = false;
        } catch (error) {
          if (error instanceof Aborted || signal.aborted) return finish('cancelled');
          return finish('error', {
            error: isUnauthorized(error)
              ? new AgentError('UNAUTHORIZED', 'The MCP server refused the credentials; log in again.', {
                  upstreamCode: 'UNAUTHORIZED',
                  cause: error,
                })
              : new AgentError('TOOLS_UNAVAILABLE', `Could not list the tools: ${messageOf(error)}`, {
                  cause: error,
                }),
          });
        }
      }

      if (compaction) {
        const estimate = compaction.estimateTokens ?? estimateTokensRoughly;
        const before = estimate(history);
        const countBefore = history.length;
        if (before > compaction.budgetTokens) {
          try {
            const shorter = await abortable(
              compaction.compact([...history], {
                budgetTokens: compaction.budgetTokens,
                estimatedTokens: before,
                signal,
              }),
              signal,
            );
            const invalid = Array.isArray(shorter)
              ? findHistoryProblem(shorter)
              : 'it is not an array of messages';
            if (invalid)
              emit({ type: 'compaction_failed', message: `The compacted history is not valid: ${invalid}.` });
            else if (shorter[shorter.length - 1]!.role !== 'user') {
              emit({
                type: 'compaction_failed',
                message: "The compacted history does not end with the user's message.",
              });
            } else {
              history = shorter;
              compacted = true;
              emit({
                type: 'compacted',
                messagesBefore: countBefore,
                messagesAfter: shorter.length,
                tokensBefore: before,
                tokensAfter: estimate(shorter),
              });
            }
          } catch (error) {
            if (error instanceof Aborted || signal.aborted) return finish('cancelled');
            emit({ type: 'compaction_failed', message: `Compaction failed: ${messageOf(error)}` });
          }
        }
      }

      iterations++;
      const iteration = iterations;
      emit({ type: 'iteration_start', iteration, maxIterations });
      const definitions: ToolDefinition[] = tools.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: t.input_schema,
      }));
      const request: ChatRequest = {
        system,
        messages: history,
        ...(definitions.length > 0 ? { tools: definitions } : {}),
        ...(provider ? { provider } : {}),
        ...(model ? { model } : {}),
        ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      };
      const call = await callModel(options.llm, request, signal, (text) =>
        emit({ type: 'text', text, iteration }),
      );
      if (call.usage) {
        usage = addUsage(usage, call.usage);
        emit({ type: 'usage', usage: call.usage, iteration });
      }
      if (call.content.length > 0) append({ role: 'assistant', content: call.content });

      if (call.outcome === 'cancelled') return finish('cancelled');
      if (call.outcome === 'error') {
        const { code, message } = call.error!;
        return finish('error', {
          error:
            code === 'UNAUTHORIZED'
              ? new AgentError(
                  'UNAUTHORIZED',
                  `The LLM proxy refused the session; log in again. (${message})`,
                  {
                    upstreamCode: code,
                  },
                )
              : new AgentError('LLM_FAILED', `The model call failed (${code}): ${message}`, {
                  upstreamCode: code,
                }),
        });
      }

      const calls = call.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
      if (calls.length === 0) {
        const reason = call.stopReason;
        return finish(reason === 'max_tokens' || reason === 'stop_sequence' ? reason : 'end_turn');
      }

      const limitReached = iteration >= maxIterations;
      const outcomes = await runToolCalls(calls, {
        tools,
        toolbox: options.toolbox,
        needsConfirmation,
        confirm: options.confirm,
        limiter: createLimiter(toolConcurrency),
        signal,
        iteration,
        emit,
        ...(limitReached ? { notRunText: iterationLimitText(maxIterations) } : {}),
      });
      append({ role: 'user', content: outcomes.map((o) => o.block) });
      // A tool that may write can change what the server offers (e.g. switching connections changes annotations).
      if (outcomes.some((o) => o.ran && o.tool && mayWrite(o.tool))) toolsStale = true;

      if (signal.aborted) return finish('cancelled');
      if (limitReached) {
        return finish('iteration_limit', {
          notice: `Stopped after ${maxIterations} model calls, the limit for one turn; the last requested tool calls were not run. Ask to continue if you want the assistant to go on.`,
        });
      }
    }
  }

  return { systemPrompt, runTurn };
}

function iterationLimitText(maxIterations: number): string {
  return `Not run: the turn stopped at its limit of ${maxIterations} model calls before this call. If the user asks you to continue, call it again.`;
}

interface ToolRunContext {
  tools: AgentTool[];
  toolbox: AgentToolbox | undefined;
  needsConfirmation: (
    tool: AgentTool,
    input: Record<string, unknown>,
    signal: AbortSignal,
  ) => boolean | Promise<boolean>;
  confirm: ConfirmToolCall | undefined;
  limiter: ReturnType<typeof createLimiter>;
  signal: AbortSignal;
  iteration: number;
  emit: (event: AgentEvent) => void;
  /** Set when the iteration limit is reached: no call runs, each is answered with this text. */
  notRunText?: string;
}

interface ToolRunOutcome {
  block: ToolResultBlock;
  tool: AgentTool | undefined;
  /** The tool was actually called. */
  ran: boolean;
}

/** Runs the calls of one model answer: confirmations one at a time, tools in parallel up to the limiter. */
async function runToolCalls(calls: ToolUseBlock[], ctx: ToolRunContext): Promise<ToolRunOutcome[]> {
  const { signal, iteration, emit } = ctx;
  const byName = new Map(ctx.tools.map((t) => [t.name, t]));
  let confirmations: Promise<unknown> = Promise.resolve();

  const askConfirmation = (
    tool: AgentTool,
    call: ToolUseBlock,
    sql: string | undefined,
  ): Promise<boolean> => {
    const confirm = ctx.confirm;
    if (!confirm) return Promise.resolve(false);
    const answer = confirmations.then(async () => {
      if (signal.aborted) return false;
      return (
        (await confirm({ tool, toolUseId: call.id, input: call.input, ...(sql ? { sql } : {}), signal })) ===
        true
      );
    });
    confirmations = answer.catch(() => undefined);
    return answer;
  };

  const plans = await Promise.all(
    calls.map(async (call) => {
      const tool = byName.get(call.name);
      const needs =
        ctx.notRunText === undefined &&
        tool !== undefined &&
        !signal.aborted &&
        (await Promise.resolve(ctx.needsConfirmation(tool, call.input, signal)).catch(() => true));
      return { call, tool, sql: statementOf(call.input), needs };
    }),
  );

  const runOne = async ({ call, tool, sql, needs }: (typeof plans)[number]): Promise<ToolRunOutcome> => {
    const end = (
      status: ToolCallStatus,
      content: ToolResultBlock['content'],
      extra: { durationMs?: number; outcome?: ToolCallOutcome } = {},
    ): ToolRunOutcome => {
      const isError = status !== 'ok';
      const structured = extra.outcome?.structuredContent;
      const rowCount = rowCountOf(structured);
      emit({
        type: 'tool_call_finished',
        id: call.id,
        name: call.name,
        status,
        isError,
        durationMs: extra.durationMs ?? 0,
        ...(rowCount !== undefined ? { rowCount } : {}),
        ...(structured ? { structuredContent: structured } : {}),
        text: resultText(content),
        iteration,
      });
      return {
        block: { type: 'tool_result', tool_use_id: call.id, content, ...(isError ? { is_error: true } : {}) },
        tool,
        ran: extra.durationMs !== undefined,
      };
    };

    if (ctx.notRunText !== undefined) return end('not_run', ctx.notRunText);
    if (!tool || !ctx.toolbox) {
      const names = ctx.tools.map((t) => t.name).join(', ') || 'none';
      return end('error', `Unknown tool "${call.name}". Available tools: ${names}.`);
    }
    if (signal.aborted) return end('cancelled', 'Not run: the user cancelled the turn.');

    if (needs) {
      let approved: boolean;
      try {
        approved = await abortable(askConfirmation(tool, call, sql), signal);
      } catch (error) {
        if (error instanceof Aborted || signal.aborted)
          return end('cancelled', 'Not run: the user cancelled the turn.');
        approved = false;
      }
      if (!approved) {
        return end(
          'declined',
          ctx.confirm
            ? `The user declined this ${call.name} call, so it was not run and nothing changed. Do not retry it or work around it; ask the user what they want instead.`
            : `This ${call.name} call may change data and needs the user's confirmation, which cannot be asked here, so it was not run and nothing changed.`,
        );
      }
    }

    const slot = ctx.limiter.acquire();
    try {
      await abortable(slot, signal);
    } catch {
      void slot.then(() => ctx.limiter.release());
      return end('cancelled', 'Not run: the user cancelled the turn.');
    }
    emit({
      type: 'tool_call_started',
      id: call.id,
      name: call.name,
      input: call.input,
      ...(sql ? { sql } : {}),
      iteration,
    });
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const outcome = await abortable(ctx.toolbox.callTool(call.name, call.input, signal), signal);
      return end(outcome.isError ? 'error' : 'ok', outcome.content, { durationMs: elapsed(), outcome });
    } catch (error) {
      if (error instanceof Aborted || signal.aborted) {
        return end(
          'cancelled',
          'Cancelled by the user while it was running; it may or may not have completed.',
          {
            durationMs: elapsed(),
          },
        );
      }
      return end('error', `The tool call failed: ${messageOf(error)}`, { durationMs: elapsed() });
    } finally {
      ctx.limiter.release();
    }
  };

  for (const { call, sql, needs } of plans) {
    emit({
      type: 'tool_call_requested',
      id: call.id,
      name: call.name,
      input: call.input,
      ...(sql ? { sql } : {}),
      needsConfirmation: needs,
      iteration,
    });
  }
  return Promise.all(plans.map(runOne));
}
