import type { ChatRequest, StreamEvent, Usage } from '@pgmcp/api-contract';
import type { AgentLlm } from './agent-llm.js';

/** One scripted model answer: the stream events to send, optionally paced, optionally never finishing. */
export interface ScriptedReply {
  events: StreamEvent[];
  /** Pause before each event, in ms. */
  delayMs?: number;
  /** After the events, never finish and ignore the abort signal (to prove the agent stops on its own). */
  hang?: boolean;
}

/** Chooses the reply from the request, for replies that depend on the tool results so far. */
export type ScriptedResponder = (
  request: ChatRequest,
  index: number,
) => ScriptedReply | Promise<ScriptedReply>;

/** An in-memory {@link AgentLlm} for tests of code that drives the agent (UI, CLI). */
export interface ScriptedLlm extends AgentLlm {
  /** Every request received, as it was at call time. */
  readonly requests: ChatRequest[];
  /** Queues replies, used in order before the responder. */
  script(...replies: ScriptedReply[]): void;
  /** Answers requests once the script is used up. */
  respond(responder: ScriptedResponder): void;
  /** How many requests saw their signal abort. */
  readonly abortedRequests: number;
}

const USAGE: Usage = { input_tokens: 10, output_tokens: 5 };

/** A text answer, streamed in `chunks` pieces. */
export function scriptedText(text: string, options: { usage?: Usage; chunks?: number } = {}): ScriptedReply {
  const chunks = Math.max(1, options.chunks ?? 1);
  const size = Math.ceil(text.length / chunks) || 1;
  const events: StreamEvent[] = [];
  for (let i = 0; i < text.length; i += size) events.push({ type: 'text', text: text.slice(i, i + size) });
  events.push({ type: 'done', stop_reason: 'end_turn', usage: options.usage ?? USAGE });
  return { events };
}

/** Tool calls (after optional text); ids default to `call_<name>_<n>`. */
export function scriptedToolCalls(
  calls: { name: string; input?: Record<string, unknown>; id?: string }[],
  options: { text?: string; usage?: Usage } = {},
): ScriptedReply {
  const events: StreamEvent[] = options.text ? [{ type: 'text', text: options.text }] : [];
  calls.forEach((call, n) => {
    const id = call.id ?? `call_${call.name}_${n}`;
    const input = call.input ?? {};
    events.push(
      { type: 'tool_use_start', id, name: call.name },
      { type: 'tool_use_delta', id, partial_json: JSON.stringify(input) },
      { type: 'tool_use_end', id, input },
    );
  });
  events.push({ type: 'done', stop_reason: 'tool_use', usage: options.usage ?? USAGE });
  return { events };
}

/** A failed model call. */
export function scriptedError(
  code: string,
  message: string,
  options: { textBefore?: string } = {},
): ScriptedReply {
  return {
    events: [
      ...(options.textBefore ? [{ type: 'text' as const, text: options.textBefore }] : []),
      { type: 'error', code, message },
    ],
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Creates a {@link ScriptedLlm}. Like a real LlmClient it never throws: a request with no reply left
 * gets an `error` event saying so, and an aborted call ends with a `CANCELLED` error event.
 *
 * @example
 * const llm = createScriptedLlm();
 * llm.script(scriptedToolCalls([{ name: 'get_schema_info' }]), scriptedText('There are 3 tables.'));
 */
export function createScriptedLlm(
  options: { replies?: ScriptedReply[]; responder?: ScriptedResponder } = {},
): ScriptedLlm {
  const queue = [...(options.replies ?? [])];
  let responder = options.responder;
  const requests: ChatRequest[] = [];
  let aborted = 0;
  return {
    requests,
    get abortedRequests() {
      return aborted;
    },
    script(...replies) {
      queue.push(...replies);
    },
    respond(next) {
      responder = next;
    },
    async *stream(request, signal) {
      const index = requests.length;
      requests.push(structuredClone(request));
      signal.addEventListener('abort', () => aborted++, { once: true });
      const reply = queue.shift() ?? (responder ? await responder(request, index) : undefined);
      if (!reply) {
        yield {
          type: 'error',
          code: 'NO_REPLY',
          message: `The scripted LLM has no reply for request ${index}.`,
        };
        return;
      }
      for (const event of reply.events) {
        if (reply.delayMs) await sleep(reply.delayMs, signal);
        if (signal.aborted && !reply.hang) {
          yield { type: 'error', code: 'CANCELLED', message: 'The model call was cancelled.' };
          return;
        }
        yield event;
      }
      if (reply.hang) await new Promise<never>(() => undefined);
    },
  };
}
