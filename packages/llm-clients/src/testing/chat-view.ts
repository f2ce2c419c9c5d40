import { stripFences } from '@pgmcp/mcp-core/untrusted';
import type { ChatView } from './wire.js';

/** A tool result found in a chat request, with the name of the tool that produced it. */
export interface SeenToolResult {
  tool_use_id: string;
  /** Name from the matching tool_use earlier in the conversation ('' if none matched). */
  name: string;
  /** The result's text (image parts left out), as the model was sent it. */
  text: string;
  /** The same text read as a model is told to: database content without pgmcp's data fences. */
  data: string;
  is_error: boolean;
}

/** Every tool result in the conversation, oldest first. */
export function toolResults(chat: ChatView): SeenToolResult[] {
  const names = new Map<string, string>();
  const results: SeenToolResult[] = [];
  for (const message of chat.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_use') names.set(block.id, block.name);
      if (block.type !== 'tool_result') continue;
      const text =
        typeof block.content === 'string'
          ? block.content
          : block.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      results.push({
        tool_use_id: block.tool_use_id,
        name: names.get(block.tool_use_id) ?? '',
        text,
        data: stripFences(text),
        is_error: block.is_error ?? false,
      });
    }
  }
  return results;
}

/** The newest tool result, if the conversation has one. */
export function lastToolResult(chat: ChatView): SeenToolResult | undefined {
  return toolResults(chat).at(-1);
}

/** The text of the newest user message that has text (tool results skipped). */
export function lastUserText(chat: ChatView): string | undefined {
  for (const message of [...chat.messages].reverse()) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
    if (text !== '') return text;
  }
  return undefined;
}
