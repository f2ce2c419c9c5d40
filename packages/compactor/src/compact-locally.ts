import type { Message } from '@pgmcp/api-contract';
import { groupUnits, unitIndexOf } from './conversation.js';
import { CompactorError } from './errors.js';

/** Options of compactLocally. */
export interface LocalCompactOptions {
  /** How many of the most recent messages to keep besides the first one. Default 10. */
  keepLast?: number;
}

/**
 * The fallback clients use when the server cannot compact: keeps the first message and the last
 * `keepLast` messages, each exactly as given, moving the cut earlier so no tool call is separated
 * from its result. No tokens are counted, nothing is summarised and nothing is merged (the LLM
 * adapters merge same-role neighbours when they send).
 *
 * @example
 *   const short = compactLocally(history, { keepLast: 20 });
 */
export function compactLocally(messages: readonly Message[], options: LocalCompactOptions = {}): Message[] {
  const keepLast = options.keepLast ?? 10;
  if (!Number.isInteger(keepLast) || keepLast < 0) {
    throw new CompactorError(
      'INVALID_REQUEST',
      `keepLast must be an integer >= 0; got ${JSON.stringify(keepLast)}.`,
    );
  }
  const units = groupUnits(messages);
  const firstEnd = units[0]?.end ?? -1;
  let start = Math.max(firstEnd + 1, messages.length - keepLast);
  if (start < messages.length) start = units[unitIndexOf(units, start)]?.start ?? start;
  if (start <= firstEnd + 1) return [...messages];
  return [...messages.slice(0, firstEnd + 1), ...messages.slice(start)];
}
