export { McpCoreError, McpLimitError, ToolError, toolErrorResult, type McpCoreErrorCode } from './errors.js';
export {
  askToConfirm,
  confirmationAnswer,
  InputRequiredSignal,
  type ConfirmationAnswer,
} from './input-required.js';
export { createMcpRegistry, formatIssues, type McpRegistry, type McpRegistryOptions } from './registry.js';
export {
  fenceUntrusted,
  findFences,
  stripFences,
  UNTRUSTED_MARKER_PREFIX,
  type FenceOptions,
  type FoundFence,
} from './untrusted.js';
export {
  createMcpHttpHandler,
  serveMcpStdio,
  type McpHttpHandler,
  type McpHttpHandlerOptions,
  type ResolvedContext,
} from './transports.js';
export type {
  Authorizer,
  Contextual,
  InputChannel,
  McpCallReport,
  McpContext,
  McpItemKind,
  Principal,
  PromptSpec,
  ResourceSpec,
  ServerIdentity,
  ToolSpec,
} from './types.js';
export type { CallToolResult, GetPromptResult, ToolAnnotations } from '@modelcontextprotocol/server';
