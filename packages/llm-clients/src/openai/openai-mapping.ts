import type { Block, ImageBlock, Message, StopReason, StreamEvent, Usage } from '@pgmcp/api-contract';
import type OpenAI from 'openai';
import { z } from 'zod';
import type { ResolvedChatRequest } from '../client-runtime.js';
import { LlmClientError } from '../errors.js';
import { mergeSameRoleTurns } from '../merge-turns.js';
import { parseWire } from '../parse-wire.js';
import { newToolCallId, parseToolArguments } from '../tool-arguments.js';
import type { LlmChatResult } from '../types.js';

type MessageParam = OpenAI.ChatCompletionMessageParam;
type UserPart = OpenAI.ChatCompletionContentPartText | OpenAI.ChatCompletionContentPartImage;

const PROVIDER = 'openai';

/** Which body field carries the output limit: OpenAI's own API wants the newer name. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

function badRequest(message: string): LlmClientError {
  return new LlmClientError('BAD_REQUEST', `${PROVIDER}: ${message}`, { provider: PROVIDER });
}

function imagePart(block: ImageBlock): OpenAI.ChatCompletionContentPartImage {
  return {
    type: 'image_url',
    image_url: { url: `data:${block.source.media_type};base64,${block.source.data}` },
  };
}

/** Plain string content where possible: several OpenAI-compatible servers reject part arrays. */
function userContent(parts: UserPart[]): string | UserPart[] {
  return parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('\n\n') : parts;
}

function userMessages(blocks: Block[]): MessageParam[] {
  // Tool results must directly follow the assistant's tool_calls, so they go first.
  const toolMessages: MessageParam[] = [];
  const parts: UserPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: block.text });
        break;
      case 'image':
        parts.push(imagePart(block));
        break;
      case 'tool_result': {
        const items =
          typeof block.content === 'string'
            ? [{ type: 'text' as const, text: block.content }]
            : block.content;
        const text = items.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
        // Tool messages hold text only; images a tool returned travel in the user message after them.
        for (const b of items) if (b.type === 'image') parts.push(imagePart(b));
        toolMessages.push({
          role: 'tool',
          tool_call_id: block.tool_use_id,
          content: block.is_error ? `Error: ${text}` : text,
        });
        break;
      }
      case 'tool_use':
        throw badRequest('a user message cannot contain a tool_use block.');
    }
  }
  return parts.length === 0 ? toolMessages : [...toolMessages, { role: 'user', content: userContent(parts) }];
}

function assistantMessage(blocks: Block[]): MessageParam {
  const text: string[] = [];
  const calls: OpenAI.ChatCompletionMessageFunctionToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'tool_use') {
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    } else throw badRequest(`an assistant message cannot contain a ${block.type} block.`);
  }
  return {
    role: 'assistant',
    content: text.length === 0 ? null : text.join('\n\n'),
    ...(calls.length === 0 ? {} : { tool_calls: calls }),
  };
}

/**
 * Neutral messages → Chat Completions messages (system first, tool results as role "tool").
 * Same-role neighbours are merged first: many OpenAI-compatible servers' chat templates refuse
 * turns that do not alternate.
 */
export function toOpenAiMessages(system: string | undefined, messages: Message[]): MessageParam[] {
  const out: MessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of mergeSameRoleTurns(messages)) {
    if (typeof m.content === 'string') out.push({ role: m.role, content: m.content });
    else if (m.role === 'user') out.push(...userMessages(m.content));
    else out.push(assistantMessage(m.content));
  }
  return out;
}

function toolChoice(
  choice: ResolvedChatRequest['tool_choice'],
): OpenAI.ChatCompletionToolChoiceOption | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return choice.type;
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/** The Chat Completions body (without `stream`). */
export function toOpenAiParams(
  request: ResolvedChatRequest,
  options: { maxTokensField: MaxTokensField },
): OpenAI.ChatCompletionCreateParamsNonStreaming {
  const tools = request.tools?.map((tool): OpenAI.ChatCompletionFunctionTool => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.input_schema },
  }));
  const choice = tools && tools.length > 0 ? toolChoice(request.tool_choice) : undefined;
  return {
    model: request.model,
    messages: toOpenAiMessages(request.system, request.messages),
    [options.maxTokensField]: request.max_tokens,
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(choice === undefined ? {} : { tool_choice: choice }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

/** Some servers (Gemini) answer `stop` even when the message calls tools. */
export function mapFinishReason(reason: string | null | undefined, calledTools: boolean): StopReason {
  if (reason === 'length') return 'max_tokens';
  return calledTools || reason === 'tool_calls' || reason === 'function_call' ? 'tool_use' : 'end_turn';
}

const UsageWireSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
});

