import type { Block, Message } from '@pgmcp/api-contract';

function blocksOf(message: Message): Block[] {
  return typeof message.content === 'string' ? [] : message.content;
}

/**
 * The first reason providers would reject `messages`, or undefined when it is a valid history:
 * not empty, tool_use only from the assistant and tool_result only from the user, ids unique, and
 * every tool_use answered by a tool_result in the very next message (and no result without its call).
 */
export function findHistoryProblem(messages: readonly Message[]): string | undefined {
  if (messages.length === 0) return 'the history is empty';
  const seen = new Set<string>();
  for (const [index, message] of messages.entries()) {
    const where = `message ${index} (${message.role})`;
    if (message.role !== 'user' && message.role !== 'assistant') return `${where} has an unknown role`;
    const blocks = blocksOf(message);
    const previous = index > 0 ? messages[index - 1] : undefined;
    const called = new Set(
      previous?.role === 'assistant'
        ? blocksOf(previous).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []))
        : [],
    );
    const answered = new Set<string>();
    for (const block of blocks) {
      if (block.type === 'tool_use') {
        if (message.role !== 'assistant')
          return `${where} contains a tool_use; only the assistant calls tools`;
        if (seen.has(block.id)) return `${where} reuses the tool_use id "${block.id}"`;
        seen.add(block.id);
      } else if (block.type === 'tool_result') {
        if (message.role !== 'user')
          return `${where} contains a tool_result; only the user side answers tools`;
        if (!called.has(block.tool_use_id)) {
          return `${where} has a tool_result for "${block.tool_use_id}", which the message before did not call`;
        }
        if (answered.has(block.tool_use_id)) return `${where} answers "${block.tool_use_id}" twice`;
        answered.add(block.tool_use_id);
      }
    }
    if (called.size > 0) {
      const missing = [...called].filter((id) => !answered.has(id));
      if (missing.length > 0)
        return `${where} does not answer the tool call(s) ${missing.map((id) => `"${id}"`).join(', ')}`;
    }
  }
  const last = messages[messages.length - 1]!;
  const dangling = last.role === 'assistant' && blocksOf(last).some((b) => b.type === 'tool_use');
  if (dangling) return `message ${messages.length - 1} (assistant) calls tools that have no results`;
  return undefined;
}
