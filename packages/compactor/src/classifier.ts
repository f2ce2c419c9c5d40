import type { Message } from '@pgmcp/api-contract';
import {
  ASSISTANT_CORRECTION,
  COMPLEX_SQL,
  DOCS,
  ERROR_WORDS,
  EXPLAIN_TOOL,
  FINDING,
  OUTPUT_ERROR,
  OUTPUT_PERMISSION,
  OUTPUT_TIMING,
  PERMISSION,
  PLAN_OUTPUT,
  PLAN_WORDS,
  hasSchemaChange,
  SCHEMA_TOOL,
  SERVER_WARNING,
  SQL_ERROR,
  TIMING,
  USER_CORRECTION,
} from './classifier-signals.js';
import { queryInput, toolResultText } from './content.js';
import type { MessageTier } from './types.js';

/** The score of each tier; the compactor drops lower scores first. */
export const TIER_SCORES: Readonly<Record<MessageTier, number>> = {
  anchor: 1.0,
  important: 0.8,
  contextual: 0.6,
  routine: 0.4,
  transient: 0.2,
};

/** The tiers from highest to lowest score. */
export const MESSAGE_TIERS: readonly MessageTier[] = [
  'anchor',
  'important',
  'contextual',
  'routine',
  'transient',
];

/** How important a message is, and why. */
export interface Classification {
  tier: MessageTier;
  score: number;
  /** The signals that set the tier, e.g. `schema change`, `sql error`. */
  reasons: string[];
}

/** Classifier switches (the same names as the compaction options). */
export interface ClassifyOptions {
  /** Tool results are at least contextual. Default true. */
  preserve_tool_results?: boolean;
  /** Results of schema tools are anchors (else contextual). Default true. */
  preserve_schema_info?: boolean;
  /** tool_use id → tool name for the whole conversation, so a tool_result is judged by its tool. */
  toolNames?: ReadonlyMap<string, string>;
}

// Only the head of very long blocks is scanned: the signals sit at the top and the tail costs time.
const SCAN_LIMIT = 16_384;
const SHORT_USER_TEXT = 25;
const SHORT_ASSISTANT_TEXT = 80;
const SHORT_TOOL_RESULT = 200;
const SIMPLE_SQL_LENGTH = 60;
const OUTPUT_HEAD = 1024;
const OUTPUT_TAIL = 256;

const ACKNOWLEDGEMENTS = new Set([
  '',
  'ok',
  'okay',
  'k',
  'kk',
  'yes',
  'yep',
  'yeah',
  'y',
  'no',
  'nope',
  'sure',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'great',
  'cool',
  'nice',
  'perfect',
  'awesome',
  'got it',
  'sounds good',
  'ok thanks',
  'ok thank you',
  'thanks a lot',
  'go on',
  'continue',
  'go ahead',
  'right',
  'understood',
  'done',
]);

/** Whether a text is a bare acknowledgement such as "ok", "yes" or "thanks!". */
export function isAcknowledgement(text: string): boolean {
  if (text.length > 40) return false;
  const normalized = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ACKNOWLEDGEMENTS.has(normalized);
}

const RANK: Readonly<Record<MessageTier, number>> = {
  anchor: 4,
  important: 3,
  contextual: 2,
  routine: 1,
  transient: 0,
};

/** Keeps the highest tier seen and the reasons that led to it. */
class Verdict {
  tier: MessageTier | undefined;
  reasons: string[] = [];

  raise(tier: MessageTier, reason: string): void {
    if (this.tier === undefined || RANK[tier] > RANK[this.tier]) {
      this.tier = tier;
      this.reasons = [reason];
    } else if (tier === this.tier && !this.reasons.includes(reason)) {
      this.reasons.push(reason);
    }
  }

  get settled(): boolean {
    return this.tier === 'anchor';
  }
}

function scan(text: string): string {
  return text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text;
}

/**
 * What of a tool's output is judged: PostgreSQL and the tools print errors, plans and warnings at
 * the top and timings and footers at the bottom; the rows in between are data, not signals.
 */
function outputSample(text: string): string {
  return text.length > OUTPUT_HEAD + OUTPUT_TAIL
    ? `${text.slice(0, OUTPUT_HEAD)}\n${text.slice(-OUTPUT_TAIL)}`
    : text;
}

/** Signals any text written by the user or the assistant may carry. */
function judgeProse(text: string, verdict: Verdict): void {
  // Separate patterns beat one union of them: V8 searches each for its literals, not a union's.
  if (hasSchemaChange(text)) verdict.raise('anchor', 'schema change');
  if (verdict.settled) return;
  if (PLAN_OUTPUT.test(text) || PLAN_WORDS.test(text)) verdict.raise('important', 'query plan');
  if (TIMING.test(text)) verdict.raise('important', 'execution time');
  if (SQL_ERROR.test(text) || ERROR_WORDS.test(text)) verdict.raise('important', 'sql error');
  if (PERMISSION.test(text)) verdict.raise('important', 'permission denied');
  if (FINDING.test(text)) verdict.raise('important', 'key finding');
  if (DOCS.test(text)) verdict.raise('important', 'documentation reference');
}

/** Signals in what a tool printed: plans, timings, errors, permissions, server warnings. */
function judgeOutput(text: string, verdict: Verdict): void {
  if (PLAN_OUTPUT.test(text)) verdict.raise('important', 'query plan');
  if (OUTPUT_TIMING.test(text)) verdict.raise('important', 'execution time');
  if (OUTPUT_ERROR.test(text)) verdict.raise('important', 'sql error');
  if (OUTPUT_PERMISSION.test(text)) verdict.raise('important', 'permission denied');
  if (SERVER_WARNING.test(text)) verdict.raise('important', 'key finding');
}

