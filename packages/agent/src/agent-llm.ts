import type { ChatRequest, StreamEvent } from '@pgmcp/api-contract';

/**
 * What the agent needs from a model: one streamed call. Like `LlmClient.stream`, it never throws;
 * failures arrive as one `error` event, and a normal answer ends with one `done` event.
 */
export interface AgentLlm {
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}
