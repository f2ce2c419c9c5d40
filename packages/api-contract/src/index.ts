// Chat message model shared by the LLM proxy, agent, compaction and conversations.
export {
  BlockSchema,
  ChatRequestSchema,
  ChatResponseSchema,
  ImageBlockSchema,
  MessageSchema,
  StopReasonSchema,
  StreamEventSchema,
  TextBlockSchema,
  ToolChoiceSchema,
  ToolDefinitionSchema,
  ToolResultBlockSchema,
  ToolUseBlockSchema,
  UsageSchema,
  type Block,
  type ChatRequest,
  type ChatResponse,
  type ImageBlock,
  type Message,
  type StopReason,
  type StreamEvent,
  type TextBlock,
  type ToolChoice,
  type ToolDefinition,
  type ToolResultBlock,
  type ToolUseBlock,
  type Usage,
} from './messages.js';

// Error bodies.
export { ErrorBodySchema, type ErrorBody } from './errors.js';
