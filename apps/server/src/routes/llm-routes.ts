import type { ChatRequest, StreamEvent } from '@pgmcp/api-contract';
import {
  type ConfiguredProvider,
  LLM_NOT_CONFIGURED_MESSAGE,
  type LlmProviders,
  providerKeyVariable,
} from '@pgmcp/config/llm';
import { isLlmClientError, LlmClientError, type LlmChatRequest } from '@pgmcp/llm-clients';
import type { Context } from 'hono';
import type { Caller } from '../auth/caller.js';
import type { RateLimit } from '../auth/rate-limit.js';
import { RestError } from '../errors/rest-error.js';
import type { Logger } from '../logger.js';
import type { RouteGuards, RouteHandlers } from './register-routes.js';

/** What the LLM proxy needs. */
export interface LlmRouteDeps {
  llm: LlmProviders;
  logger: Logger;
  /** Model calls per user (`llm.requests_per_minute`), shared with compaction's LLM summaries. */
  llmRateLimit: RateLimit;
}

type LlmRoutes = 'llmProviders' | 'llmModels' | 'llmChat' | 'llmChatStream';

function sse(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A failure as the caller sees it: never a key, and a wrong key is the administrator's to fix. */
function publicFailure(llm: LlmProviders, provider: ConfiguredProvider, code: string, message: string) {
  if (code === 'BAD_API_KEY') {
    const variable = providerKeyVariable(provider.name);
    return {
      code,
      message: `${provider.label} rejected this server's API key, so the LLM proxy cannot call it. An administrator must set a valid ${variable ? `${variable} (or ` : ''}llm.providers.${provider.name}.api_key${variable ? ')' : ''} and restart pgmcp.`,
    };
  }
  return { code, message: llm.redact(message) };
}

/** `/api/v1/llm/*`: the LLM proxy. Provider keys stay here; callers only see answers and clean errors. */
export function llmRoutes(deps: LlmRouteDeps): { handlers: RouteHandlers<LlmRoutes>; guards: RouteGuards } {
  const { llm, logger } = deps;
  const { settings } = llm;

  const configured = () => {
    if (!llm.defaultProvider) {
      throw new RestError('UNAVAILABLE', LLM_NOT_CONFIGURED_MESSAGE, { bodyCode: 'LLM_NOT_CONFIGURED' });
    }
  };

  // Checked on the raw text before parsing, so an oversized body costs no JSON work.
  const sizeCapped = async (c: Context) => {
    const bytes = Buffer.byteLength(await c.req.text());
    if (bytes > settings.max_request_bytes) {
      throw new RestError(
        'PAYLOAD_TOO_LARGE',
        `The chat request is ${Math.ceil(bytes / 1024)} KiB; this server accepts at most ${Math.floor(settings.max_request_bytes / 1024)} KiB per model call (llm.max_request_bytes). Compact the conversation (POST /api/v1/chat/compact) or send fewer or smaller messages.`,
      );
    }
  };

  const modelCall = async (c: Context, caller: Caller | undefined) => {
    configured();
    await deps.llmRateLimit.charge(caller!.user.id);
    await sizeCapped(c);
  };

  /** The provider a request names (or the default). */
  const pick = (name: string | undefined): ConfiguredProvider => {
    const provider = llm.find(name);
    if (provider) return provider;
    throw new RestError(
      'BAD_REQUEST',
      `The LLM provider "${name}" is not configured on this server; configured: ${llm.providers.map((p) => p.name).join(', ')}. GET /api/v1/llm/providers lists them.`,
    );
  };

  /** Logs a provider failure and rethrows it as the caller may see it. */
  const publicError = (provider: ConfiguredProvider, error: unknown): never => {
    if (!isLlmClientError(error)) throw error;
    const { code, message } = publicFailure(llm, provider, error.code, error.message);
    logger.warn(
      { provider: provider.name, code, upstream_status: error.status, message },
      'LLM provider call failed',
    );
    throw new LlmClientError(error.code, message, {
      provider: provider.name,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    });
  };

  const toClientRequest = (
    body: ChatRequest,
    provider: ConfiguredProvider,
    signal: AbortSignal,
  ): LlmChatRequest => ({
    model: body.model ?? provider.defaultModel,
    messages: body.messages,
    ...(body.system !== undefined ? { system: body.system } : {}),
    ...(body.tools ? { tools: body.tools } : {}),
    ...(body.tool_choice ? { tool_choice: body.tool_choice } : {}),
    ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    signal,
  });

  const checkMessageCount = (body: ChatRequest) => {
    if (body.messages.length > settings.max_messages) {
      throw new RestError(
        'PAYLOAD_TOO_LARGE',
        `The chat has ${body.messages.length} messages; this server accepts at most ${settings.max_messages} per model call (llm.max_messages). Compact the conversation first (POST /api/v1/chat/compact).`,
      );
    }
  };

  const handlers: RouteHandlers<LlmRoutes> = {
    // No provider is a state the web client shows, not a failure: 200 saying what to set.
    llmProviders: () =>
      llm.defaultProvider
        ? {
            providers: llm.providers.map((p) => ({ name: p.name, default_model: p.defaultModel })),
            default_provider: llm.defaultProvider.name,
          }
        : { providers: [], default_provider: null, not_configured: LLM_NOT_CONFIGURED_MESSAGE },

    llmModels: async ({ c, query }) => {
      const provider = pick(query.provider);
      const models = await provider
        .listModels(c.req.raw.signal)
        .catch((error: unknown) => publicError(provider, error));
      return {
        models: models.map((m) => ({
          id: m.id,
          ...(m.context_window !== undefined ? { context_window: m.context_window } : {}),
        })),
      };
    },

    llmChat: async ({ c, caller, body }) => {
      checkMessageCount(body);
      const provider = pick(body.provider);
      const started = performance.now();
      const result = await provider.client
        .chat(toClientRequest(body, provider, c.req.raw.signal))
        .catch((error: unknown) => publicError(provider, error));
      logger.info(
        {
          user: caller.user.username,
          provider: provider.name,
          model: result.model,
          ms: Math.round(performance.now() - started),
          input_tokens: result.usage.input_tokens,
          output_tokens: result.usage.output_tokens,
        },
        'llm chat',
      );
      return {
        content: result.content,
        stop_reason: result.stop_reason,
        usage: result.usage,
        provider: provider.name,
        model: result.model,
      };
    },

    llmChatStream: ({ c, caller, body }) => {
      checkMessageCount(body);
      const provider = pick(body.provider);
      return streamAnswer(c, {
        llm,
        logger,
        provider,
        user: caller.user.username,
        request: body,
        toClientRequest,
      });
    },
  };

  return {
    handlers,
    guards: { llmModels: configured, llmChat: modelCall, llmChatStream: modelCall },
  };
}

/** The model's answer as server-sent events; failures after the start travel as `error` events. */
function streamAnswer(
  c: Context,
  options: {
    llm: LlmProviders;
    logger: Logger;
    provider: ConfiguredProvider;
    user: string;
    request: ChatRequest;
    toClientRequest: (body: ChatRequest, provider: ConfiguredProvider, signal: AbortSignal) => LlmChatRequest;
  },
): Response {
  const { llm, logger, provider, user } = options;
  // Aborted when the client goes away (request signal or the response stream being cancelled).
  const upstream = new AbortController();
  const clientGone = () => upstream.abort();
  const requestSignal = c.req.raw.signal;
  requestSignal.addEventListener('abort', clientGone, { once: true });
  const request = options.toClientRequest(options.request, provider, upstream.signal);
  const encoder = new TextEncoder();
  const keepAliveMs = llm.settings.keepalive_seconds * 1000;

  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const started = performance.now();
    let open = true;
    let timer: NodeJS.Timeout | undefined;
    const write = (text: string) => {
      if (!open) return;
      try {
        controller.enqueue(encoder.encode(text));
      } catch {
        open = false;
        upstream.abort();
        return;
      }
      clearTimeout(timer);
      // A comment line keeps proxies and browsers from timing out while the model thinks.
      timer = setTimeout(() => write(': keep-alive\n\n'), keepAliveMs);
    };
    let outcome = 'incomplete';
    let events = 0;
    let usage: { input_tokens: number; output_tokens: number } | undefined;
    try {
      timer = setTimeout(() => write(': keep-alive\n\n'), keepAliveMs);
      for await (const event of provider.client.stream(request)) {
        events++;
        if (event.type === 'error') {
          outcome = upstream.signal.aborted ? 'client_disconnected' : event.code;
          const failure = publicFailure(llm, provider, event.code, event.message);
          write(sse({ type: 'error', ...failure }));
          if (!upstream.signal.aborted) {
            logger.warn({ provider: provider.name, ...failure }, 'LLM provider stream failed');
          }
        } else {
          if (event.type === 'done') {
            outcome = 'ok';
            usage = event.usage;
          }
          write(sse(event));
        }
      }
    } catch (error) {
      // stream() reports failures as events; anything thrown is a bug here.
      outcome = 'INTERNAL';
      logger.error({ err: error, provider: provider.name }, 'LLM stream failed');
      write(sse({ type: 'error', code: 'INTERNAL', message: 'Internal server error.' }));
    } finally {
      clearTimeout(timer);
      requestSignal.removeEventListener('abort', clientGone);
      if (open) {
        open = false;
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      }
      logger.info(
        {
          user,
          provider: provider.name,
          model: request.model,
          ms: Math.round(performance.now() - started),
          events,
          outcome,
          ...(usage ? { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens } : {}),
        },
        'llm stream',
      );
    }
  };

  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => {
      void pump(controller);
    },
    cancel: () => upstream.abort(),
  });
  return c.body(stream, 200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
}
