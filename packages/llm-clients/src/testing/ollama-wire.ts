import type { Block, Message } from '@pgmcp/api-contract';
import type { FakeMessageReply } from './replies.js';
import {
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

const ARCH = 'llama';

function doneFields(reply: FakeMessageReply) {
  const usage = usageOf(reply);
  return {
    done: true,
    done_reason: reply.wireStopReason ?? (stopReasonOf(reply) === 'max_tokens' ? 'length' : 'stop'),
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: usage.input_tokens,
    prompt_eval_duration: 200_000,
    eval_count: usage.output_tokens,
    eval_duration: 700_000,
  };
}

// Ollama sends whole calls with object arguments and, traditionally, no ids.
function toolCalls(reply: FakeMessageReply) {
  return (reply.toolCalls ?? []).map((call) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    function: { name: call.name, arguments: call.rawArguments ?? call.input ?? {} },
  }));
}

function line(ctx: RenderContext, fields: Record<string, unknown>): string {
  return `${JSON.stringify({ model: ctx.model, created_at: new Date().toISOString(), ...fields })}\n`;
}

/** Ollama: /api/chat (JSON and NDJSON), /api/tags, /api/show. */
export const ollamaWire: ProviderWire = {
  basePath: '',
  streamContentType: 'application/x-ndjson',
  route(method, path) {
    if (method === 'POST' && path === '/api/chat') return 'chat';
    if (method === 'GET' && path === '/api/tags') return 'models';
    if (method === 'POST' && path === '/api/show') return 'show';
    return undefined;
  },
  presentedKey: bearerKey,
  authError: (presented) =>
    jsonResponse(401, { error: `unauthorized: invalid key ${presented ?? '(none)'}` }),
  notFound: (message) => jsonResponse(404, { error: message }),
  error: (reply) => jsonResponse(reply.status, reply.body ?? { error: reply.message }, reply.headers),
  streamError: (reply) => `${JSON.stringify(reply.body ?? { error: reply.message })}\n`,

  decode(body) {
    const system: string[] = [];
    const messages: Message[] = [];
    // Ollama tool messages name the tool, not the call: answer the oldest open call of that name.
    const open: { id: string; name: string }[] = [];
    arr(body.messages).forEach((m, mi) => {
      const text = str(m.content) ?? '';
      if (m.role === 'system') system.push(text);
      else if (m.role === 'assistant') {
        const content: Block[] = text === '' ? [] : [{ type: 'text', text }];
        arr(m.tool_calls).forEach((call, ci) => {
          const fn = call.function as { name?: unknown; arguments?: unknown };
          const use = { id: str(call.id) ?? `ollama_call_${mi}_${ci}`, name: str(fn.name) ?? '' };
          open.push(use);
          content.push({ type: 'tool_use', ...use, input: (fn.arguments ?? {}) as Record<string, unknown> });
        });
        messages.push({ role: 'assistant', content });
      } else if (m.role === 'tool') {
        const at = open.findIndex((c) => c.name === m.tool_name);
        const [call] = at === -1 ? [] : open.splice(at, 1);
        messages.push({
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: text }],
        });
      } else {
        const images = Array.isArray(m.images) ? (m.images as string[]) : [];
        messages.push({
          role: 'user',
          content:
            images.length === 0
              ? text
              : [
                  ...(text === '' ? [] : [{ type: 'text' as const, text }]),
                  ...images.map((data) => ({
                    type: 'image' as const,
                    source: { type: 'base64' as const, media_type: 'image/*', data },
                  })),
                ],
        });
      }
    });
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
      // Ollama streams unless told not to.
      stream: body.stream !== false,
    };
  },

  json(reply, ctx) {
    const calls = toolCalls(reply);
    return {
      model: ctx.model,
      created_at: new Date().toISOString(),
      message: {
        role: 'assistant',
        content: reply.text ?? '',
        ...(calls.length === 0 ? {} : { tool_calls: calls }),
      },
      ...doneFields(reply),
    };
  },

  streamPrefix(text, ctx) {
    // Everything but the final done line.
    return this.stream({ kind: 'message', text }, ctx).chunks.slice(0, -1);
  },

  stream(reply, ctx) {
    const chunks = pieces(reply.text ?? '', reply.stream?.textChunkSize ?? 8).map((content) =>
      line(ctx, { message: { role: 'assistant', content }, done: false }),
    );
    const calls = toolCalls(reply);
    if (calls.length > 0) {
      chunks.push(line(ctx, { message: { role: 'assistant', content: '', tool_calls: calls }, done: false }));
    }
    chunks.push(line(ctx, { message: { role: 'assistant', content: '' }, ...doneFields(reply) }));
    return { status: 200, headers: { 'content-type': 'application/x-ndjson' }, chunks };
  },

  models: (models) => ({
    models: models.map((m) => ({
      name: m.id,
      model: m.id,
      modified_at: '2025-01-01T00:00:00Z',
      size: 2_000_000_000,
      digest: 'fake',
      details: {
        parent_model: '',
        format: 'gguf',
        family: ARCH,
        families: [ARCH],
        parameter_size: '3B',
        quantization_level: 'Q4_K_M',
      },
    })),
  }),

  show(models, body) {
    const name = str(body.model) ?? str(body.name);
    const model = models.find((m) => m.id === name);
    if (!model) return jsonResponse(404, { error: `model '${name ?? ''}' not found` });
    return jsonResponse(200, {
      license: '',
      modelfile: '',
      parameters: '',
      template: '',
      details: {
        parent_model: '',
        format: 'gguf',
        family: ARCH,
        families: [ARCH],
        parameter_size: '3B',
        quantization_level: 'Q4_K_M',
      },
      model_info: {
        'general.architecture': ARCH,
        ...(model.context_window === undefined ? {} : { [`${ARCH}.context_length`]: model.context_window }),
      },
      capabilities: model.chat === false ? ['embedding'] : ['completion', 'tools'],
      modified_at: '2025-01-01T00:00:00Z',
    });
  },
};
