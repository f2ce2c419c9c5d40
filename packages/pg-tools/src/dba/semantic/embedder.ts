/**
 * What the semantic tools need from an embedding provider. `@pgmcp/llm-clients`'
 * `createEmbeddingClient()` returns one; any object of this shape will do.
 */
export interface PgToolsEmbedder {
  /** Provider name for messages, e.g. "openai" or "ollama". */
  readonly provider: string;
  /** The model used when a request names none. */
  readonly defaultModel?: string;
  /** One vector per input text, in order. */
  embed(request: {
    input: string[];
    model?: string;
    signal?: AbortSignal;
  }): Promise<{ embeddings: number[][]; model: string }>;
}
