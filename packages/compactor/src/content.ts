import type { Block, Message, TextBlock, ToolResultBlock } from '@pgmcp/api-contract';

/** What a piece of text mostly is (the summary counts SQL by it). */
export type ContentKind = 'sql' | 'json' | 'code' | 'tabular' | 'natural';

/** The message's content as blocks (a string becomes one text block). */
export function blocksOf(message: Message): Block[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/** The text of a tool_result block (its text parts joined; images contribute nothing). */
export function toolResultText(block: ToolResultBlock): string {
  if (typeof block.content === 'string') return block.content;
  let text = '';
  for (const part of block.content) {
    if (part.type === 'text') text += (text ? '\n' : '') + part.text;
  }
  return text;
}

/** The text blocks' text of a message (not tool inputs or results). */
export function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  let text = '';
  for (const block of message.content) {
    if (block.type === 'text') text += (text ? '\n' : '') + block.text;
  }
  return text;
}

/** Maps every tool_use id in the conversation to its tool name. */
export function indexToolNames(messages: readonly Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_use') names.set(block.id, block.name);
    }
  }
  return names;
}

/** A string input value of a tool call, e.g. the `schema_name` of get_schema_info. */
export function stringInput(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

/** The SQL a tool call carries (`query`, or `sql` for custom tools), if any. */
export function queryInput(input: Record<string, unknown>): string | undefined {
  return stringInput(input, 'query') ?? stringInput(input, 'sql');
}

// The kind shows in the head of a text; looking further only costs time on large tool results.
const DETECT_PREFIX = 1024;
const SQL_START =
  /^\s*(?:--[^\n]*\n\s*)*(select|with|insert|update|delete|create|alter|drop|explain|grant|revoke|truncate|copy|vacuum|analyze|begin|commit|set|show|values|table)\b/i;
const SQL_CLAUSES =
  /\b(?:SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|INSERT INTO|VALUES|CREATE TABLE|ALTER TABLE|LIMIT)\b/g;
const CODE_LINE =
  /^\s*(?:function\b|const\b|let\b|var\b|def\b|class\b|import\b|export\b|package\b|func\b|public\b|private\b|return\b|if\s*\(|for\s*\(|#include\b|async\b|await\b|fn\b|\}|\/\/)/m;

function hasSqlClauses(sample: string): boolean {
  SQL_CLAUSES.lastIndex = 0;
  let from = false;
  let other = false;
  for (let m = SQL_CLAUSES.exec(sample); m !== null; m = SQL_CLAUSES.exec(sample)) {
    if (m[0] === 'FROM') from = true;
    else other = true;
    if (from && other) return true;
  }
  return false;
}

function punctuationShare(sample: string): number {
  let punct = 0;
  for (let i = 0; i < sample.length; i++) {
    switch (sample.charCodeAt(i)) {
      case 123: // {
      case 125: // }
      case 59: // ;
      case 61: // =
      case 40: // (
      case 41: // )
      case 91: // [
      case 93: // ]
      case 60: // <
      case 62: // >
        punct++;
    }
  }
  return punct / sample.length;
}

/** Whether text looks like a TSV table (query_database output): a tabbed header and mostly tabbed lines. */
function isTabular(sample: string): boolean {
  const firstBreak = sample.indexOf('\n');
  const firstTab = sample.indexOf('\t');
  if (firstBreak < 0 || firstTab < 0 || firstTab > firstBreak) return false;
  let lines = 0;
  let tabbed = 0;
  for (let start = 0; start < sample.length && lines < 20; lines++) {
    const end = sample.indexOf('\n', start);
    const stop = end < 0 ? sample.length : end;
    const tab = sample.indexOf('\t', start);
    if (tab >= 0 && tab < stop) tabbed++;
    start = stop + 1;
  }
  return tabbed / lines >= 0.6;
}

/** Classifies text as SQL, JSON, code, tabular data or natural language by cheap signals on its first few KB. */
export function detectContentKind(text: string): ContentKind {
  const sample = text.length > DETECT_PREFIX ? text.slice(0, DETECT_PREFIX) : text;
  const trimmed = sample.trim();
  if (trimmed.length === 0) return 'natural';
  const first = trimmed[0];
  if ((first === '{' || first === '[') && trimmed.includes('"')) return 'json';
  if (isTabular(trimmed)) return 'tabular';
  // "SELECT …" and "select …" open statements; "Show me …" or "Update the …" opens a sentence.
  const keyword = SQL_START.exec(trimmed)?.[1];
  if (keyword !== undefined && (keyword === keyword.toUpperCase() || keyword === keyword.toLowerCase()))
    return 'sql';
  if (hasSqlClauses(sample)) return 'sql';
  if (trimmed.startsWith('```')) return 'code';
  if (CODE_LINE.test(sample) && punctuationShare(sample) > 0.03) return 'code';
  return 'natural';
}

/** A text block, for building messages. */
export function textBlock(text: string): TextBlock {
  return { type: 'text', text };
}
