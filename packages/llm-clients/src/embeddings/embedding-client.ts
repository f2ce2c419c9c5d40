/** One embedding call: texts in, one vector per text out. */
export interface EmbeddingRequest {
  /** The texts to embed (at least one). */
  input: string[];
  /** Model id; the client's `defaultModel` when omitted. */
  model?: string;
  /** Ask the model for vectors of this size, where it supports shortening (OpenAI text-embedding-3, some Ollama models). */
  dimensions?: number;
  /** Cancels the call, including retries. */
  signal?: AbortSignal;
}

/** The vectors of an {@link EmbeddingRequest}, in input order. */
export interface EmbeddingResult {
  embeddings: number[][];
  /** The model that answered, as the provider reports it. */
  model: string;
  /** Prompt tokens, where the provider reports them. */
  usage?: { input_tokens: number };
}

/** One interface over every embedding provider. */
export interface EmbeddingClient {
  /** Provider name, e.g. "openai" or "ollama". */
  readonly provider: string;
  /** Model used when a request names none, if configured. */
  readonly defaultModel?: string;
  /** Resolves with one vector per input text or rejects with an `LlmClientError`. */
  embed(request: EmbeddingRequest): Promise<EmbeddingResult>;
}
