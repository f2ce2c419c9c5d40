import type Anthropic from '@anthropic-ai/sdk';
import type { Block, ImageBlock, StopReason, StreamEvent, Usage } from '@pgmcp/api-contract';
import { z } from 'zod';
import type { ResolvedChatRequest } from '../client-runtime.js';
import { LlmClientError } from '../errors.js';
import { mergeSameRoleTurns } from '../merge-turns.js';
import { parseWire } from '../parse-wire.js';
import { parseToolArguments } from '../tool-arguments.js';
import type { LlmChatResult } from '../types.js';

const PROVIDER = 'anthropic';
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageMediaType = (typeof IMAGE_TYPES)[number];
const EPHEMERAL = { type: 'ephemeral' } as const;

function imageParam(block: ImageBlock): Anthropic.ImageBlockParam {
  const mediaType = block.source.media_type;
  if (!(IMAGE_TYPES as readonly string[]).includes(mediaType)) {
    throw new LlmClientError(
      'BAD_REQUEST',
      `${PROVIDER}: image media type "${mediaType}" is not supported (use ${IMAGE_TYPES.join(', ')}).`,
      { provider: PROVIDER },
    );
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: mediaType as ImageMediaType, data: block.source.data },
  };
}

function blockParam(block: Block): Anthropic.ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return imageParam(block);
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: block.tool_use_id,
        content:
          typeof block.content === 'string'
            ? block.content
            : block.content.map((b) =>
                b.type === 'text' ? { type: 'text' as const, text: b.text } : imageParam(b),
              ),
        ...(block.is_error === undefined ? {} : { is_error: block.is_error }),
      };
  }
}

/**
 * The Messages API body. With prompt caching, cache breakpoints sit on the system prompt and on
 * the last tool: tools render before the system prompt, so together they cache the whole stable
 * prefix, and keeping the caller's tool order keeps that prefix byte-identical between calls.
 */
export function toAnthropicParams(
  request: ResolvedChatRequest,
  options: { promptCaching: boolean },
): Anthropic.MessageCreateParamsNonStreaming {
  const cache = options.promptCaching ? { cache_control: EPHEMERAL } : {};
  const tools = request.tools?.map((tool, i, all): Anthropic.Tool => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.input_schema },
    ...(i === all.length - 1 ? cache : {}),
  }));
  const toolChoice = request.tool_choice;
  return {
    model: request.model,
    max_tokens: request.max_tokens,
    // The Messages API wants user and assistant turns to alternate.
    messages: mergeSameRoleTurns(request.messages).map((m) => ({
      role: m.role,
      content: typeof m.content === 'string' ? m.content : m.content.map(blockParam),
    })),
    ...(request.system ? { system: [{ type: 'text', text: request.system, ...cache }] } : {}),
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(toolChoice && tools && tools.length > 0 ? { tool_choice: toolChoice } : {}),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/** Anthropic stop reasons outside the neutral four map to the nearest one. */
export function mapStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
      return reason;
    case 'model_context_window_exceeded':
      return 'max_tokens';
    default:
      return 'end_turn';
  }
}

const UsageWireSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});
type UsageWire = z.infer<typeof UsageWireSchema>;

/** `input_tokens` counts every prompt token, cached or not, as the other providers do. */
export function mapUsage(usage: UsageWire): Usage {
  const read = usage.cache_read_input_tokens ?? 0;
  const write = usage.cache_creation_input_tokens ?? 0;
  return {
    input_tokens: (usage.input_tokens ?? 0) + read + write,
    output_tokens: usage.output_tokens ?? 0,
    ...(usage.cache_read_input_tokens == null ? {} : { cache_read_tokens: read }),
    ...(usage.cache_creation_input_tokens == null ? {} : { cache_write_tokens: write }),
  };
}

const MessageWireSchema = z.object({
  model: z.string(),
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullish(),
  usage: UsageWireSchema,
});
const TextWireSchema = z.object({ text: z.string() });
const ToolUseWireSchema = z.object({ id: z.string().min(1), name: z.string().min(1), input: z.unknown() });

