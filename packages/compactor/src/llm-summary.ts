import type { Message } from '@pgmcp/api-contract';
import type { LlmClient } from '@pgmcp/llm-clients';
import { toolResultText } from './content.js';
import type { HeuristicSummary } from './summary.js';

/** The model that writes summaries when a request sets `enable_llm_summarization`. */
export interface LlmSummarizerConfig {
  client: LlmClient;
  /** Model id as the provider names it. */
  model: string;
  /** Time budget of one summary call; the heuristic summary is used when it runs out. Default 15000. */
  timeoutMs?: number;
  /** Most tokens an LLM summary may take; the compactor keeps this much room for it. Default 400. */
  maxSummaryTokens?: number;
}

/** The text a model wrote, or why there is none. */
export type LlmSummaryOutcome = { ok: true; text: string } | { ok: false; reason: string };

const TRANSCRIPT_LIMIT = 48_000;
const TEXT_LIMIT = 2_000;
const TOOL_INPUT_LIMIT = 1_000;
const TOOL_RESULT_LIMIT = 1_500;

const SYSTEM_PROMPT = [
  'You write the summary that replaces older messages of a conversation between a user and an AI assistant',
  'working with a PostgreSQL database. The summary is inserted where those messages were, so later turns rely on it.',
  "Keep what matters later: the user's goals, decisions and corrections; schema facts (tables, columns, indexes,",
  'changes made); queries run and their key results; errors and how they were resolved; open questions.',
  'Be concise and factual. No preamble, no speculation, no advice.',
].join(' ');

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} […]`;
}

/** Renders messages as a plain transcript for the summarising model, capped at ~48k characters. */
export function renderTranscript(
  messages: readonly Message[],
  toolNames: ReadonlyMap<string, string>,
): string {
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Message;
    const speaker = message.role === 'user' ? 'User' : 'Assistant';
    const blocks =
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : message.content;
    for (const block of blocks) {
      let line: string;
      switch (block.type) {
        case 'text':
          line = `${speaker}: ${clip(block.text, TEXT_LIMIT)}`;
          break;
        case 'tool_use':
          line = `Assistant called ${block.name} ${clip(JSON.stringify(block.input), TOOL_INPUT_LIMIT)}`;
          break;
        case 'tool_result':
          line = `Result of ${toolNames.get(block.tool_use_id) ?? 'a tool'}${block.is_error ? ' (error)' : ''}: ${clip(toolResultText(block), TOOL_RESULT_LIMIT)}`;
          break;
        case 'image':
          line = `${speaker}: [image]`;
          break;
      }
      if (length + line.length > TRANSCRIPT_LIMIT) {
        lines.push(`[… ${messages.length - i} more messages not shown]`);
        return lines.join('\n');
      }
      lines.push(line);
      length += line.length + 1;
    }
  }
  return lines.join('\n');
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'the call failed';
  const code = (error as { code?: unknown }).code;
  const message = error.message.replace(/\s+/g, ' ').slice(0, 200);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

class Timeout extends Error {}

/**
 * Asks the configured model for a summary of the dropped messages within the time budget.
 * Never throws: failures come back as `{ ok: false, reason }` so the caller can fall back.
 */
export async function writeLlmSummary(
  config: LlmSummarizerConfig,
  dropped: readonly Message[],
  toolNames: ReadonlyMap<string, string>,
  facts: HeuristicSummary,
  maxTokens: number,
): Promise<LlmSummaryOutcome> {
  const timeoutMs = config.timeoutMs ?? 15_000;
  const hints = [
    facts.tables.length > 0 ? `tables: ${facts.tables.join(', ')}` : '',
    facts.tools.length > 0 ? `tools: ${facts.tools.join(', ')}` : '',
    facts.errors.length > 0 ? `errors: ${facts.errors.join('; ')}` : '',
  ].filter(Boolean);
  const prompt =
    `Summarise these ${dropped.length} messages in at most ${Math.max(20, Math.floor(maxTokens * 0.6))} words.\n\n` +
    renderTranscript(dropped, toolNames) +
    (hints.length > 0 ? `\n\nFacts found automatically (may be incomplete): ${hints.join('; ')}` : '');

  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Racing the call as well as aborting it: a client that ignores the signal cannot hold compaction up.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Timeout('summary call timed out'));
    }, timeoutMs);
  });
  try {
    const call = Promise.resolve().then(() =>
      config.client.chat({
        model: config.model,
        system: SYSTEM_PROMPT,
        messages: [{ role: 'user', content: prompt }],
        max_tokens: maxTokens,
        temperature: 0,
        signal: controller.signal,
      }),
    );
    const result = await Promise.race([call, deadline]);
    const text = result.content
      .map((block) => (block.type === 'text' ? block.text : ''))
      .join('')
      .trim();
    if (text === '') return { ok: false, reason: 'the model returned no text' };
    return { ok: true, text };
  } catch (error) {
    if (error instanceof Timeout) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, reason: `the call failed: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
