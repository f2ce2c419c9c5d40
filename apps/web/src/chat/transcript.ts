import type { Block, Message, ToolResultDisplay } from '@pgmcp/api-contract';
import { resultText, statementOf } from '@pgmcp/agent';

/** The answer a tool call got, as stored in the conversation. */
export interface ToolResultView {
  text: string;
  isError: boolean;
  /** The structured result and timing stored with it, to show it as it looked live. */
  display?: ToolResultDisplay;
}

/** One row of the chat as the user sees it. */
export type TranscriptItem =
  | { kind: 'user'; key: string; text: string }
  | { kind: 'assistant'; key: string; text: string }
  | {
      kind: 'tool';
      key: string;
      id: string;
      name: string;
      input: Record<string, unknown>;
      sql?: string;
      /** Undefined while the call has not been answered. */
      result?: ToolResultView;
    }
  | { kind: 'notice'; key: string; tone: NoticeTone; text: string };

export type NoticeTone = 'info' | 'warning' | 'error';

/** A message for the user shown in the chat but not sent to the model nor stored. */
export interface Notice {
  id: string;
  /** Shown after this many messages of the conversation. */
  afterMessages: number;
  tone: NoticeTone;
  text: string;
}

function blocksOf(content: Message['content']): Block[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * Turns the stored conversation into display rows: user and assistant text, and one row per tool
 * call carrying its answer (found in a later message). Messages holding only tool results make no row.
 * Keys derive from positions, so they stay stable as the conversation grows.
 */
export function toTranscript(
  messages: readonly Message[],
  notices: readonly Notice[] = [],
): TranscriptItem[] {
  const results = new Map<string, ToolResultView>();
  for (const message of messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_result') {
        results.set(block.tool_use_id, {
          text: resultText(block.content),
          isError: block.is_error === true,
          ...(block.display ? { display: block.display } : {}),
        });
      }
    }
  }
  const items: TranscriptItem[] = [];
  const pending = [...notices].sort((a, b) => a.afterMessages - b.afterMessages);
  let next = 0;
  const flushNotices = (upTo: number) => {
    while (next < pending.length && pending[next]!.afterMessages <= upTo) {
      const notice = pending[next++]!;
      items.push({ kind: 'notice', key: `n-${notice.id}`, tone: notice.tone, text: notice.text });
    }
  };
  messages.forEach((message, m) => {
    flushNotices(m);
    const userText: string[] = [];
    blocksOf(message.content).forEach((block, b) => {
      const key = `m${m}-${b}`;
      if (block.type === 'text') {
        if (block.text.trim() === '') return;
        if (message.role === 'user') userText.push(block.text);
        else items.push({ kind: 'assistant', key, text: block.text });
      } else if (block.type === 'tool_use') {
        const result = results.get(block.id);
        const sql = statementOf(block.input);
        items.push({
          kind: 'tool',
          key,
          id: block.id,
          name: block.name,
          input: block.input,
          ...(sql !== undefined ? { sql } : {}),
          ...(result ? { result } : {}),
        });
      } else if (block.type === 'image') {
        if (message.role === 'user') userText.push('[image]');
      }
    });
    if (userText.length > 0) items.push({ kind: 'user', key: `m${m}`, text: userText.join('\n\n') });
  });
  flushNotices(Number.POSITIVE_INFINITY);
  return items;
}

/** The text of the last user message that the user typed (not tool results), for ↑ recall. */
export function lastUserText(messages: readonly Message[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'user') continue;
    const text = blocksOf(message.content)
      .flatMap((b) => (b.type === 'text' ? [b.text] : []))
      .join('\n\n');
    if (text.trim() !== '') return text;
  }
  return undefined;
}