function toolInput(name: string, input: unknown): Record<string, unknown> {
  if (input == null) return {};
  if (typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  return parseToolArguments(PROVIDER, name, typeof input === 'string' ? input : JSON.stringify(input));
}

/** Maps a Messages API response; thinking and server-tool blocks are dropped. */
export function fromAnthropicMessage(response: unknown): LlmChatResult {
  const message = parseWire(PROVIDER, MessageWireSchema, response, 'message');
  const content: Block[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      content.push({ type: 'text', text: parseWire(PROVIDER, TextWireSchema, block, 'text block').text });
    } else if (block.type === 'tool_use') {
      const use = parseWire(PROVIDER, ToolUseWireSchema, block, 'tool_use block');
      content.push({ type: 'tool_use', id: use.id, name: use.name, input: toolInput(use.name, use.input) });
    }
  }
  return {
    content,
    stop_reason: mapStopReason(message.stop_reason),
    usage: mapUsage(message.usage),
    model: message.model,
  };
}

const StreamEventWireSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ usage: UsageWireSchema }) }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number(),
    content_block: z.looseObject({ type: z.string() }),
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number(),
    delta: z.looseObject({
      type: z.string(),
      text: z.string().optional(),
      partial_json: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: UsageWireSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
]);

const HANDLED_EVENTS = new Set<string>(StreamEventWireSchema.options.map((o) => o.shape.type.value));

type OpenTool = { id: string; name: string; json: string; startInput: unknown };

/** Turns Messages API stream events into neutral stream events, one event at a time. */
export class AnthropicStreamTranslator {
  readonly #tools = new Map<number, OpenTool>();
  #usage: UsageWire = {};
  #stopReason: string | null | undefined;

  push(raw: unknown): StreamEvent[] {
    const type = (raw as { type?: unknown } | null)?.type;
    // ping and future event types carry nothing we report.
    if (typeof type !== 'string' || !HANDLED_EVENTS.has(type)) return [];
    const event = parseWire(PROVIDER, StreamEventWireSchema, raw, 'stream event');
    switch (event.type) {
      case 'message_start':
        this.#usage = { ...event.message.usage };
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          const { text } = parseWire(PROVIDER, TextWireSchema, block, 'text block');
          return text === '' ? [] : [{ type: 'text', text }];
        }
        if (block.type !== 'tool_use') return [];
        const use = parseWire(PROVIDER, ToolUseWireSchema, block, 'tool_use block');
        this.#tools.set(event.index, { id: use.id, name: use.name, json: '', startInput: use.input });
        return [{ type: 'tool_use_start', id: use.id, name: use.name }];
      }
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta' && delta.text) return [{ type: 'text', text: delta.text }];
        const tool = this.#tools.get(event.index);
        if (delta.type !== 'input_json_delta' || !tool || !delta.partial_json) return [];
        tool.json += delta.partial_json;
        return [{ type: 'tool_use_delta', id: tool.id, partial_json: delta.partial_json }];
      }
      case 'content_block_stop': {
        const tool = this.#tools.get(event.index);
        if (!tool) return [];
        this.#tools.delete(event.index);
        const input =
          tool.json === ''
            ? toolInput(tool.name, tool.startInput ?? {})
            : parseToolArguments(PROVIDER, tool.name, tool.json);
        return [{ type: 'tool_use_end', id: tool.id, input }];
      }
      case 'message_delta': {
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        // message_delta counts are cumulative; a null means "unchanged".
        for (const [key, value] of Object.entries(event.usage ?? {})) {
          if (value != null) this.#usage = { ...this.#usage, [key]: value };
        }
        return [];
      }
      case 'message_stop':
        return [{ type: 'done', stop_reason: mapStopReason(this.#stopReason), usage: mapUsage(this.#usage) }];
    }
  }
}
