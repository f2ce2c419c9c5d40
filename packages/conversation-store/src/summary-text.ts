import type { Message } from '@pgmcp/api-contract';

/** Title of a conversation whose first user message has no text. */
export const UNTITLED = 'New conversation';

/** The text of the first user message: its string content or its text blocks. */
export function firstUserText(messages: readonly Message[]): string {
  for (const message of messages) {
    if (message.role !== 'user') continue;
    const text =
      typeof message.content === 'string'
        ? message.content
        : message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n');
    if (text.trim() !== '') return text;
  }
  return '';
}

/**
 * A title from the first user message: its first non-empty line, whitespace collapsed, cut to
 * `maxLength` characters on a word boundary (with an ellipsis).
 */
export function titleFrom(messages: readonly Message[], maxLength = 60): string {
  const line = firstUserText(messages)
    .split('\n')
    .map((text) => collapse(text))
    .find((text) => text !== '');
  return line === undefined ? UNTITLED : truncate(line, maxLength);
}

/** A preview of the first user message: whitespace (newlines too) collapsed, cut to `maxLength`. */
export function previewFrom(messages: readonly Message[], maxLength: number): string {
  return truncate(collapse(firstUserText(messages)), maxLength);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Cuts on the last space that keeps at least half the length; otherwise mid-word. */
function truncate(text: string, maxLength: number): string {
  const characters = [...text];
  if (characters.length <= maxLength) return text;
  const head = characters.slice(0, maxLength - 1).join('');
  const space = head.lastIndexOf(' ');
  const cut = space >= head.length / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s.,;:!?-]+$/, '')}…`;
}