function mapUsage(usage: z.infer<typeof UsageWireSchema> | null | undefined): Usage {
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    input_tokens: usage?.prompt_tokens ?? 0,
    output_tokens: usage?.completion_tokens ?? 0,
    ...(cached == null ? {} : { cache_read_tokens: cached }),
  };
}

// Some servers send arguments as an object instead of a JSON string.
const ArgumentsWireSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

function argumentsText(args: z.infer<typeof ArgumentsWireSchema>): string {
  return typeof args === 'string' ? args : args == null ? '' : JSON.stringify(args);
}

const CompletionWireSchema = z.object({
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().nullish(),
                function: z.object({ name: z.string().min(1), arguments: ArgumentsWireSchema }),
              }),
            )
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: UsageWireSchema.nullish(),
});

/** Maps a Chat Completions response (first choice). */
export function fromOpenAiCompletion(response: unknown, requestedModel: string): LlmChatResult {
  const completion = parseWire(PROVIDER, CompletionWireSchema, response, 'chat completion');
  const [choice] = completion.choices;
  const { message } = choice!;
  const content: Block[] = message.content ? [{ type: 'text', text: message.content }] : [];
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id || newToolCallId(),
      name: call.function.name,
      input: parseToolArguments(PROVIDER, call.function.name, argumentsText(call.function.arguments)),
    });
  }
  return {
    content,
    stop_reason: mapFinishReason(choice!.finish_reason, (message.tool_calls ?? []).length > 0),
    usage: mapUsage(completion.usage),
    model: completion.model || requestedModel,
  };
}

const ChunkWireSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: ArgumentsWireSchema })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: UsageWireSchema.nullish(),
});

type ToolCallState = { id: string; name: string; args: string; ended: boolean };

/**
 * Turns Chat Completions chunks into neutral stream events. Handles every shape servers send:
 * arguments split over many chunks, complete in the first chunk (Gemini), parallel calls
 * interleaved by `index`, and calls without `index` (told apart by a new `id`).
 */
export class OpenAiStreamTranslator {
  readonly #calls: ToolCallState[] = [];
  readonly #byIndex = new Map<number, ToolCallState>();
  #finishReason: string | undefined;
  #usage: z.infer<typeof UsageWireSchema> | undefined;

  push(raw: unknown): StreamEvent[] {
    const chunk = parseWire(PROVIDER, ChunkWireSchema, raw, 'stream chunk');
    if (chunk.usage) this.#usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return [];
    const events: StreamEvent[] = [];
    if (choice.delta?.content) events.push({ type: 'text', text: choice.delta.content });
    for (const [position, delta] of (choice.delta?.tool_calls ?? []).entries()) {
      const key = delta.index ?? position;
      let call = this.#byIndex.get(key);
      if (!call || (delta.id && delta.id !== call.id)) {
        const name = delta.function?.name;
        if (!name) {
          throw new LlmClientError(
            'BAD_RESPONSE',
            `${PROVIDER}: a streamed tool call started without a name.`,
            {
              provider: PROVIDER,
            },
          );
        }
        call = { id: delta.id || newToolCallId(), name, args: '', ended: false };
        this.#calls.push(call);
        this.#byIndex.set(key, call);
        events.push({ type: 'tool_use_start', id: call.id, name });
      }
      const piece = argumentsText(delta.function?.arguments);
      if (piece !== '') {
        call.args += piece;
        events.push({ type: 'tool_use_delta', id: call.id, partial_json: piece });
      }
    }
    if (choice.finish_reason) {
      this.#finishReason = choice.finish_reason;
      events.push(...this.#endCalls());
    }
    return events;
  }

  /** Called when the server closed the stream; the usage chunk, if any, has arrived by then. */
  finish(): StreamEvent[] {
    if (this.#finishReason === undefined) {
      throw new LlmClientError('BAD_RESPONSE', `${PROVIDER}: the stream ended without a finish_reason.`, {
        provider: PROVIDER,
      });
    }
    return [
      ...this.#endCalls(),
      {
        type: 'done',
        stop_reason: mapFinishReason(this.#finishReason, this.#calls.length > 0),
        usage: mapUsage(this.#usage),
      },
    ];
  }

  #endCalls(): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const call of this.#calls) {
      if (call.ended) continue;
      call.ended = true;
      events.push({
        type: 'tool_use_end',
        id: call.id,
        input: parseToolArguments(PROVIDER, call.name, call.args),
      });
    }
    return events;
  }
}
