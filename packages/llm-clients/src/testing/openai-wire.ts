import type { Block, Message, StopReason } from '@pgmcp/api-contract';
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

const FINISH_REASONS: Record<StopReason, string> = {
  end_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  stop_sequence: 'stop',
};

const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
};

function errorBody(status: number, message: string, type?: string, code?: string) {
  const defaults = ERRORS[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return { error: { message, type: type ?? defaults.type, param: null, code: code ?? defaults.code } };
}

function wireUsage(reply: FakeMessageReply) {
  const u = usageOf(reply);
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.input_tokens + u.output_tokens,
    prompt_tokens_details: { cached_tokens: u.cache_read_tokens ?? 0 },
  };
}

function finishReason(reply: FakeMessageReply): string {
  return reply.wireStopReason ?? FINISH_REASONS[stopReasonOf(reply)];
}

function toolCalls(reply: FakeMessageReply, ctx: RenderContext) {
  return (reply.toolCalls ?? []).map((call) => ({ ...call, id: call.id ?? ctx.nextId('call_fake_') }));
}

function decodeUserContent(content: unknown): string | Block[] {
  if (typeof content === 'string') return content;
  return arr(content).flatMap((part): Block[] => {
    if (part.type === 'text') return [{ type: 'text', text: str(part.text) ?? '' }];
    const url = str((part.image_url as { url?: unknown } | undefined)?.url) ?? '';
    const match = /^data:([^;]+);base64,(.*)$/s.exec(url);
    return match
      ? [{ type: 'image', source: { type: 'base64', media_type: match[1]!, data: match[2]! } }]
      : [];
  });
}

function parseArguments(text: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    return { unparsed_arguments: text };
  }
}

/** OpenAI Chat Completions: /v1/chat/completions (JSON and SSE), /v1/models. */
export const openAiWire: ProviderWire = {
  basePath: '/v1',
  streamContentType: 'text/event-stream',
  route(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions') return 'chat';
    if (method === 'GET' && path === '/v1/models') return 'models';
    return undefined;
  },
  presentedKey: bearerKey,
  authError: (presented) =>
    jsonResponse(
      401,
      errorBody(
        401,
        `Incorrect API key provided: ${presented ?? '(none)'}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      ),
    ),
  notFound: (message) => jsonResponse(404, errorBody(404, message)),
  error: (reply) =>
    jsonResponse(
      reply.status,
      reply.body ?? errorBody(reply.status, reply.message, reply.type, reply.code),
      reply.headers,
    ),
  streamError: (reply) =>
    `data: ${JSON.stringify(reply.body ?? errorBody(reply.status, reply.message, reply.type, reply.code))}\n\n`,

  decode(body) {
    const system: string[] = [];
    const messages: Message[] = [];
    for (const m of arr(body.messages)) {
      if (m.role === 'system' || m.role === 'developer') system.push(str(m.content) ?? '');
      else if (m.role === 'user') messages.push({ role: 'user', content: decodeUserContent(m.content) });
      else if (m.role === 'assistant') {
        const content: Block[] = m.content ? [{ type: 'text', text: str(m.content) ?? '' }] : [];
        for (const call of arr(m.tool_calls)) {
          const fn = call.function as { name?: unknown; arguments?: unknown };
          content.push({
            type: 'tool_use',
            id: str(call.id) ?? '',
            name: str(fn.name) ?? '',
            input: parseArguments(str(fn.arguments)),
          });
        }
        messages.push({ role: 'assistant', content });
      } else if (m.role === 'tool') {
        const result: Block = {
          type: 'tool_result',
          tool_use_id: str(m.tool_call_id) ?? '',
          content: str(m.content) ?? '',
        };
        // Consecutive tool messages answer one assistant turn: one user message in the neutral model.
        const last = messages.at(-1);
        if (
          last?.role === 'user' &&
          Array.isArray(last.content) &&
          last.content.every((b) => b.type === 'tool_result')
        ) {
          last.content.push(result);
        } else messages.push({ role: 'user', content: [result] });
      }
    }
    return {
      model: str(body.model) ?? '',
      ...(system.length === 0 ? {} : { system: system.join('\n') }),
      messages,
      tools: arr(body.tools).map((t) => {
        const fn = t.function as { name?: unknown; description?: unknown; parameters?: unknown };
        return {
          name: str(fn.name) ?? '',
          description: str(fn.description) ?? '',
          input_schema: (fn.parameters ?? {}) as Record<string, unknown>,
        };
      }),
      stream: body.stream === true,
    };
  },

  json(reply, ctx) {
    const calls = toolCalls(reply, ctx);
    return {
      id: ctx.nextId('chatcmpl-fake'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: ctx.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: reply.text ?? null,
            refusal: null,
            ...(calls.length === 0
              ? {}
              : {
                  tool_calls: calls.map((c) => ({
                    id: c.id,
                    type: 'function',
                    function: { name: c.name, arguments: argumentsOf(c) },
                  })),
                }),
          },
          logprobs: null,
          finish_reason: finishReason(reply),
        },
      ],
      usage: wireUsage(reply),
    };
  },

  streamPrefix(text, ctx) {
    // Everything but the finish chunk and [DONE] (no usage chunk: the body says nothing of it).
    return this.stream({ kind: 'message', text }, { ...ctx, body: {} }).chunks.slice(0, -2);
  },

  stream(reply, ctx) {
    const shape = reply.stream ?? {};
    const base = {
      id: ctx.nextId('chatcmpl-fake'),
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: ctx.model,
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    const index = (i: number) => (shape.omitToolCallIndex ? {} : { index: i });
    const chunks = [chunk({ role: 'assistant', content: '' })];
    for (const content of pieces(reply.text ?? '', shape.textChunkSize ?? 8)) chunks.push(chunk({ content }));

    const calls = toolCalls(reply, ctx);
    const start = (i: number, args: string) => {
      const call = calls[i]!;
      return chunk({
        tool_calls: [
          { ...index(i), id: call.id, type: 'function', function: { name: call.name, arguments: args } },
        ],
      });
    };
    const argChunk = (i: number, args: string) =>
      chunk({ tool_calls: [{ ...index(i), function: { arguments: args } }] });
    const argPieces = calls.map((c) => pieces(argumentsOf(c), shape.argsChunkSize ?? 10));
    if (shape.argsInFirstChunk) {
      calls.forEach((c, i) => chunks.push(start(i, argumentsOf(c))));
    } else if (shape.interleaveToolCalls) {
      calls.forEach((_, i) => chunks.push(start(i, '')));
      for (let round = 0; argPieces.some((p) => round < p.length); round++) {
        argPieces.forEach((p, i) => {
          if (round < p.length) chunks.push(argChunk(i, p[round]!));
        });
      }
    } else {
      calls.forEach((_, i) => {
        chunks.push(start(i, ''));
        for (const p of argPieces[i]!) chunks.push(argChunk(i, p));
      });
    }
    chunks.push(chunk({}, finishReason(reply)));
    const options = ctx.body.stream_options as { include_usage?: unknown } | undefined;
    if (options?.include_usage === true) {
      chunks.push(`data: ${JSON.stringify({ ...base, choices: [], usage: wireUsage(reply) })}\n\n`);
    }
    chunks.push('data: [DONE]\n\n');
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      chunks,
    };
  },

  models: (models) => ({
    object: 'list',
    data: models.map((m) => ({
      id: m.id,
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'fake',
      ...(m.context_window === undefined ? {} : { context_length: m.context_window }),
    })),
  }),
};
