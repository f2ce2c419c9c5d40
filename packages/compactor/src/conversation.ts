import type { Message } from '@pgmcp/api-contract';

/** A run of messages that must be kept or dropped together (inclusive indexes). */
export interface MessageUnit {
  start: number;
  end: number;
}

/**
 * Splits a conversation into units: every tool_use shares a unit with its tool_result and with the
 * messages between them, so dropping a unit can never leave half of a tool call behind.
 */
export function groupUnits(messages: readonly Message[]): MessageUnit[] {
  // A result answers the latest call with its id before it; ids reused later in a conversation start new pairs.
  const lastUse = new Map<string, number>();
  const reach = messages.map((_, i) => i);
  messages.forEach((message, i) => {
    if (typeof message.content === 'string') return;
    for (const block of message.content) {
      if (block.type !== 'tool_result') continue;
      const j = lastUse.get(block.tool_use_id);
      if (j !== undefined) reach[j] = Math.max(reach[j] ?? j, i);
    }
    for (const block of message.content) {
      if (block.type === 'tool_use') lastUse.set(block.id, i);
    }
  });
  const units: MessageUnit[] = [];
  let start = 0;
  let end = -1;
  for (let i = 0; i < messages.length; i++) {
    end = Math.max(end, reach[i] ?? i);
    if (i === end) {
      units.push({ start, end });
      start = i + 1;
    }
  }
  return units;
}

/** The index of the unit that contains message `index` (units are sorted and contiguous). */
export function unitIndexOf(units: readonly MessageUnit[], index: number): number {
  let lo = 0;
  let hi = units.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((units[mid]?.end ?? -1) < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
