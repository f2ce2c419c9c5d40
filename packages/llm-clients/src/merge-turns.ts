import type { Block, Message } from '@pgmcp/api-contract';

function blocksOf(message: Message): Block[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/**
 * Merges neighbours of the same role into one turn, as providers that want alternating user and
 * assistant turns need (a compacted history keeps its messages as they were, so a summary or a
 * dropped answer can leave two of a role side by side). A merged user turn puts its tool results
 * first, where the APIs expect them. Conversations that already alternate come back as they are.
 */
export function mergeSameRoleTurns(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (const message of messages) {
    const last = out[out.length - 1];
    if (last?.role !== message.role) {
      out.push(message);
      continue;
    }
    const blocks = [...blocksOf(last), ...blocksOf(message)];
    out[out.length - 1] = {
      role: last.role,
      content:
        last.role === 'user'
          ? [
              ...blocks.filter((b) => b.type === 'tool_result'),
              ...blocks.filter((b) => b.type !== 'tool_result'),
            ]
          : blocks,
    };
  }
  return out;
}
