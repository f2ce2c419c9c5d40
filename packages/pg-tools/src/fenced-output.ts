import { type CallToolResult, fenceUntrusted, type McpRegistry } from '@pgmcp/mcp-core';

/**
 * Fences the text of one tool answer as data. Database content reaches the model only through
 * these answers, and pgmcp cannot tell which part of a rendered answer quotes a row, a comment or
 * a setting, so the whole text is fenced with a marker drawn for this call.
 */
export function fenceToolResult(tool: string, result: CallToolResult): CallToolResult {
  return {
    ...result,
    content: result.content.map((block) =>
      block.type === 'text'
        ? { ...block, text: fenceUntrusted(block.text, { source: `the database (${tool})` }) }
        : block,
    ),
  };
}

/**
 * The registry as pg-tools' registration sees it: every tool's answer is fenced as data (errors
 * quoting the database are fenced where they are described, see describeFailure).
 */
export function fencedRegistry<S>(registry: McpRegistry<S>): McpRegistry<S> {
  return {
    ...registry,
    addTool(spec) {
      registry.addTool({
        ...spec,
        handler: async (args, context) => fenceToolResult(spec.name, await spec.handler(args, context)),
      });
    },
  };
}
