import { type AgentEvent, isAgentError } from '@pgmcp/agent';
import type { Message } from '@pgmcp/api-contract';
import type { Style } from './ansi.js';
import type { ChatSession, CompactionReport } from './chat-session.js';
import { confirmWrite } from './interactive.js';
import type { Terminal } from './terminal.js';
import { createTurnView, describeCompaction, type TurnView } from './turn-view.js';

/** One tool call of a turn, as `--json` prints it. */
interface JsonToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  sql?: string;
  needs_confirmation: boolean;
  status?: string;
  is_error?: boolean;
  duration_ms?: number;
  row_count?: number;
  result?: string;
  structured_content?: Record<string, unknown>;
}

/** Options of {@link runOneShot}. */
export interface OneShotOptions {
  session: ChatSession;
  question: string;
  json: boolean;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  /** How stdout is drawn: a terminal gets the streamed, rendered view; anything else only the answer. */
  stdout: { style: Style; isTTY: boolean; width: () => number };
  /** Tool activity on stderr (--verbose, or stderr is a terminal while stdout is not). */
  activity?: { style: Style; width: () => number };
  /** A terminal to ask y/N on before statements that write; without one they are declined. */
  terminal?: Terminal;
  autoApprove: boolean;
  previewRows: number;
}

/** Asks one question, prints the answer (or the whole turn as JSON) and resolves with the exit code. */
export async function runOneShot(options: OneShotOptions): Promise<number> {
  const { session, out, err } = options;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);

  let view: TurnView | undefined;
  if (!options.json && options.stdout.isTTY) {
    view = createTurnView({
      write: (text) => out.write(text),
      style: options.stdout.style,
      width: options.stdout.width,
      live: true,
      previewRows: options.previewRows,
      showErrors: false,
    });
  } else if (options.activity) {
    view = createTurnView({
      write: (text) => err.write(text),
      style: options.activity.style,
      width: options.activity.width,
      live: false,
      previewRows: 0,
      showText: false,
      showErrors: false,
    });
  }

  const calls = new Map<string, JsonToolCall>();
  let declinedForLackOfTerminal = 0;
  const compactions: CompactionReport[] = [];
  const onEvent = (event: AgentEvent) => {
    view?.onEvent(event);
    if (event.type === 'tool_call_requested') {
      calls.set(event.id, {
        id: event.id,
        name: event.name,
        input: event.input,
        ...(event.sql !== undefined ? { sql: event.sql } : {}),
        needs_confirmation: event.needsConfirmation,
      });
    } else if (event.type === 'tool_call_finished') {
      const call = calls.get(event.id);
      if (!call) return;
      Object.assign(call, {
        status: event.status,
        is_error: event.isError,
        duration_ms: Math.round(event.durationMs),
        ...(event.rowCount !== undefined ? { row_count: event.rowCount } : {}),
        result: event.text,
        ...(event.structuredContent ? { structured_content: event.structuredContent } : {}),
      });
    }
  };

  view?.start();
  const question: Message = { role: 'user', content: options.question };
  const outcome = await session
    .runTurn([question], {
      signal: controller.signal,
      onEvent,
      onCompaction: (report) => {
        compactions.push(report);
        view?.onCompaction(report);
      },
      confirm: async (request) => {
        if (options.autoApprove) return true;
        if (!options.terminal || !view) {
          declinedForLackOfTerminal++;
          return false;
        }
        options.terminal.start();
        try {
          return await confirmWrite(
            request,
            view,
            options.terminal,
            options.stdout.style,
            session.settings.database,
            onSignal,
          );
        } finally {
          options.terminal.stop();
        }
      },
    })
    .finally(() => process.off('SIGINT', onSignal));
  const { result } = outcome;
  if (view) view.finish(outcome);

  if (options.json) {
    const body = {
      question: options.question,
      answer: result.text,
      stop_reason: result.stopReason,
      provider: session.settings.provider,
      model: session.settings.model || null,
      database: session.settings.database ?? null,
      tool_calls: [...calls.values()],
      messages: [question, ...result.newMessages],
      usage: result.usage,
      iterations: result.iterations,
      compactions: compactions.map(({ response, ...report }) => ({
        ...report,
        ...(response ? { compaction_info: response.compaction_info } : {}),
      })),
      conversation_id: outcome.savedAs ?? session.conversation?.id ?? null,
      ...(result.error
        ? {
            error: {
              code: result.error.code,
              upstream_code: result.error.upstreamCode ?? null,
              message: result.error.message,
            },
          }
        : {}),
      ...(result.notice ? { notice: result.notice } : {}),
    };
    out.write(`${JSON.stringify(body, null, 2)}\n`);
  } else if (!options.stdout.isTTY && result.text.trim() !== '') {
    out.write(`${result.text.trim()}\n`);
  }

  if (!view) for (const report of compactions) err.write(`pgmcp: ${describeCompaction(report)}\n`);
  if (declinedForLackOfTerminal > 0) {
    err.write(
      `pgmcp: ${declinedForLackOfTerminal} statement${declinedForLackOfTerminal === 1 ? ' that writes was' : 's that write were'} declined: there is no terminal to ask on. Pass --yes to allow writes in scripts.\n`,
    );
  }
  if (outcome.saveError) err.write(`pgmcp: warning: the conversation was not saved: ${outcome.saveError}\n`);
  if (result.cancelled) {
    err.write('pgmcp: cancelled.\n');
    return 130;
  }
  if (result.error) {
    const hint = isAgentError(result.error, 'UNAUTHORIZED')
      ? session.backend.mode === 'server'
        ? ` Log in again: run \`pgmcp chat --server ${session.backend.settingsKey}\` on a terminal, or pass a valid API token with --token.`
        : ''
      : '';
    err.write(`pgmcp: ${result.error.message}${hint}\n`);
    return 1;
  }
  if (result.stopReason === 'iteration_limit') {
    err.write(`pgmcp: ${result.notice ?? 'the turn stopped at its limit.'}\n`);
    return 1;
  }
  if (result.stopReason === 'max_tokens')
    err.write("pgmcp: warning: the answer was cut at the model's output limit.\n");
  return 0;
}
