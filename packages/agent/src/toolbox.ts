import { stripFences } from '@pgmcp/mcp-core/untrusted';
import type { ToolDefinition, ToolResultBlock } from '@pgmcp/api-contract';

/** MCP tool annotations the agent reads (hints from the server; pgmcp's are truthful). */
export interface AgentToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** A tool the model may call: its definition for the model plus what the agent needs to decide on confirmation. */
export interface AgentTool extends ToolDefinition {
  title?: string;
  annotations: AgentToolAnnotations;
}

/** The result of one tool call, ready for a tool_result block. */
export interface ToolCallOutcome {
  /** What the model reads: text, or text and image blocks. */
  content: ToolResultBlock['content'];
  isError: boolean;
  /** The tool's structured result (e.g. query_database's `{columns, rows, row_count, …}`), for the UI only. */
  structuredContent?: Record<string, unknown>;
}

/** Where the agent's tools come from: an MCP server through {@link createMcpToolbox}, or anything else. */
export interface AgentToolbox {
  /** The tools the model may use now; the agent calls it once per turn and after a tool that may write ran. */
  listTools(signal: AbortSignal): Promise<AgentTool[]>;
  /** Runs one tool; throwing is fine (the agent turns it into an error result the model reads). */
  callTool(name: string, input: Record<string, unknown>, signal: AbortSignal): Promise<ToolCallOutcome>;
  /**
   * Whether a SQL statement would write, as the server's own parser sees it (pgmcp: `test_query`);
   * undefined when that cannot be told. Lets a tool that may write skip the confirmation for reads.
   */
  statementWrites?(sql: string, signal: AbortSignal): Promise<boolean | undefined>;
}

/**
 * True when a tool may change something, by its annotations: `readOnlyHint` is not true (MCP's default
 * is false) or `destructiveHint` is true. The agent asks for confirmation before running such a tool.
 */
export function mayWrite(tool: Pick<AgentTool, 'annotations'>): boolean {
  return tool.annotations.readOnlyHint !== true || tool.annotations.destructiveHint === true;
}

/**
 * The default confirmation rule: a tool that may write (see {@link mayWrite}) needs the user's yes —
 * unless it carries a SQL statement that the toolbox can tell is a read. When in doubt, it asks.
 */
export async function confirmIfWriting(
  tool: Pick<AgentTool, 'annotations'>,
  input: Record<string, unknown>,
  toolbox: AgentToolbox | undefined,
  signal: AbortSignal,
): Promise<boolean> {
  if (!mayWrite(tool)) return false;
  const sql = statementOf(input);
  if (sql === undefined || !toolbox?.statementWrites) return true;
  const writes = await toolbox.statementWrites(sql, signal).catch(() => undefined);
  return writes !== false;
}

/** The SQL or statement text a tool call carries, if any (`query`, `sql` or `statement` argument). */
export function statementOf(input: Record<string, unknown>): string | undefined {
  for (const key of ['query', 'sql', 'statement']) {
    const value = input[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

/** The row count a tool's structured result reports (`row_count`, else the length of `rows`). */
export function rowCountOf(structured: Record<string, unknown> | undefined): number | undefined {
  if (!structured) return undefined;
  const count = structured.row_count;
  if (typeof count === 'number' && Number.isFinite(count)) return count;
  return Array.isArray(structured.rows) ? structured.rows.length : undefined;
}

/**
 * The text of a tool result's content for people (web and terminal clients): images left out, and
 * database content without the markers pgmcp fences it with for models.
 */
export function resultText(content: ToolResultBlock['content']): string {
  const text =
    typeof content === 'string'
      ? content
      : content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
  return stripFences(text);
}
