import type { ChatRequest, StreamEvent } from '@pgmcp/api-contract';
import type { AgentLlm } from './agent-llm.js';

/** The request a {@link StreamingLlmClient} takes: the chat body without `provider`, plus a signal. */
export type DirectLlmRequest = Omit<ChatRequest, 'provider'> & { signal?: AbortSignal };

/** The part of an `LlmClient` from @pgmcp/llm-clients the agent uses; every LlmClient fits. */
export interface StreamingLlmClient {
  stream(request: DirectLlmRequest): AsyncIterable<StreamEvent>;
}

/** Options of {@link createDirectLlm}. */
export interface DirectLlmOptions {
  /** Model used when a request names none (else the client's own default model). */
  model?: string;
}

/**
 * An {@link AgentLlm} over an `LlmClient` that talks to a provider directly (the terminal client's
 * local mode). The request's `provider` is ignored: the client is the provider.
 *
 * @example
 * import { createLlmClient } from '@pgmcp/llm-clients';
 * const llm = createDirectLlm(createLlmClient({ provider: 'anthropic', apiKey }), { model: 'claude-sonnet-4-5' });
 */
export function createDirectLlm(client: StreamingLlmClient, options: DirectLlmOptions = {}): AgentLlm {
  return {
    stream(request, signal) {
      const { provider: _provider, model, ...rest } = request;
      const chosen = model ?? options.model;
      return client.stream({ ...rest, ...(chosen ? { model: chosen } : {}), signal });
    },
  };
}
