import type { StopReason } from '@pgmcp/api-contract';

/** A tool call the fake model makes. */
export interface FakeToolCall {
  name: string;
  input?: Record<string, unknown>;
  /** Call id; the fake makes one up when omitted (Ollama sends none unless given). */
  id?: string;
  /** Exact argument text to send instead of `JSON.stringify(input)`, e.g. invalid JSON. */
  rawArguments?: string;
}

/** How a streamed reply is cut into chunks on the wire. */
export interface StreamShape {
  /** Characters per text delta. Default 8. */
  textChunkSize?: number;
  /** Characters per tool-argument delta. Default 10. */
  argsChunkSize?: number;
  /** OpenAI wire: each call arrives whole in one chunk, arguments included (Gemini's OpenAI endpoint does this). */
  argsInFirstChunk?: boolean;
  /** OpenAI wire: open every call first, then send their argument pieces round-robin. */
  interleaveToolCalls?: boolean;
  /** OpenAI wire: leave `index` out of tool call deltas, as some servers do. */
  omitToolCallIndex?: boolean;
  /** Pause between chunks, in milliseconds. */
  delayMs?: number;
  /** Send only this many chunks, then keep the connection open without writing (timeouts, cancellation). */
  hangAfterChunks?: number;
}

/** Token counts in the neutral sense: `input_tokens` includes cached tokens. */
export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
}

/** A successful model answer: text and/or tool calls, as JSON or as a stream (whatever was asked). */
export interface FakeMessageReply {
  kind: 'message';
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Default `tool_use` when there are tool calls, else `end_turn`. */
  stopReason?: StopReason;
  /** Exact stop/finish reason to put on the wire instead, e.g. OpenAI `stop` despite tool calls (Gemini). */
  wireStopReason?: string;
  /** Default input 10, output 5. */
  usage?: FakeUsage;
  /** Model named in the answer; default the requested one. */
  model?: string;
  /** Wait before answering, in milliseconds. */
  delayMs?: number;
  stream?: StreamShape;
}

/** A refusal in the provider's error format. */
export interface FakeErrorReply {
  kind: 'error';
  status: number;
  message: string;
  /** Provider error type (default derived from status, e.g. Anthropic `rate_limit_error`). */
  type?: string;
  /** OpenAI error code, e.g. `context_length_exceeded`. */
  code?: string;
  headers?: Record<string, string>;
  /** For stream requests: answer 200, then send the error inside the stream. */
  midStream?: boolean;
  /** With `midStream`: text streamed before the error (an error before any content may be retried). */
  partialText?: string;
  /** Exact JSON body instead of the provider-shaped one. */
  body?: unknown;
}

/** Accepts the request and never answers. */
export interface FakeHangReply {
  kind: 'hang';
}

/** Closes the connection without any answer. */
export interface FakeDisconnectReply {
  kind: 'disconnect';
}

/** Exact bytes on the wire, for shapes the other replies cannot express. */
export interface FakeRawReply {
  kind: 'raw';
  status?: number;
  headers?: Record<string, string>;
  chunks: string[];
  delayMs?: number;
}

/** One scripted answer of a fake provider. */
export type FakeReply =
  FakeMessageReply | FakeErrorReply | FakeHangReply | FakeDisconnectReply | FakeRawReply;

type MessageOptions = Omit<FakeMessageReply, 'kind' | 'toolCalls' | 'text'>;

/** A plain text answer. */
export function textReply(text: string, options: MessageOptions = {}): FakeMessageReply {
  return { kind: 'message', text, ...options };
}

/** An answer that calls one or more tools, optionally with text before the calls. */
export function toolCallReply(
  calls: FakeToolCall | FakeToolCall[],
  options: MessageOptions & { text?: string } = {},
): FakeMessageReply {
  return { kind: 'message', toolCalls: Array.isArray(calls) ? calls : [calls], ...options };
}

/** An HTTP error in the provider's format. */
export function errorReply(
  status: number,
  message: string,
  options: Omit<FakeErrorReply, 'kind' | 'status' | 'message'> = {},
): FakeErrorReply {
  return { kind: 'error', status, message, ...options };
}

/** A 429 that asks the client to wait `retryAfterSeconds` (the `retry-after` header). */
export function rateLimitReply(
  retryAfterSeconds: number,
  message = 'Rate limit reached, slow down.',
): FakeErrorReply {
  return errorReply(429, message, { headers: { 'retry-after': String(retryAfterSeconds) } });
}

/** Never answers; the client's timeout or cancellation has to end the request. */
export function hangReply(): FakeHangReply {
  return { kind: 'hang' };
}

/** Drops the connection without answering. */
export function disconnectReply(): FakeDisconnectReply {
  return { kind: 'disconnect' };
}

/** Sends exactly these chunks. */
export function rawReply(
  chunks: string[],
  options: Omit<FakeRawReply, 'kind' | 'chunks'> = {},
): FakeRawReply {
  return { kind: 'raw', chunks, ...options };
}
