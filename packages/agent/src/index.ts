// The tool-use loop.
export {
  createAgent,
  estimateTokensRoughly,
  type Agent,
  type AgentOptions,
  type CompactHistory,
  type CompactionOptions,
  type ConfirmationRequest,
  type ConfirmToolCall,
  type RunTurnOptions,
  type TurnResult,
} from './agent.js';
export type { AgentEvent, AgentEventHandler, ToolCallStatus, TurnStopReason } from './events.js';
export { DEFAULT_SYSTEM_PROMPT, resolveSystemPrompt, type SystemPromptOption } from './system-prompt.js';
export { findHistoryProblem } from './history.js';
export { DISPLAY_MAX_BYTES, toolResultDisplay, withDisplays, withoutDisplays } from './display.js';

// Models: pgmcp's LLM proxy (browser, CLI against a server) or an LlmClient (CLI local mode).
export type { AgentLlm } from './agent-llm.js';
export { createProxyLlm, PROXY_STREAM_PATH, type ProxyLlmOptions } from './proxy-llm.js';
export {
  createDirectLlm,
  type DirectLlmOptions,
  type DirectLlmRequest,
  type StreamingLlmClient,
} from './direct-llm.js';
export { createSseParser, type SseMessage, type SseParser } from './sse.js';

// Tools: an MCP server through the official SDK client.
export {
  confirmIfWriting,
  mayWrite,
  resultText,
  rowCountOf,
  statementOf,
  type AgentTool,
  type AgentToolAnnotations,
  type AgentToolbox,
  type ToolCallOutcome,
} from './toolbox.js';
export {
  createMcpToolbox,
  toToolCallOutcome,
  type McpToolboxOptions,
  type McpToolClient,
} from './mcp-toolbox.js';
export { connectMcpClient, isUnauthorized, type McpConnectOptions } from './connect-mcp.js';

// Errors.
export { AgentError, isAgentError, type AgentErrorCode } from './errors.js';

// Chat policy shared by the web and terminal clients: when to compact, the fallback, usage totals.
export {
  addUsage,
  chatTokenEstimator,
  compactionBudget,
  counterTypeFor,
  COMPACTION_POLICY,
  compactWithFallback,
  NO_USAGE,
  recordTurn,
  type CompactionBudget,
  type CompactionOutcome,
  type UsageTotals,
} from './chat-policy.js';
