import type { Message } from '@pgmcp/api-contract';
import { toTranscript } from './transcript.js';

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** The conversation as a Markdown document: questions, answers, and every tool call with its SQL and result. */
export function conversationToMarkdown(
  title: string,
  messages: readonly Message[],
  meta: { exportedAt?: Date; model?: string; connection?: string } = {},
): string {
  const lines = [`# ${title}`, ''];
  const facts = [
    meta.connection ? `Connection: ${meta.connection}` : undefined,
    meta.model ? `Model: ${meta.model}` : undefined,
    `Exported: ${(meta.exportedAt ?? new Date()).toISOString()}`,
  ].filter(Boolean);
  lines.push(`_${facts.join(' · ')}_`, '');
  for (const item of toTranscript(messages)) {
    switch (item.kind) {
      case 'user':
        lines.push('## You', '', item.text, '');
        break;
      case 'assistant':
        lines.push('## Assistant', '', item.text, '');
        break;
      case 'tool': {
        const { query: _query, ...args } = item.input;
        lines.push(`### Tool: \`${item.name}\``, '');
        if (item.sql) lines.push(fence(item.sql, 'sql'), '');
        if (Object.keys(args).length > 0) lines.push(fence(JSON.stringify(args, null, 2), 'json'), '');
        if (item.result) {
          lines.push(item.result.isError ? '**Error:**' : 'Result:', '', fence(item.result.text), '');
        }
        break;
      }
      case 'notice':
        break;
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A file name for the export: the title in lower-case words. */
export function exportFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'conversation'}.md`;
}

/** Offers `text` as a file download. */
export function downloadText(fileName: string, text: string, type = 'text/markdown'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
