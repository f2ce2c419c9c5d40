import {
  type ChatRequest,
  ChatRequestSchema,
  type ChatResponse,
  type LlmModelsResponse,
  LlmModelsQuerySchema,
  type LlmProvidersResponse,
  type StreamEvent,
} from '@pgmcp/api-contract';
import { isLlmClientError, type LlmChatRequest } from '@pgmcp/llm-clients';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AuthVariables, requireCaller } from '../auth/caller.js';
import type { ServerDeps } from '../deps.js';
import { ERROR_STATUS, LLM_CLIENT_ERRORS } from '../error-codes.js';
import { errorResponse } from '../http-edge.js';
import {
  type ConfiguredProvider,
  LLM_NOT_CONFIGURED_MESSAGE,
  type LlmProviders,
  providerKeyVariable,
} from '../llm-providers.js';
import { jsonBody } from '../rest.js';

/** How each LLM client failure answers over HTTP; the body's code is the client's own code. */

/** LLM_NOT_CONFIGURED: the proxy is unavailable until an administrator configures a provider. */
const LLM_NOT_CONFIGURED_STATUS = ERROR_STATUS.UNAVAILABLE;
/** Retry-After when a provider rate-limits without saying for how long. */
const DEFAULT_RETRY_AFTER_SECONDS = 10;

type Env = { Variables: AuthVariables };

/** A failure as the caller sees it: never a key, and a wrong key is the administrator's to fix. */
function publicFailure(
  llm: LlmProviders,
  provider: ConfiguredProvider,
  code: string,
  message: string,
): { code: string; message: string } {
  if (code === 'BAD_API_KEY') {
    const variable = providerKeyVariable(provider.name);
    return {
      code,
      message: `${provider.label} rejected this server's API key, so the LLM proxy cannot call it. An administrator must set a valid ${variable ? `${variable} (or ` : ''}llm.providers.${provider.name}.api_key${variable ? ')' : ''} and restart pgmcp.`,
    };
  }
  return { code, message: llm.redact(message) };
}

/**
 * A token bucket per user: `perMinute` calls at once, refilled evenly over the minute. Returns
 * undefined when the call may go ahead, else the seconds until it may.
 */
function createRateLimiter(perMinute: number): (key: string) => number | undefined {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = perMinute / 60_000;
  return (key) => {
    if (perMinute === 0) return undefined;
    const now = Date.now();
    if (buckets.size > 10_000) {
      // Full buckets carry no state worth keeping.
      for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= perMinute) buckets.delete(k);
    }
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  };
}

