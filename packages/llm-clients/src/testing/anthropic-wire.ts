import type { Block, Message } from '@pgmcp/api-contract';
import type { FakeMessageReply } from './replies.js';
import {
  argumentsOf,
  arr,
  bearerKey,
  jsonResponse,
  pieces,
  stopReasonOf,
  str,
  usageOf,
  type ProviderWire,
  type RenderContext,
} from './wire.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function errorBody(status: number, message: string, type?: string) {
  return {
    type: 'error',
    error: {
      type: type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
      message,
    },
    request_id: 'req_fake',
  };
}

function wireUsage(reply: FakeMessageReply) {
  const u = usageOf(reply);
  const read = u.cache_read_tokens ?? 0;
  const write = u.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, u.input_tokens - read - write),
    output_tokens: u.output_tokens,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write,
  };
}

function toolCalls(reply: FakeMessageReply, ctx: RenderContext) {
  return (reply.toolCalls ?? []).map((call) => ({ ...call, id: call.id ?? ctx.nextId('toolu_fake_') }));
}

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function decodeBlock(block: Record<string, unknown>): Block | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: str(block.text) ?? '' };
    case 'image': {
      const source = block.source as { media_type: string; data: string };
      return { type: 'image', source: { type: 'base64', media_type: source.media_type, data: source.data } };
    }
    case 'tool_use':
      return {
        type: 'tool_use',
        id: str(block.id) ?? '',
        name: str(block.name) ?? '',
        input: block.input as Record<string, unknown>,
      };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: str(block.tool_use_id) ?? '',
        content:
          typeof block.content === 'string'
            ? block.content
            : arr(block.content).flatMap((b) => {
                const inner = decodeBlock(b);
                return inner?.type === 'text' || inner?.type === 'image' ? [inner] : [];
              }),
        ...(typeof block.is_error === 'boolean' ? { is_error: block.is_error } : {}),
      };
    default:
      return undefined;
  }
}

/** Anthropic Messages API: /v1/messages (JSON and SSE), /v1/models. */
export const anthropicWire: ProviderWire = {
  basePath: '',
  streamContentType: 'text/event-stream',
  route(method, path) {
    if (method === 'POST' && path === '/v1/messages') return 'chat';
    if (method === 'GET' && path === '/v1/models') return 'models';
    return undefined;
  },
  presentedKey: (headers) =>
    typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : bearerKey(headers),
  authError: (presented) => jsonResponse(401, errorBody(401, `invalid x-api-key: ${presented ?? '(none)'}`)),
  notFound: (message) => jsonResponse(404, errorBody(404, message)),
  error: (reply) =>
    jsonResponse(
      reply.status,
      reply.body ?? errorBody(reply.status, reply.message, reply.type),
      reply.headers,
    ),
  streamError: (reply) =>
    `event: error\ndata: ${JSON.stringify(reply.body ?? errorBody(reply.status, reply.message, reply.type))}\n\n`,

  decode(body) {
    const system = Array.isArray(body.system)
      ? arr(body.system)
          .map((b) => str(b.text) ?? '')
          .join('\n')
      : str(body.system);
    const messages = arr(body.messages).map((m): Message => ({
      role: m.role === 'assistant' ? 'assistant' : 'user',
      content:
        typeof m.content === 'string'
          ? m.content
          : arr(m.content).flatMap((b) => {
              const block = decodeBlock(b);
              return block ? [block] : [];
            }),
    }));
    return {
      model: str(body.model) ?? '',
      ...(system === undefined ? {} : { system }),
      messages,
      tools: arr(body.tools).map((t) => ({
        name: str(t.name) ?? '',
        description: str(t.description) ?? '',
        input_schema: (t.input_schema ?? {}) as Record<string, unknown>,
      })),
      stream: body.stream === true,
    };
  },

  json(reply, ctx) {
    const content: unknown[] = reply.text ? [{ type: 'text', text: reply.text, citations: null }] : [];
    for (const call of toolCalls(reply, ctx)) {
      const input: unknown = call.rawArguments ?? call.input ?? {};
      content.push({ type: 'tool_use', id: call.id, name: call.name, input });
    }
    return {
      id: ctx.nextId('msg_fake_'),
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content,
      stop_reason: reply.wireStopReason ?? stopReasonOf(reply),
      stop_sequence: null,
      usage: wireUsage(reply),
    };
  },

  streamPrefix(text, ctx) {
    // Everything but content_block_stop, message_delta and message_stop.
    return this.stream({ kind: 'message', text }, ctx).chunks.slice(0, -3);
  },

  stream(reply, ctx) {
    const shape = reply.stream ?? {};
    const usage = wireUsage(reply);
    const chunks = [
      sse('message_start', {
        message: {
          id: ctx.nextId('msg_fake_'),
          type: 'message',
          role: 'assistant',
          model: ctx.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      }),
      sse('ping', {}),
    ];
    let index = 0;
    if (reply.text) {
      chunks.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of pieces(reply.text, shape.textChunkSize ?? 8)) {
        chunks.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
      chunks.push(sse('content_block_stop', { index }));
      index++;
    }
    for (const call of toolCalls(reply, ctx)) {
      chunks.push(
        sse('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        }),
      );
      // The real API opens every tool block with an empty delta.
      chunks.push(
        sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }),
      );
      for (const partial_json of pieces(argumentsOf(call), shape.argsChunkSize ?? 10)) {
        chunks.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
      chunks.push(sse('content_block_stop', { index }));
      index++;
    }
    chunks.push(
      sse('message_delta', {
        delta: { stop_reason: reply.wireStopReason ?? stopReasonOf(reply), stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
      sse('message_stop', {}),
    );
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      chunks,
    };
  },

  models(models) {
    const data = models.map((m) => ({
      type: 'model',
      id: m.id,
      display_name: m.id,
      created_at: '2025-01-01T00:00:00Z',
      lifecycle: m.chat === false ? 'retired' : 'active',
      max_input_tokens: m.context_window ?? null,
      max_tokens: null,
    }));
    return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  },
};
