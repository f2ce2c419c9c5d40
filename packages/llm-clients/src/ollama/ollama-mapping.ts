import type {
  Block,
  Message as NeutralMessage,
  StopReason,
  StreamEvent,
  ToolUseBlock,
  Usage,
} from '@pgmcp/api-contract';
import type { ChatRequest, Message, Tool } from 'ollama';
import { z } from 'zod';
import type { ResolvedChatRequest } from '../client-runtime.js';
import { mergeSameRoleTurns } from '../merge-turns.js';
import { parseWire } from '../parse-wire.js';
import { newToolCallId, parseToolArguments } from '../tool-arguments.js';
import type { LlmChatResult } from '../types.js';

const PROVIDER = 'ollama';

function textOf(blocks: Block[]): string {
  return blocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n\n');
}

/**
 * Neutral messages → Ollama chat messages: tool results become role "tool" with the tool's name.
 * Same-role neighbours are merged first: many models' chat templates require alternating turns.
 */
export function toOllamaMessages(system: string | undefined, messages: NeutralMessage[]): Message[] {
  const out: Message[] = system ? [{ role: 'system', content: system }] : [];
  const toolNames = new Map<string, string>();
  for (const m of mergeSameRoleTurns(messages)) {
    if (typeof m.content === 'string') {
      out.push({ role: m.role, content: m.content });
      continue;
    }
    if (m.role === 'assistant') {
      const calls = m.content.flatMap((b) => (b.type === 'tool_use' ? [b] : []));
      for (const call of calls) toolNames.set(call.id, call.name);
      out.push({
        role: 'assistant',
        content: textOf(m.content),
        ...(calls.length === 0
          ? {}
          : { tool_calls: calls.map((c) => ({ function: { name: c.name, arguments: c.input } })) }),
      });
      continue;
    }
    // Ollama wants raw base64, without a data: prefix.
    const images: string[] = [];
    for (const block of m.content) {
      if (block.type === 'image') images.push(block.source.data);
      if (block.type !== 'tool_result') continue;
      const content = typeof block.content === 'string' ? block.content : textOf(block.content);
      if (typeof block.content !== 'string') {
        for (const b of block.content) if (b.type === 'image') images.push(b.source.data);
      }
      out.push({
        role: 'tool',
        content: block.is_error ? `Error: ${content}` : content,
        ...(toolNames.has(block.tool_use_id) ? { tool_name: toolNames.get(block.tool_use_id) } : {}),
      });
    }
    const text = textOf(m.content);
    if (text !== '' || images.length > 0) {
      out.push({ role: 'user', content: text, ...(images.length === 0 ? {} : { images }) });
    }
  }
  return out;
}

/**
 * The /api/chat body (without `stream`). Ollama cannot force a tool, so `any` and `tool` choices
 * only offer the tools; `none` leaves them out.
 */
export function toOllamaRequest(
  request: ResolvedChatRequest,
  options: { keepAlive?: string | number; numCtx?: number },
): ChatRequest {
  const offerTools = request.tools && request.tools.length > 0 && request.tool_choice?.type !== 'none';
  const tools = offerTools
    ? request.tools!.map((tool): Tool => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
      }))
    : undefined;
  return {
    model: request.model,
    messages: toOllamaMessages(request.system, request.messages),
    ...(tools ? { tools } : {}),
    options: {
      num_predict: request.max_tokens,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(options.numCtx === undefined ? {} : { num_ctx: options.numCtx }),
    },
    ...(options.keepAlive === undefined ? {} : { keep_alive: options.keepAlive }),
  };
}

const ToolCallWireSchema = z.object({
  id: z.string().nullish(),
  function: z.object({
    name: z.string().min(1),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
  }),
});

const ChunkWireSchema = z.object({
  model: z.string().nullish(),
  message: z
    .object({
      content: z.string().nullish(),
      tool_calls: z.array(ToolCallWireSchema).nullish(),
    })
    .nullish(),
  done: z.boolean().nullish(),
  done_reason: z.string().nullish(),
  prompt_eval_count: z.number().nullish(),
  eval_count: z.number().nullish(),
});
type ChunkWire = z.infer<typeof ChunkWireSchema>;

/** Ollama sends whole tool calls, usually without ids; the neutral model needs one per call. */
function toolUses(chunk: ChunkWire): ToolUseBlock[] {
  return (chunk.message?.tool_calls ?? []).map((call) => {
    const { name, arguments: args } = call.function;
    const input = typeof args === 'string' ? parseToolArguments(PROVIDER, name, args) : (args ?? {});
    return { type: 'tool_use', id: call.id || newToolCallId(), name, input };
  });
}

function stopReason(chunk: ChunkWire, calledTools: boolean): StopReason {
  if (chunk.done_reason === 'length') return 'max_tokens';
  return calledTools ? 'tool_use' : 'end_turn';
}

function usage(chunk: ChunkWire): Usage {
  return { input_tokens: chunk.prompt_eval_count ?? 0, output_tokens: chunk.eval_count ?? 0 };
}

/** Maps a non-streaming /api/chat answer. */
export function fromOllamaResponse(response: unknown, requestedModel: string): LlmChatResult {
  const chunk = parseWire(PROVIDER, ChunkWireSchema, response, 'chat response');
  const calls = toolUses(chunk);
  const text = chunk.message?.content ?? '';
  return {
    content: [...(text === '' ? [] : [{ type: 'text' as const, text }]), ...calls],
    stop_reason: stopReason(chunk, calls.length > 0),
    usage: usage(chunk),
    model: chunk.model || requestedModel,
  };
}

/** Turns /api/chat NDJSON chunks into neutral stream events; tool calls arrive whole. */
export class OllamaStreamTranslator {
  #calledTools = false;

  push(raw: unknown): StreamEvent[] {
    const chunk = parseWire(PROVIDER, ChunkWireSchema, raw, 'stream chunk');
    const events: StreamEvent[] = [];
    if (chunk.message?.content) events.push({ type: 'text', text: chunk.message.content });
    for (const call of toolUses(chunk)) {
      this.#calledTools = true;
      events.push(
        { type: 'tool_use_start', id: call.id, name: call.name },
        { type: 'tool_use_delta', id: call.id, partial_json: JSON.stringify(call.input) },
        { type: 'tool_use_end', id: call.id, input: call.input },
      );
    }
    if (chunk.done)
      events.push({ type: 'done', stop_reason: stopReason(chunk, this.#calledTools), usage: usage(chunk) });
    return events;
  }
}
