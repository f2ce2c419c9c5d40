import { type ApiClient, createApiClient, isApiError } from '@pgmcp/api-contract';
import { ChatError, type ChatErrorCode } from './chat-error.js';

/** Options of {@link createChatApi}. */
export interface ChatApiOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The session or API token sent as `Authorization: Bearer …`, if any. */
  getToken: () => string | undefined;
  fetch?: typeof fetch;
  /** Time limit of one request, in ms (default 30 s). */
  timeoutMs?: number;
}

/** A REST failure as `pgmcp chat` reports it: an exit-code class and what to do next. */
function toChatError(error: unknown, baseUrl: string): unknown {
  if (!isApiError(error)) return error;
  const code: ChatErrorCode =
    error.code === 'CANCELLED'
      ? 'CANCELLED'
      : error.code === 'NETWORK' || error.code === 'TIMEOUT'
        ? 'UNREACHABLE'
        : error.status === 401
          ? 'UNAUTHORIZED'
          : error.status === 404 && !error.code.startsWith('HTTP_')
            ? 'NOT_FOUND'
            : 'SERVER_ERROR';
  let message = error.message;
  if (error.code === 'NETWORK') {
    const cause = (error.cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const reason = cause?.code ?? cause?.message;
    message = `Could not reach the pgmcp server at ${baseUrl}${reason ? ` (${reason})` : ''}. Check --server (or PGMCP_SERVER) and that \`pgmcp serve\` runs there.`;
  } else if (error.code.startsWith('HTTP_') || error.code === 'BAD_RESPONSE') {
    message = `${error.message} Is this a pgmcp server? Check --server.`;
  }
  return new ChatError(code, message, { cause: error });
}

/**
 * The typed REST client of the server (from api-contract) as `pgmcp chat` uses it: a bearer token,
 * a time limit, and failures as {@link ChatError}s with the command's exit codes.
 */
export function createChatApi(options: ChatApiOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client = createApiClient({
    baseUrl,
    timeoutMs: options.timeoutMs ?? 30_000,
    headers: (): Record<string, string> => {
      const token = options.getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const wrapped: Record<string, unknown> = { baseUrl };
  for (const [name, value] of Object.entries(client)) {
    if (typeof value !== 'function') continue;
    wrapped[name] = (...args: unknown[]) =>
      (value as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
        throw toChatError(error, baseUrl);
      });
  }
  return wrapped as ApiClient;
}
