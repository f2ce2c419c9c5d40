import { z } from 'zod';

/**
 * The provider-neutral chat message model (DESIGN.md §5.1), shared by the LLM proxy, the
 * agent loop, compaction and stored conversations. Anthropic-style content blocks.
 */

/** Plain text. */
export const TextBlockSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
});
export type TextBlock = z.infer<typeof TextBlockSchema>;

/** The model asks for a tool call; `input` is the parsed JSON arguments. */
export const ToolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export type ToolUseBlock = z.infer<typeof ToolUseBlockSchema>;

/** A base64 image. */
export const ImageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.object({
    type: z.literal('base64'),
    media_type: z.string().min(1),
    data: z.string(),
  }),
});
export type ImageBlock = z.infer<typeof ImageBlockSchema>;

/**
 * What a client needs to show a tool result again as it looked live, stored with the conversation:
 * the tool's structured result (e.g. query_database's `{columns, rows, row_count, truncated,
 * next_offset}`) and how long the call took. For people only: never sent to a model.
 */
export const ToolResultDisplaySchema = z.object({
  structured: z.record(z.string(), z.unknown()).optional(),
  duration_ms: z.number().nonnegative().optional(),
});
export type ToolResultDisplay = z.infer<typeof ToolResultDisplaySchema>;

/** The result of a tool call, answering the tool_use with the same id. */
export const ToolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema]))]),
  is_error: z.boolean().optional(),
  display: ToolResultDisplaySchema.optional(),
});
export type ToolResultBlock = z.infer<typeof ToolResultBlockSchema>;

/** Any content block. */
export const BlockSchema = z.discriminatedUnion('type', [
  TextBlockSchema,
  ToolUseBlockSchema,
  ToolResultBlockSchema,
  ImageBlockSchema,
]);
export type Block = z.infer<typeof BlockSchema>;

/** One chat message. The system prompt travels separately. */
export const MessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(BlockSchema)]),
});
export type Message = z.infer<typeof MessageSchema>;

/** A tool the model may call, straight from MCP `tools/list` (name, description, JSON Schema). */
export const ToolDefinitionSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  input_schema: z.record(z.string(), z.unknown()),
});
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;

/** How the model may pick tools. */
export const ToolChoiceSchema = z.union([
  z.object({ type: z.literal('auto') }),
  z.object({ type: z.literal('any') }),
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('tool'), name: z.string().min(1) }),
]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

/** Why the model stopped. */
export const StopReasonSchema = z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence']);
export type StopReason = z.infer<typeof StopReasonSchema>;

/** Token usage of one model call. */
export const UsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative().optional(),
  cache_write_tokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** Body of `POST /api/v1/llm/chat` and `/api/v1/llm/chat/stream`. */
export const ChatRequestSchema = z.object({
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  system: z.string().optional(),
  messages: z.array(MessageSchema).min(1),
  tools: z.array(ToolDefinitionSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  max_tokens: z.number().int().positive().max(200_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** Answer of `POST /api/v1/llm/chat`. */
export const ChatResponseSchema = z.object({
  content: z.array(BlockSchema),
  stop_reason: StopReasonSchema,
  usage: UsageSchema,
  provider: z.string(),
  model: z.string(),
});
export type ChatResponse = z.infer<typeof ChatResponseSchema>;

/** Server-sent events of `POST /api/v1/llm/chat/stream`; the SSE event name is `type`. */
export const StreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use_start'), id: z.string(), name: z.string() }),
  z.object({ type: z.literal('tool_use_delta'), id: z.string(), partial_json: z.string() }),
  z.object({ type: z.literal('tool_use_end'), id: z.string(), input: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('done'), stop_reason: StopReasonSchema, usage: UsageSchema }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type StreamEvent = z.infer<typeof StreamEventSchema>;