function judgeText(text: string, role: Message['role'], verdict: Verdict): void {
  const trimmed = text.trim();
  if (isAcknowledgement(trimmed)) {
    verdict.raise('transient', 'acknowledgement');
    return;
  }
  const sample = scan(trimmed);
  if ((role === 'user' ? USER_CORRECTION : ASSISTANT_CORRECTION).test(sample))
    verdict.raise('anchor', role === 'user' ? 'user correction' : 'assistant correction');
  if (verdict.settled) return;
  judgeProse(sample, verdict);
  const short = role === 'user' ? SHORT_USER_TEXT : SHORT_ASSISTANT_TEXT;
  if (trimmed.length < short)
    verdict.raise('routine', role === 'user' ? 'simple request' : 'short confirmation');
  else verdict.raise('contextual', role === 'user' ? 'request' : 'answer');
}

function judgeQuery(query: string, verdict: Verdict): void {
  const sample = scan(query);
  judgeProse(sample, verdict);
  if (verdict.settled) return;
  if (sample.trim().length <= SIMPLE_SQL_LENGTH && !COMPLEX_SQL.test(sample))
    verdict.raise('routine', 'simple query');
  else verdict.raise('contextual', 'query');
}

/** Every string in a tool input, however deep, for DDL outside the usual `query` field. */
function inputStrings(value: unknown, into: string[], depth = 0): void {
  if (typeof value === 'string') into.push(value);
  else if (depth < 4 && typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) inputStrings(item, into, depth + 1);
  }
}

function judgeToolUse(name: string, input: Record<string, unknown>, verdict: Verdict): void {
  if (EXPLAIN_TOOL.test(name)) verdict.raise('important', 'query plan');
  const query = queryInput(input);
  if (query !== undefined) judgeQuery(query, verdict);
  if (verdict.settled) return;
  const strings: string[] = [];
  inputStrings(input, strings);
  for (const text of strings) {
    if (text !== query && hasSchemaChange(scan(text))) verdict.raise('anchor', 'schema change');
  }
  if (query === undefined) verdict.raise('contextual', `tool call: ${name}`);
}

function judgeToolResult(
  name: string | undefined,
  text: string,
  isError: boolean,
  options: ClassifyOptions,
  verdict: Verdict,
): void {
  if (name !== undefined && SCHEMA_TOOL.test(name)) {
    if (options.preserve_schema_info ?? true) verdict.raise('anchor', `schema tool result: ${name}`);
    else verdict.raise('contextual', `schema tool result: ${name}`);
  }
  if (verdict.settled) return;
  if (isError) verdict.raise('important', 'tool error');
  if (name !== undefined && EXPLAIN_TOOL.test(name)) verdict.raise('important', 'query plan');
  judgeOutput(outputSample(text), verdict);
  if (options.preserve_tool_results ?? true) verdict.raise('contextual', 'tool result');
  else if (text.trim().length < SHORT_TOOL_RESULT) verdict.raise('routine', 'short tool result');
  else verdict.raise('contextual', 'tool result');
}

/**
 * Classifies one message into a tier with a score and reasons.
 *
 * @example
 *   classifyMessage({ role: 'user', content: 'Actually, use the archive table instead' }).tier; // 'anchor'
 */
export function classifyMessage(message: Message, options: ClassifyOptions = {}): Classification {
  const verdict = new Verdict();
  if (typeof message.content === 'string') {
    judgeText(message.content, message.role, verdict);
  } else {
    for (const block of message.content) {
      if (verdict.settled) break;
      switch (block.type) {
        case 'text':
          judgeText(block.text, message.role, verdict);
          break;
        case 'tool_use':
          judgeToolUse(block.name, block.input, verdict);
          break;
        case 'tool_result':
          judgeToolResult(
            options.toolNames?.get(block.tool_use_id),
            toolResultText(block),
            block.is_error === true,
            options,
            verdict,
          );
          break;
        case 'image':
          verdict.raise('contextual', 'image');
          break;
      }
    }
  }
  const tier = verdict.tier ?? 'transient';
  return { tier, score: TIER_SCORES[tier], reasons: verdict.tier ? verdict.reasons : ['empty message'] };
}

/**
 * Classifies every message of a conversation, judging each tool_result by the tool_use it answers
 * (the latest call with its id before it).
 *
 * @example
 *   classifyMessages(messages, { preserve_tool_results: false }).map((c) => c.tier);
 */
export function classifyMessages(
  messages: readonly Message[],
  options: Omit<ClassifyOptions, 'toolNames'> = {},
): Classification[] {
  const toolNames = new Map<string, string>();
  const withNames = { ...options, toolNames };
  return messages.map((message) => {
    const classification = classifyMessage(message, withNames);
    if (typeof message.content !== 'string') {
      for (const block of message.content) if (block.type === 'tool_use') toolNames.set(block.id, block.name);
    }
    return classification;
  });
}

/** The tier of every message of a conversation (what the compactor needs of classifyMessages). */
export function classifyConversation(
  messages: readonly Message[],
  options: Omit<ClassifyOptions, 'toolNames'> = {},
): MessageTier[] {
  return classifyMessages(messages, options).map((c) => c.tier);
}