function sse(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** `/api/v1/llm/*`: the LLM proxy. Provider keys stay here; callers only see answers and clean errors. */
export function llmRoutes(deps: ServerDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { llm, logger } = deps;
  const { settings } = llm;
  const loggedIn = requireCaller(deps.resolveCaller);
  const rateLimit = createRateLimiter(settings.requests_per_minute);

  const fail = (
    c: Context,
    code: string,
    status: ContentfulStatusCode,
    message: string,
    retryAfter?: number,
  ) =>
    c.json(
      { error: { code, message } },
      status,
      retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
    );

  const configured: MiddlewareHandler<Env> = async (c, next) => {
    if (!llm.defaultProvider)
      return fail(c, 'LLM_NOT_CONFIGURED', LLM_NOT_CONFIGURED_STATUS, LLM_NOT_CONFIGURED_MESSAGE);
    await next();
  };

  const limited: MiddlewareHandler<Env> = async (c, next) => {
    const wait = rateLimit(c.var.caller.user.id);
    if (wait !== undefined) {
      return fail(
        c,
        'RATE_LIMITED',
        429,
        `You have made more than ${settings.requests_per_minute} model calls in a minute (llm.requests_per_minute). Try again in ${wait} s.`,
        wait,
      );
    }
    await next();
  };

  // Checked on the raw text before parsing, so an oversized body costs no JSON work.
  const sizeCapped: MiddlewareHandler<Env> = async (c, next) => {
    const bytes = Buffer.byteLength(await c.req.text());
    if (bytes > settings.max_request_bytes) {
      return errorResponse(
        c,
        'PAYLOAD_TOO_LARGE',
        `The chat request is ${Math.ceil(bytes / 1024)} KiB; this server accepts at most ${Math.floor(settings.max_request_bytes / 1024)} KiB per model call (llm.max_request_bytes). Compact the conversation (POST /api/v1/chat/compact) or send fewer or smaller messages.`,
      );
    }
    await next();
  };

  /** The provider a request names (or the default), or the answer refusing it. */
  const pick = (c: Context, name: string | undefined): ConfiguredProvider | Response => {
    const provider = llm.find(name);
    if (provider) return provider;
    return errorResponse(
      c,
      'BAD_REQUEST',
      `The LLM provider "${name}" is not configured on this server; configured: ${llm.providers.map((p) => p.name).join(', ')}. GET /api/v1/llm/providers lists them.`,
    );
  };

  const clientFailure = (c: Context, provider: ConfiguredProvider, error: unknown): Response => {
    if (!isLlmClientError(error)) throw error;
    const { code, message } = publicFailure(llm, provider, error.code, error.message);
    logger.warn(
      { provider: provider.name, code, upstream_status: error.status, message },
      'LLM provider call failed',
    );
    const retryAfter =
      error.code === 'RATE_LIMITED'
        ? Math.max(1, Math.ceil((error.retryAfterMs ?? DEFAULT_RETRY_AFTER_SECONDS * 1000) / 1000))
        : undefined;
    return fail(c, code, ERROR_STATUS[LLM_CLIENT_ERRORS[error.code]], message, retryAfter);
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

  const tooManyMessages = (c: Context, body: ChatRequest): Response | undefined =>
    body.messages.length > settings.max_messages
      ? errorResponse(
          c,
          'PAYLOAD_TOO_LARGE',
          `The chat has ${body.messages.length} messages; this server accepts at most ${settings.max_messages} per model call (llm.max_messages). Compact the conversation first (POST /api/v1/chat/compact).`,
        )
      : undefined;

  app.get('/api/v1/llm/providers', loggedIn, configured, (c) => {
    const body: LlmProvidersResponse = {
      providers: llm.providers.map((p) => ({ name: p.name, default_model: p.defaultModel })),
      default_provider: llm.defaultProvider!.name,
    };
    return c.json(body);
  });

  app.get('/api/v1/llm/models', loggedIn, configured, async (c) => {
    const query = LlmModelsQuerySchema.safeParse(c.req.query());
    if (!query.success) return errorResponse(c, 'BAD_REQUEST', 'provider must be a provider name.');
    const provider = pick(c, query.data.provider);
    if (provider instanceof Response) return provider;
    try {
      const models = await provider.listModels(c.req.raw.signal);
      const body: LlmModelsResponse = {
        models: models.map((m) => ({
          id: m.id,
          ...(m.context_window !== undefined ? { context_window: m.context_window } : {}),
        })),
      };
      return c.json(body);
    } catch (error) {
      return clientFailure(c, provider, error);
    }
  });

  app.post(
    '/api/v1/llm/chat',
    loggedIn,
    configured,
    limited,
    sizeCapped,
    jsonBody(ChatRequestSchema),
    async (c) => {
      const body = c.req.valid('json');
      const refused = tooManyMessages(c, body);
      if (refused) return refused;
      const provider = pick(c, body.provider);
      if (provider instanceof Response) return provider;
      const started = performance.now();
      try {
        const result = await provider.client.chat(toClientRequest(body, provider, c.req.raw.signal));
        logger.info(
          {
            user: c.var.caller.user.username,
            provider: provider.name,
            model: result.model,
            ms: Math.round(performance.now() - started),
            input_tokens: result.usage.input_tokens,
            output_tokens: result.usage.output_tokens,
          },
          'llm chat',
        );
        const answer: ChatResponse = {
          content: result.content,
          stop_reason: result.stop_reason,
          usage: result.usage,
          provider: provider.name,
          model: result.model,
        };
        return c.json(answer);
      } catch (error) {
        return clientFailure(c, provider, error);
      }
    },
  );

  app.post(
    '/api/v1/llm/chat/stream',
    loggedIn,
    configured,
    limited,
    sizeCapped,
    jsonBody(ChatRequestSchema),
    (c) => {
      const body = c.req.valid('json');
      const refused = tooManyMessages(c, body);
      if (refused) return refused;
      const provider = pick(c, body.provider);
      if (provider instanceof Response) return provider;

      // Aborted when the client goes away (request signal or the response stream being cancelled).
      const upstream = new AbortController();
      const clientGone = () => upstream.abort();
      const requestSignal = c.req.raw.signal;
      requestSignal.addEventListener('abort', clientGone, { once: true });
      const request = toClientRequest(body, provider, upstream.signal);
      const user = c.var.caller.user.username;
      const encoder = new TextEncoder();
      const keepAliveMs = settings.keepalive_seconds * 1000;

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
    },
  );

  return app;
}
