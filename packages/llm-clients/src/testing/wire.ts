import type { Message, StopReason, ToolDefinition } from '@pgmcp/api-contract';
import type { FakeErrorReply, FakeMessageReply, FakeToolCall, FakeUsage } from './replies.js';

/** A model a fake provider lists. */
export interface FakeModel {
  id: string;
  /** Context window the provider reports (Anthropic `max_input_tokens`, Ollama `context_length`, OpenAI-compatible `context_length`). */
  context_window?: number;
  /** False for embedding/speech/image models (Anthropic lists them as retired, Ollama as `embedding`). Default true. */
  chat?: boolean;
}

/** A chat request as the fake understood it, in the neutral message model (best effort). */
export interface ChatView {
  model: string;
  system?: string;
  messages: Message[];
  tools: ToolDefinition[];
  stream: boolean;
}

/** What a wire module needs to render one answer. */
export interface RenderContext {
  model: string;
  /** The parsed request body. */
  body: Record<string, unknown>;
  /** A new id with a prefix, unique within the fake. */
  nextId: (prefix: string) => string;
}

/** An HTTP answer: status, headers and body chunks written in order. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  chunks: string[];
}

/** One provider's HTTP wire format, as the fake server speaks it. */
export interface ProviderWire {
  /** Path the client's baseUrl carries ('' or '/v1'). */
  basePath: string;
  /** Content type of streamed answers. */
  streamContentType: string;
  route(method: string, path: string): 'chat' | 'models' | 'show' | undefined;
  /** The key the request presents, if any. */
  presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined;
  /** 401 for a wrong key; echoes the key back like real providers sometimes do. */
  authError(presented: string | undefined): WireResponse;
  /** The provider's answer for an unknown path or model. */
  notFound(message: string): WireResponse;
  error(reply: FakeErrorReply): WireResponse;
  /** The provider's in-stream error chunk. */
  streamError(reply: FakeErrorReply): string;
  /** The opening chunks of a streamed text answer, cut off before it ends. */
  streamPrefix(text: string, ctx: RenderContext): string[];
  decode(body: Record<string, unknown>): ChatView;
  json(reply: FakeMessageReply, ctx: RenderContext): unknown;
  stream(reply: FakeMessageReply, ctx: RenderContext): WireResponse;
  models(models: FakeModel[]): unknown;
  /** Ollama's /api/show; others never route here. */
  show?(models: FakeModel[], body: Record<string, unknown>): WireResponse;
}

/** Cuts a text into pieces of `size` characters (at least one piece, even for ''). */
export function pieces(text: string, size: number): string[] {
  if (text === '') return [];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, size)) out.push(text.slice(i, i + Math.max(1, size)));
  return out;
}

/** The argument text a tool call sends. */
export function argumentsOf(call: FakeToolCall): string {
  return call.rawArguments ?? JSON.stringify(call.input ?? {});
}

/** The neutral stop reason of a scripted reply. */
export function stopReasonOf(reply: FakeMessageReply): StopReason {
  return reply.stopReason ?? ((reply.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn');
}

/** Usage with defaults filled in. */
export function usageOf(
  reply: FakeMessageReply,
): Required<Pick<FakeUsage, 'input_tokens' | 'output_tokens'>> & FakeUsage {
  return { input_tokens: 10, output_tokens: 5, ...reply.usage };
}

/** JSON response headers. */
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** A JSON answer. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): WireResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, chunks: [JSON.stringify(body)] };
}

/** Reads `Authorization: Bearer <key>`. */
export function bearerKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers.authorization;
  const match = typeof value === 'string' ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match?.[1];
}

/** A string field of a JSON object, if it is one. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An array field of a JSON object (empty if absent). */
export function arr(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}
