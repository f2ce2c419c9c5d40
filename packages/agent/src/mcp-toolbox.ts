import type { CallToolResult, Client, Tool } from '@modelcontextprotocol/client';
import type { ImageBlock, TextBlock } from '@pgmcp/api-contract';
import type { AgentTool, AgentToolbox, ToolCallOutcome } from './toolbox.js';

/** The part of the official MCP `Client` the toolbox uses. */
export type McpToolClient = Pick<Client, 'listTools' | 'callTool'>;

/** Options of {@link createMcpToolbox}. */
export interface McpToolboxOptions {
  /** Per-call time limit in ms, passed to the SDK (its default is 60 s). */
  toolTimeoutMs?: number;
  /** Keeps only the tools this returns true for (e.g. hide `read_resource` from the model). */
  filter?: (tool: AgentTool) => boolean;
}

type McpContent = CallToolResult['content'][number];

function toBlock(item: McpContent): TextBlock | ImageBlock {
  switch (item.type) {
    case 'text':
      return { type: 'text', text: item.text };
    case 'image':
      return { type: 'image', source: { type: 'base64', media_type: item.mimeType, data: item.data } };
    case 'audio':
      return { type: 'text', text: `[audio (${item.mimeType}) left out]` };
    case 'resource_link':
      return {
        type: 'text',
        text: `Resource link: ${item.uri}${item.description ? ` — ${item.description}` : ''}`,
      };
    case 'resource':
      return 'text' in item.resource
        ? { type: 'text', text: `Resource ${item.resource.uri}:\n${item.resource.text}` }
        : { type: 'text', text: `[binary resource ${item.resource.uri} left out]` };
    default:
      return { type: 'text', text: '[content of an unknown type left out]' };
  }
}

/** Converts an MCP CallToolResult into what a tool_result block carries. */
export function toToolCallOutcome(result: CallToolResult): ToolCallOutcome {
  const blocks = (result.content ?? []).map(toBlock);
  const structured = result.structuredContent as Record<string, unknown> | undefined;
  let content: ToolCallOutcome['content'];
  if (blocks.every((b) => b.type === 'text')) {
    const text = blocks.map((b) => b.text).join('\n');
    content = text !== '' ? text : structured ? JSON.stringify(structured) : '(no output)';
  } else {
    content = blocks;
  }
  return {
    content,
    isError: result.isError === true,
    ...(structured ? { structuredContent: structured } : {}),
  };
}

function toAgentTool(tool: Tool): AgentTool {
  const annotations = tool.annotations ?? {};
  return {
    name: tool.name,
    description: tool.description ?? '',
    input_schema: tool.inputSchema,
    ...((tool.title ?? annotations.title) ? { title: tool.title ?? annotations.title } : {}),
    annotations: {
      ...(annotations.title !== undefined ? { title: annotations.title } : {}),
      ...(annotations.readOnlyHint !== undefined ? { readOnlyHint: annotations.readOnlyHint } : {}),
      ...(annotations.destructiveHint !== undefined ? { destructiveHint: annotations.destructiveHint } : {}),
      ...(annotations.idempotentHint !== undefined ? { idempotentHint: annotations.idempotentHint } : {}),
      ...(annotations.openWorldHint !== undefined ? { openWorldHint: annotations.openWorldHint } : {}),
    },
  };
}

/**
 * An {@link AgentToolbox} over a connected official MCP `Client` (Streamable HTTP or stdio): lists the
 * server's tools (every page) and calls them with the turn's signal, so cancelling a turn cancels them.
 *
 * @example
 * const client = new Client({ name: 'pgmcp-web', version: '1' });
 * await client.connect(new StreamableHTTPClientTransport(new URL('/mcp/v1', location.href)));
 * const toolbox = createMcpToolbox(client);
 */
export function createMcpToolbox(client: McpToolClient, options: McpToolboxOptions = {}): AgentToolbox {
  /** Whether the server offers pgmcp's test_query, learnt from the last tool list. */
  let canTestQueries = false;
  return {
    async listTools(signal) {
      const { tools } = await client.listTools(undefined, { signal });
      canTestQueries = tools.some((t) => t.name === 'test_query');
      const converted = tools.map(toAgentTool);
      return options.filter ? converted.filter(options.filter) : converted;
    },
    async statementWrites(sql, signal) {
      if (!canTestQueries) return undefined;
      // test_query parses (and plans) without running anything.
      const result = await client.callTool({ name: 'test_query', arguments: { query: sql } }, { signal });
      const writes = (result.structuredContent as { writes?: unknown } | undefined)?.writes;
      return result.isError || typeof writes !== 'boolean' ? undefined : writes;
    },
    async callTool(name, input, signal) {
      const result = await client.callTool(
        { name, arguments: input },
        { signal, ...(options.toolTimeoutMs !== undefined ? { timeout: options.toolTimeoutMs } : {}) },
      );
      return toToolCallOutcome(result);
    },
  };
}
