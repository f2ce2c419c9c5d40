import type {
  Block,
  Message,
  StopReason,
  StreamEvent,
  ToolChoice,
  ToolDefinition,
  Usage,
} from '@pgmcp/api-contract';

/** One model call, provider-neutral. */
export interface LlmChatRequest {
  /** Model id as the provider names it; the client's `defaultModel` when omitted. */
  model?: string;
  system?: string;
  messages: Message[];
  /** Tools straight from MCP `tools/list`; kept in the given order (stable order keeps prompt caches warm). */
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  /** Output token limit; the client's `defaultMaxTokens` (4096) when omitted. */
  max_tokens?: number;
  temperature?: number;
  /** Cancels the call, including retries and an open stream. */
  signal?: AbortSignal;
}

/** The answer of a non-streaming call. */
export interface LlmChatResult {
  content: Block[];
  stop_reason: StopReason;
  usage: Usage;
  /** The model that answered, as the provider reports it. */
  model: string;
}

/** A chat-capable model. */
export interface LlmModel {
  id: string;
  /** Context window in tokens, where the provider says it. */
  context_window?: number;
}

/** One interface over every provider. */
export interface LlmClient {
  /** Provider name, e.g. "anthropic", "openai", "ollama". */
  readonly provider: string;
  /** Model used when a request names none, if configured. */
  readonly defaultModel?: string;
  /** One model call; resolves with the whole answer or rejects with an `LlmClientError`. */
  chat(request: LlmChatRequest): Promise<LlmChatResult>;
  /** Text deltas, tool-use start/delta/end, then exactly one `done` (or an `error`) event. */
  stream(request: LlmChatRequest): AsyncIterable<StreamEvent>;
  /** Chat-capable models only (no embedding, TTS or image models). */
  listModels(options?: { signal?: AbortSignal }): Promise<LlmModel[]>;
}
