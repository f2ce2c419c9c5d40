import type { McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import type { PgToolsRuntime, PgToolsState } from '../../context.js';
import { embedTexts } from './embed-text.js';
import { vectorLiteral } from './hybrid-ranking.js';

/** Longest text generate_embedding accepts, in characters (models cut far earlier). */
const MAX_TEXT = 32_000;

/** Registers `generate_embedding`. */
export function registerGenerateEmbedding<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
): void {
  registry.addTool({
    name: 'generate_embedding',
    title: 'Turn text into an embedding vector',
    description: `Turn a text into an embedding vector with the server's configured embedding model. The answer gives the model, the dimensions and the vector in pgvector's text form, ready for SQL such as ORDER BY embedding <=> '[…]'::vector.

Use similarity_search for searching a table (it embeds the query itself); use this for custom SQL with pgvector operators, or to compare texts. The column's vectors must come from the same model.

Example: {"text": "waterproof hiking boots"}`,
    annotations: { readOnlyHint: true, openWorldHint: true },
    input: z.object({
      text: z
        .string()
        .min(1, 'must not be empty')
        .max(MAX_TEXT, `is longer than ${MAX_TEXT} characters; embed a shorter passage`)
        .describe('The text to embed.'),
    }),
    handler: async (args, context) => {
      const { embeddings, model, provider } = await embedTexts(runtime, [args.text], context.signal);
      const embedding = embeddings[0] ?? [];
      const literal = vectorLiteral(embedding);
      return {
        content: [
          {
            type: 'text',
            text: `Embedding of ${args.text.length} characters by ${provider} model ${model}: ${embedding.length} dimensions.\n${literal}`,
          },
        ],
        structuredContent: { provider, model, dimensions: embedding.length, embedding },
      };
    },
  });
}
