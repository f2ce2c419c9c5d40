import type {
  Connection,
  Conversation,
  ConversationInput,
  ConversationList,
  LlmModel,
  LlmProvidersResponse,
  MeResponse,
  Message,
} from '@pgmcp/api-contract';
import { ApiError } from './api-error.js';

/** Answer of `GET /health` (the parts the client shows). */
export interface HealthInfo {
  status: string;
  version: string;
}

/** Every REST call the web client makes. The session is the httpOnly cookie; no token is ever held here. */
export interface ApiClient {
  health(): Promise<HealthInfo>;
  me(): Promise<MeResponse>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  connections(): Promise<Connection[]>;
  setCurrentConnection(name: string): Promise<void>;
  /** Throws ApiError LLM_NOT_CONFIGURED (with the variables to set) when the server has no provider. */
  providers(): Promise<LlmProvidersResponse>;
  models(provider: string): Promise<LlmModel[]>;
  listConversations(cursor?: string): Promise<ConversationList>;
  getConversation(id: string): Promise<Conversation>;
  createConversation(input: ConversationInput): Promise<Conversation>;
  saveConversation(id: string, input: ConversationInput): Promise<Conversation>;
  renameConversation(id: string, title: string): Promise<Conversation>;
  deleteConversation(id: string): Promise<void>;
  deleteAllConversations(): Promise<number>;
  /** Server-side compaction to `maxTokens`; the caller falls back to local compaction when it throws. */
  compact(messages: Message[], maxTokens: number, signal?: AbortSignal): Promise<Message[]>;
}

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Called when the server answers 401: the session is gone (expired, logged out elsewhere). */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  /** Prefix of every path; '' for the page's own origin. */
  baseUrl?: string;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/**
 * The REST client over `fetch` with `credentials: 'same-origin'`, so the browser sends the session
 * cookie and JavaScript never sees it.
 *
 * @example
 *   const api = createApiClient({ onUnauthorized: () => showLogin() });
 *   const me = await api.me();
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl ?? '';

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    { quiet401 = false } = {},
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('NETWORK', 'The pgmcp server cannot be reached. Is it running?', 0);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as ErrorBody | undefined)?.error;
      const code =
        typeof error?.code === 'string'
          ? error.code
          : response.status === 401
            ? 'UNAUTHORIZED'
            : 'HTTP_ERROR';
      const message =
        typeof error?.message === 'string'
          ? error.message
          : `The server answered HTTP ${response.status} to ${method} ${path}.`;
      if (response.status === 401 && !quiet401) options.onUnauthorized?.();
      throw new ApiError(code, message, response.status);
    }
    if (parsed === undefined) {
      throw new ApiError(
        'BAD_RESPONSE',
        `The server's answer to ${method} ${path} is not JSON.`,
        response.status,
      );
    }
    return parsed as T;
  }

  const conversation = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;

  return {
    health: () => call<HealthInfo>('GET', '/health'),
    // At start a 401 only means "not logged in yet", not an expired session.
    me: () => call<MeResponse>('GET', '/api/v1/auth/me', undefined, undefined, { quiet401: true }),
    async login(username, password) {
      // The answer carries the session token too; it is deliberately not kept: the cookie is the session.
      await call<unknown>('POST', '/api/v1/auth/login', { username, password }, undefined, {
        quiet401: true,
      });
    },
    async logout() {
      await call<unknown>('POST', '/api/v1/auth/logout', undefined, undefined, { quiet401: true });
    },
    connections: async () =>
      (await call<{ connections: Connection[] }>('GET', '/api/v1/connections')).connections,
    async setCurrentConnection(name) {
      await call<unknown>('POST', '/api/v1/connections/current', { connection: name });
    },
    providers: () => call<LlmProvidersResponse>('GET', '/api/v1/llm/providers'),
    models: async (provider) =>
      (
        await call<{ models: LlmModel[] }>(
          'GET',
          `/api/v1/llm/models?provider=${encodeURIComponent(provider)}`,
        )
      ).models,
    listConversations: (cursor) =>
      call<ConversationList>(
        'GET',
        `/api/v1/conversations?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ),
    getConversation: (id) => call<Conversation>('GET', conversation(id)),
    createConversation: (input) => call<Conversation>('POST', '/api/v1/conversations', input),
    saveConversation: (id, input) => call<Conversation>('PUT', conversation(id), input),
    renameConversation: (id, title) => call<Conversation>('PATCH', conversation(id), { title }),
    async deleteConversation(id) {
      await call<unknown>('DELETE', conversation(id));
    },
    deleteAllConversations: async () =>
      (await call<{ deleted: number }>('DELETE', '/api/v1/conversations')).deleted,
    compact: async (messages, maxTokens, signal) =>
      (
        await call<{ messages: Message[] }>(
          'POST',
          '/api/v1/chat/compact',
          { messages, max_tokens: maxTokens },
          signal,
        )
      ).messages,
  };
}
