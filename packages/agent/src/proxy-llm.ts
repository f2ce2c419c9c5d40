import { type ChatRequest, ErrorBodySchema, type StreamEvent, StreamEventSchema } from '@pgmcp/api-contract';
import type { AgentLlm } from './agent-llm.js';
import { AgentError, messageOf } from './errors.js';
import { createSseParser } from './sse.js';

/** Options of {@link createProxyLlm}. */
export interface ProxyLlmOptions {
  /** The pgmcp server, e.g. `https://pgmcp.example.com`; `''` for the page's own origin (the web client). */
  baseUrl: string;
  /** A fetch implementation; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request (or a function returning them, called per request). */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Returns the session or API token, sent as `Authorization: Bearer …`; undefined sends none (cookie auth). */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** `fetch` credentials mode; `'include'` or `'same-origin'` sends the session cookie. */
  credentials?: 'omit' | 'same-origin' | 'include';
}

/** The path of the streaming LLM proxy route (DESIGN.md §5). */
export const PROXY_STREAM_PATH = '/api/v1/llm/chat/stream';

/** The REST error code a status stands for when the proxy's answer carries no JSON error body. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

function streamError(code: string, message: string): StreamEvent {
  return { type: 'error', code, message };
}

async function errorFromResponse(response: Response): Promise<StreamEvent> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body is only a better message; the status alone still says what happened.
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = ErrorBodySchema.safeParse(parsed);
  if (body.success) return streamError(body.data.error.code, body.data.error.message);
  const code = CODE_BY_STATUS[response.status] ?? (response.status >= 500 ? 'INTERNAL' : 'PROXY_ERROR');
  return streamError(code, `The LLM proxy answered HTTP ${response.status} without an error body.`);
}

function parseEvent(name: string, data: string): StreamEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return `the data of a "${name}" event is not JSON`;
  }
  const withType =
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    !('type' in json) &&
    name !== 'message'
      ? { type: name, ...json }
      : json;
  const parsed = StreamEventSchema.safeParse(withType);
  if (!parsed.success) return `a "${name}" event does not have the shape of a stream event`;
  if (name !== 'message' && parsed.data.type !== name) {
    return `an event named "${name}" carries a "${parsed.data.type}" payload`;
  }
  return parsed.data;
}

async function requestHeaders(options: ProxyLlmOptions): Promise<Record<string, string>> {
  const extra = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
  const token = options.getToken ? await options.getToken() : undefined;
  return {
    ...extra,
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

/**
 * An {@link AgentLlm} that calls pgmcp's LLM proxy (`POST /api/v1/llm/chat/stream`), so provider keys
 * stay on the server. Browser-safe: fetch, ReadableStream and TextDecoder only.
 *
 * @example
 * const llm = createProxyLlm({ baseUrl: '', credentials: 'same-origin' }); // web client, cookie session
 * const cliLlm = createProxyLlm({ baseUrl: 'http://127.0.0.1:8080', getToken: () => token });
 */
export function createProxyLlm(options: ProxyLlmOptions): AgentLlm {
  if (typeof options.baseUrl !== 'string') {
    throw new AgentError('BAD_OPTIONS', 'createProxyLlm: baseUrl must be a string ("" for the same origin).');
  }
  const base = options.baseUrl.replace(/\/+$/, '');
  if (base !== '' && !/^https?:\/\/[^/]/i.test(base)) {
    throw new AgentError(
      'BAD_OPTIONS',
      `createProxyLlm: baseUrl must be an http(s) URL or "", got "${base}".`,
    );
  }
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = `${base}${PROXY_STREAM_PATH}`;

  return {
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent> {
      const cancelled = () => streamError('CANCELLED', 'The model call was cancelled.');
      let headers: Record<string, string>;
      try {
        headers = await requestHeaders(options);
      } catch (error) {
        yield streamError('UNAUTHORIZED', `Could not get credentials for the LLM proxy: ${messageOf(error)}`);
        return;
      }
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(request),
          signal,
          ...(options.credentials ? { credentials: options.credentials } : {}),
        });
      } catch (error) {
        yield signal.aborted
          ? cancelled()
          : streamError('PROXY_UNREACHABLE', `Could not reach the LLM proxy at ${url}: ${messageOf(error)}`);
        return;
      }
      if (!response.ok) {
        yield await errorFromResponse(response);
        return;
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (!contentType.toLowerCase().startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        yield streamError(
          'BAD_STREAM',
          `The LLM proxy answered ${contentType || 'no content type'}, not an event stream.`,
        );
        return;
      }

      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser();
      try {
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            yield signal.aborted
              ? cancelled()
              : streamError(
                  'PROXY_UNREACHABLE',
                  `The connection to the LLM proxy dropped: ${messageOf(error)}`,
                );
            return;
          }
          const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
          for (const message of parser.push(text)) {
            const event = parseEvent(message.event, message.data);
            if (typeof event === 'string') {
              yield streamError('BAD_STREAM', `The LLM proxy sent a malformed stream: ${event}.`);
              return;
            }
            yield event;
            if (event.type === 'done' || event.type === 'error') return;
          }
          if (chunk.done) break;
        }
        parser.end();
        yield signal.aborted
          ? cancelled()
          : streamError('BAD_STREAM', 'The LLM proxy stream ended before the model finished.');
      } finally {
        // Ends the HTTP response too: after the last event, on abort, and when the caller stops reading early.
        await reader.cancel().catch(() => undefined);
      }
    },
  };
}
