import type { Message, ToolResultBlock, ToolResultDisplay } from '@pgmcp/api-contract';

/**
 * The largest structured result kept with a stored conversation, as JSON bytes. query_database's
 * answers are at most 1 MiB already; this keeps a conversation with several of them well inside the
 * store's per-conversation limit. A larger one keeps its timing only (the text still shows the rows).
 */
export const DISPLAY_MAX_BYTES = 256 * 1024;

/** What to store with a tool result to show it again as live: the structured result (within the cap) and the time taken. */
export function toolResultDisplay(
  structured: Record<string, unknown> | undefined,
  durationMs: number | undefined,
): ToolResultDisplay | undefined {
  const fits =
    structured !== undefined &&
    new TextEncoder().encode(JSON.stringify(structured)).length <= DISPLAY_MAX_BYTES;
  const display: ToolResultDisplay = {
    ...(fits ? { structured } : {}),
    ...(durationMs !== undefined ? { duration_ms: durationMs } : {}),
  };
  return Object.keys(display).length > 0 ? display : undefined;
}

function mapToolResults(
  messages: readonly Message[],
  change: (block: ToolResultBlock) => ToolResultBlock,
): Message[] {
  return messages.map((message) =>
    typeof message.content === 'string' || !message.content.some((b) => b.type === 'tool_result')
      ? message
      : { ...message, content: message.content.map((b) => (b.type === 'tool_result' ? change(b) : b)) },
  );
}

/** The messages with each tool result's display attached from `displays` (by tool_use_id), where it has none. */
export function withDisplays(
  messages: readonly Message[],
  displays: (toolUseId: string) => ToolResultDisplay | undefined,
): Message[] {
  return mapToolResults(messages, (block) => {
    const display = block.display ?? displays(block.tool_use_id);
    return display ? { ...block, display } : block;
  });
}

/** The messages as a model gets them: tool results without their display. */
export function withoutDisplays(messages: readonly Message[]): Message[] {
  return mapToolResults(messages, ({ display: _display, ...block }) => block);
}
