import { ToolError } from '@pgmcp/mcp-core';
import type { PgToolsRuntime } from '../../context.js';

/** The answer when no provider is configured: what is missing and what to do instead. */
export const NO_PROVIDER_MESSAGE =
  'No embedding provider is configured on this pgmcp server, so text cannot be turned into vectors. ' +
  'An administrator configures one (OpenAI or an OpenAI-compatible server, or Ollama, with an embedding model). ' +
  'Meanwhile similarity_search accepts a ready query_vector, and keyword search works with vector_weight 0.';

/** Embeds texts through the configured provider; failures become the model's error messages. */
export async function embedTexts(
  runtime: PgToolsRuntime,
  input: string[],
  signal: AbortSignal,
): Promise<{ embeddings: number[][]; model: string; provider: string }> {
  const embedder = runtime.embeddings;
  if (!embedder) throw new ToolError(NO_PROVIDER_MESSAGE);
  try {
    const result = await embedder.embed({ input, signal });
    return { ...result, provider: embedder.provider };
  } catch (error) {
    // llm-clients' messages are already free of keys and name the cause (rate limit, model...).
    const reason = error instanceof Error ? error.message : String(error);
    throw new ToolError(`The embedding provider (${embedder.provider}) failed: ${reason}`, { cause: error });
  }
}
